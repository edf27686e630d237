import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discogsRateLimit, startDiscogs } from './discogs';
import { diffShapes, readFixture, shapeOf } from './keypaths';
import type { FakeServer } from './server';
import { richCatalog, type RichCatalog } from './test-catalog';

let rich: RichCatalog;
let discogs: FakeServer;
const AUTH = { Authorization: 'Discogs token=fake-token' };

beforeAll(async () => {
  rich = richCatalog();
  discogs = await startDiscogs(rich.catalog);
});
afterAll(() => discogs.close());

const get = async (path: string, headers: Record<string, string> = AUTH) => {
  const response = await fetch(discogs.url + path, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

describe('fake Discogs', () => {
  it('answers /releases/{id} in the captured shape', async () => {
    const release = rich.album.discogsReleases[1]!;
    const { status, body } = await get(`/releases/${release.id}`);
    expect(status).toBe(200);
    // Videos are left empty: nothing reads them.
    const diff = diffShapes(shapeOf(body), shapeOf(readFixture('discogs/release-1503102.json'), [/\.videos$/]));
    expect(diff.missing).toEqual([]);
    expect(diff.extra.filter((p) => p !== '.videos')).toEqual([]);
    expect(diff.types).toEqual([]);
    expect(body).toMatchObject({ id: release.id, year: 2011, master_id: rich.album.discogsMaster!.id, title: 'Café Noir (Remastered 2011)' });
    expect(body.master_url).toBe(`${discogs.url}/masters/${rich.album.discogsMaster!.id}`);
  });

  it('answers /masters/{id} with the original year and main release', async () => {
    const master = rich.album.discogsMaster!;
    const { body } = await get(`/masters/${master.id}`);
    expect(body).toMatchObject({ id: master.id, year: 1979, main_release: rich.album.discogsReleases[0]!.id, most_recent_release: rich.album.discogsReleases[1]!.id, title: 'Café Noir' });
  });

  it('answers unknown ids with its JSON 404', async () => {
    expect(await get('/releases/1')).toMatchObject({ status: 404, body: { message: 'Release not found.' } });
    expect(await get('/masters/1')).toMatchObject({ status: 404, body: { message: 'Master Release not found.' } });
  });

  it('requires a token for /database/search', async () => {
    const { status, body } = await get('/database/search?q=noir', {});
    expect(status).toBe(401);
    expect(body).toEqual({ message: 'You must authenticate to access this resource.' });
  });

  it('searches masters and releases, with the year as a string', async () => {
    const masters = await get(`/database/search?type=master&artist=${encodeURIComponent('The Velvet Lanterns')}&release_title=${encodeURIComponent('Café Noir')}`);
    const results = masters.body.results as Array<Record<string, unknown>>;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ type: 'master', id: rich.album.discogsMaster!.id, year: '1979', title: 'The Velvet Lanterns - Café Noir', master_id: rich.album.discogsMaster!.id });
    expect(masters.body.pagination).toMatchObject({ page: 1, pages: 1, per_page: 50, items: 1 });

    const releases = await get(`/database/search?type=release&q=${encodeURIComponent('velvet lanterns cafe noir')}`);
    const years = (releases.body.results as Array<Record<string, unknown>>).map((r) => r.year).sort();
    expect(years).toEqual(['1979', '2011']);

    const barcode = rich.album.releases[1]!.barcode!;
    const byBarcode = await get(`/database/search?barcode=${barcode}`);
    expect((byBarcode.body.results as Array<Record<string, unknown>>).map((r) => r.id)).toContain(rich.album.discogsReleases[1]!.id);
  });

  it('pages search results', async () => {
    const { body } = await get('/database/search?type=release&per_page=2&page=2');
    expect(body.pagination).toMatchObject({ page: 2, per_page: 2 });
    expect((body.results as unknown[]).length).toBeLessThanOrEqual(2);
    expect((body.pagination as { urls: Record<string, string> }).urls.prev).toContain('page=1');
  });

  it('reports its rate limit in headers: 60 a minute with a token, 25 without', async () => {
    const server = await startDiscogs(rich.catalog);
    try {
      const release = rich.album.discogsReleases[0]!.id;
      const authed = await fetch(`${server.url}/releases/${release}`, { headers: AUTH });
      expect(authed.headers.get('x-discogs-ratelimit')).toBe('60');
      expect(authed.headers.get('x-discogs-ratelimit-used')).toBe('1');
      expect(authed.headers.get('x-discogs-ratelimit-remaining')).toBe('59');
      const anonymous = await fetch(`${server.url}/releases/${release}`);
      expect(anonymous.headers.get('x-discogs-ratelimit')).toBe('25');
      expect(anonymous.headers.get('x-discogs-ratelimit-remaining')).toBe('24');
    } finally {
      await server.close();
    }
  });

  it('answers 429 with its JSON body when the limit is enforced', async () => {
    const server = await startDiscogs(rich.catalog, { switches: { rateLimit: { ...discogsRateLimit(true), bucket: () => ({ key: 'all', limit: 2 }) } } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await fetch(`${server.url}/releases/1`, { headers: AUTH });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([404, 404, 429]);
      expect(await last!.json()).toEqual({ message: 'You are making requests too quickly.' });
      expect(server.stats.violations).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('rejects tokens it was not given when a token list is set', async () => {
    const server = await startDiscogs(rich.catalog, { tokens: ['good'] });
    try {
      const bad = await fetch(`${server.url}/database/search?q=x`, { headers: { Authorization: 'Discogs token=bad' } });
      expect(bad.status).toBe(401);
      const good = await fetch(`${server.url}/database/search?q=x`, { headers: { Authorization: 'Discogs token=good' } });
      expect(good.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
