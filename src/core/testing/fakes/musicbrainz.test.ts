import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffShapes, readFixture, shapeOf, unionShapes } from './keypaths';
import { escapeLucene } from '../../sources/lucene';
import { startMusicBrainz } from './musicbrainz';
import type { FakeServer } from './server';
import { richCatalog, type RichCatalog } from './test-catalog';

/** Keys the fakes leave out on purpose: they belong to incs nothing in Sleeve asks for. */
const UNSUPPORTED = [/\.(aliases|tags|genres|user-tags|user-genres|relations|annotation|rating)$/, /\.iso-3166-3-codes$/];
/** The release and release-group captures have no multi-artist credit; the recording capture shows the Solr writer adds joinphrase. */
const JOINPHRASE = /\.artist-credit\[\]\.joinphrase$/;

let rich: RichCatalog;
let mb: FakeServer;

beforeAll(async () => {
  rich = richCatalog();
  mb = await startMusicBrainz(rich.catalog);
});
afterAll(() => mb.close());

async function get(path: string): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(mb.url + path, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function expectShape(fake: unknown, fixtures: string[], options: { allowExtra?: RegExp[]; allowMissing?: RegExp[] } = {}) {
  const diff = diffShapes(shapeOf(fake, UNSUPPORTED), unionShapes(...fixtures.map((f) => shapeOf(readFixture(f), UNSUPPORTED))));
  expect(diff.missing.filter((p) => !(options.allowMissing ?? []).some((re) => re.test(p)))).toEqual([]);
  expect(diff.extra.filter((p) => !(options.allowExtra ?? []).some((re) => re.test(p)))).toEqual([]);
  expect(diff.types).toEqual([]);
}

const q = (query: string) => encodeURIComponent(query);

describe('fake MusicBrainz answers in the captured wire format', () => {
  it('recording lookup with inc=isrcs', async () => {
    const recording = rich.album.recordings[0]!;
    const { status, body } = await get(`/ws/2/recording/${recording.id}?inc=isrcs&fmt=json`);
    expect(status).toBe(200);
    expectShape(body, ['musicbrainz/lookup-recording-inc-isrcs.json']);
    expect(body).toMatchObject({ id: recording.id, length: 285_546, isrcs: ['GBAYE7900001', 'GBAYE1100001'], 'first-release-date': '1979-06-01', disambiguation: 'album version' });
  });

  it('recording lookup with artist credits, as Picard captured it', async () => {
    const feat = rich.album.recordings[1]!;
    const { body } = await get(`/ws/2/recording/${feat.id}?inc=artist-credits+isrcs&fmt=json`);
    expectShape(body, ['musicbrainz/picard-recording.json']);
    expect(body['artist-credit']).toMatchObject([
      { name: 'The Velvet Lanterns', joinphrase: ' feat. ', artist: { id: rich.lanterns.id, 'sort-name': 'Velvet Lanterns, The' } },
      { name: 'Zoë Ågren', joinphrase: '', artist: { id: rich.zoe.id } },
    ]);
  });

  it('recording lookup with releases lists the original and the later compilation', async () => {
    const recording = rich.album.recordings[0]!;
    const { body } = await get(`/ws/2/recording/${recording.id}?inc=releases+release-groups+media&fmt=json`);
    const releases = body.releases as Array<Record<string, unknown>>;
    expect(releases.map((r) => r.date)).toEqual(['1979-06-01', '2011-03-07', '2015-01-01']);
    const compilation = releases.find((r) => r.id === rich.compilation.releases[0]!.id)!;
    expect(compilation['release-group']).toMatchObject({ 'secondary-types': ['Compilation'], 'primary-type': 'Album' });
    expect((compilation.media as Array<Record<string, unknown>>)[0]).toMatchObject({ 'track-offset': 0, 'track-count': 2 });
  });

  it('release-group lookup', async () => {
    const { body } = await get(`/ws/2/release-group/${rich.album.releaseGroup.id}?fmt=json`);
    expectShape(body, ['musicbrainz/lookup-release-group.json']);
    expect(body).toMatchObject({ 'first-release-date': '1979-06-01', 'primary-type': 'Album', 'secondary-types': [] });
  });

  it('release-group lookup with releases and media, as Picard captured it', async () => {
    const { body } = await get(`/ws/2/release-group/${rich.album.releaseGroup.id}?inc=releases+media&fmt=json`);
    expectShape(body, ['musicbrainz/picard-release_group.json'], { allowExtra: [/\.area\.(type|type-id)$/] });
    expect((body.releases as unknown[]).length).toBe(2);
  });

  it('release lookup with inc=media+recordings', async () => {
    const release = rich.album.releases[0]!;
    const { body } = await get(`/ws/2/release/${release.id}?inc=media%2Brecordings&fmt=json`);
    expectShape(body, ['musicbrainz/lookup-release-inc-media-recordings.json']);
    const tracks = (body.media as Array<{ tracks: Array<Record<string, unknown>> }>)[0]!.tracks;
    expect(tracks[0]).toMatchObject({ position: 1, number: '1', length: 285_546, recording: { id: rich.album.recordings[0]!.id, length: 285_546 } });
    expect(body['cover-art-archive']).toMatchObject({ artwork: true, front: true });
  });

  it('release lookup with artists, release group and labels, as Picard captured it', async () => {
    const release = rich.album.releases[1]!;
    const { body } = await get(`/ws/2/release/${release.id}?inc=artists+release-groups+labels+recordings&fmt=json`);
    expectShape(body, ['musicbrainz/picard-release.json', 'musicbrainz/lookup-release-inc-media-recordings.json']);
    expect(body['release-group']).toMatchObject({ id: rich.album.releaseGroup.id, 'first-release-date': '1979-06-01' });
    expect(body).toMatchObject({ title: 'Café Noir (Remastered 2011)', date: '2011-03-07', disambiguation: '2011 remaster' });
  });

  it('release lookup with inc=artist-credits credits every track too', async () => {
    const { body } = await get(`/ws/2/release/${rich.album.releases[0]!.id}?inc=artist-credits+recordings&fmt=json`);
    const track = (body.media as Array<{ tracks: Array<Record<string, unknown>> }>)[0]!.tracks[1]!;
    expect(track['artist-credit']).toHaveLength(2);
    expect((track.recording as Record<string, unknown>)['artist-credit']).toHaveLength(2);
  });

  it('recording search', async () => {
    const { body } = await get(`/ws/2/recording?query=${q('recording:"Burn the Witch" OR recording:"Rock & Roll Heart"')}&fmt=json`);
    expectShape(body, ['musicbrainz/search-recording-burn-the-witch.json', 'musicbrainz/mbsolr-expected-recording-list.json']);
    expect(typeof body.created).toBe('string');
    expect(body).toMatchObject({ offset: 0 });
  });

  it('release search', async () => {
    const { body } = await get(`/ws/2/release?query=${q(`rgid:${rich.album.releaseGroup.id} OR rgid:${rich.compilation.releaseGroup.id}`)}&fmt=json`);
    expectShape(body, ['musicbrainz/search-release-you-want-it-darker.json', 'musicbrainz/mbsolr-expected-release-list.json'], { allowExtra: [JOINPHRASE] });
    expect(body.count).toBe(3);
  });

  it('release-group search', async () => {
    const { body } = await get(`/ws/2/release-group?query=${q(`arid:${rich.lanterns.id}`)}&fmt=json`);
    expectShape(body, ['musicbrainz/search-release-group-by-arid.json', 'musicbrainz/mbsolr-expected-release-group-list.json'], { allowExtra: [JOINPHRASE] });
    const groups = body['release-groups'] as Array<Record<string, unknown>>;
    expect(groups.map((g) => g.id).sort()).toEqual([rich.album.releaseGroup.id, rich.compilation.releaseGroup.id].sort());
    expect(groups.find((g) => g.id === rich.compilation.releaseGroup.id)).toMatchObject({ 'type-id': 'dd2a21e1-0c00-3729-a7a0-de60b84eb5d1', 'secondary-types': ['Compilation'] });
  });

  it('browse recordings by artist with inc=ratings', async () => {
    const { body } = await get(`/ws/2/recording?artist=${rich.lanterns.id}&inc=ratings&fmt=json`);
    expectShape(body, ['musicbrainz/browse-recordings-by-artist.json']);
    expect(body['recording-count']).toBe(5);
  });

  it('browse releases of a release group with limit and offset', async () => {
    const first = await get(`/ws/2/release?release-group=${rich.album.releaseGroup.id}&limit=1&fmt=json`);
    const second = await get(`/ws/2/release?release-group=${rich.album.releaseGroup.id}&limit=1&offset=1&fmt=json`);
    expect(first.body).toMatchObject({ 'release-count': 2, 'release-offset': 0 });
    expect(second.body).toMatchObject({ 'release-count': 2, 'release-offset': 1 });
    expect([(first.body.releases as Array<{ id: string }>)[0]!.id, (second.body.releases as Array<{ id: string }>)[0]!.id]).toEqual(rich.album.releases.map((r) => r.id));
  });
});

describe('fake MusicBrainz errors and redirects', () => {
  it('answers an invalid inc with the real 400 body', async () => {
    const { status, body } = await get(`/ws/2/artist/${rich.lanterns.id}?inc=foobar&fmt=json`);
    expect(status).toBe(400);
    expect(body).toEqual({ ...(readFixture('musicbrainz/error-400-invalid-inc.json') as object) });
  });

  it('answers an unknown MBID with 404 Not Found', async () => {
    const { status, body } = await get('/ws/2/recording/00000000-0000-4000-8000-000000000000?fmt=json');
    expect(status).toBe(404);
    expect(body.error).toBe('Not Found');
  });

  it('answers a malformed MBID and a missing fmt=json with 400', async () => {
    expect((await get('/ws/2/recording/xyz?fmt=json')).status).toBe(400);
    const noFmt = await get(`/ws/2/recording/${rich.album.recordings[0]!.id}`);
    expect(noFmt.status).toBe(400);
    expect(String(noFmt.body.error)).toContain('fmt=json');
  });

  it('answers a merged MBID with 301 to the new one, keeping the query string', async () => {
    const target = rich.album.recordings[2]!;
    const oldId = '11111111-2222-4333-8444-555555555555';
    rich.catalog.addMerge(oldId, 'recording', target.id);
    const { status, headers, body } = await get(`/ws/2/recording/${oldId}?inc=isrcs&fmt=json`);
    expect(status).toBe(301);
    expect(headers.get('location')).toBe(`${mb.url}/ws/2/recording/${target.id}?inc=isrcs&fmt=json`);
    expect(body.id).toBe(target.id);
    const followed = await fetch(`${mb.url}/ws/2/recording/${oldId}?fmt=json`);
    expect(followed.status).toBe(200);
    expect(followed.url).toContain(target.id);
  });

  it('rejects a query Lucene cannot parse with 400', async () => {
    expect((await get(`/ws/2/recording?query=${q('recording:(burn')}&fmt=json`)).status).toBe(400);
  });
});

describe('fake MusicBrainz search implements the Lucene subset a client uses', () => {
  type Hit = { id: string; score: number; title: string };
  async function search(entity: 'recording' | 'release' | 'release-group', query: string, extra = ''): Promise<{ count: number; hits: Hit[] }> {
    const { status, body } = await get(`/ws/2/${entity}?query=${q(query)}&fmt=json${extra}`);
    expect(status).toBe(200);
    const key = entity === 'release-group' ? 'release-groups' : `${entity}s`;
    return { count: body.count as number, hits: body[key] as Hit[] };
  }

  it('scores an exact title and artist 100 and a partial title lower', async () => {
    const { hits } = await search('recording', 'recording:"Burn the Witch" AND artist:"The Velvet Lanterns"');
    expect(hits[0]).toMatchObject({ id: rich.album.recordings[0]!.id, score: 100 });
    const demo = hits.find((h) => h.title === 'Burn the Witch (Demo)')!;
    expect(demo.score).toBeLessThan(100);
    expect(demo.score).toBeGreaterThan(50);
  });

  it('matches any of rid:(a OR b OR c)', async () => {
    const ids = rich.album.recordings.slice(0, 3).map((r) => r.id);
    const { count, hits } = await search('recording', `rid:(${ids.join(' OR ')})`);
    expect(count).toBe(3);
    expect(hits.map((h) => h.id).sort()).toEqual([...ids].sort());
    expect(hits.every((h) => h.score === 100)).toBe(true);
  });

  it('filters by reid, rgid, arid, tnum and a dur range', async () => {
    const original = rich.album.releases[0]!;
    expect((await search('recording', `reid:${original.id}`)).count).toBe(4);
    expect((await search('release', `rgid:${rich.album.releaseGroup.id}`)).count).toBe(2);
    expect((await search('release-group', `arid:${rich.zoe.id}`)).count).toBe(2);
    const second = await search('recording', `reid:${original.id} AND tnum:2`);
    expect(second.hits.map((h) => h.id)).toEqual([rich.album.recordings[1]!.id]);
    const byLength = await search('recording', `arid:${rich.lanterns.id} AND dur:[285000 TO 286000]`);
    expect(byLength.hits.map((h) => h.id)).toEqual([rich.album.recordings[0]!.id]);
  });

  it('takes escaped special characters in terms and phrases', async () => {
    const id = rich.album.recordings[3]!.id;
    const phrase = await search('recording', `recording:"${'AC/DC: "Live" [Edit]'.replace(/"/g, '\\"')}"`);
    expect(phrase.hits[0]).toMatchObject({ id, score: 100 });
    const term = await search('recording', `recording:${escapeLucene('AC/DC: "Live" [Edit]')} AND arid:${rich.lanterns.id}`);
    expect(term.hits.map((h) => h.id)).toEqual([id]);
    const amp = await search('recording', `recording:"${escapeLucene('Rock & Roll Heart (Part 1)')}"`);
    expect(amp.hits[0]).toMatchObject({ id: rich.album.recordings[1]!.id, score: 100 });
  });

  it('supports NOT, parentheses and accent folding', async () => {
    const noDemo = await search('recording', `arid:${rich.lanterns.id} AND recording:witch AND NOT recording:demo`);
    expect(noDemo.hits.map((h) => h.id)).toEqual([rich.album.recordings[0]!.id]);
    const grouped = await search('recording', `(recording:burn OR recording:mirror) AND arid:${rich.lanterns.id}`);
    expect(grouped.count).toBe(3);
    const folded = await search('release', 'release:"cafe noir" AND artist:"velvet lanterns"');
    expect(folded.hits.map((h) => h.id).sort()).toEqual(rich.album.releases.map((r) => r.id).sort());
  });

  it('pages with limit and offset while count stays the total', async () => {
    const all = await search('recording', `arid:${rich.lanterns.id}`);
    const page = await search('recording', `arid:${rich.lanterns.id}`, '&limit=2&offset=1');
    expect(page.count).toBe(all.count);
    expect(page.hits.map((h) => h.id)).toEqual(all.hits.slice(1, 3).map((h) => h.id));
  });
});
