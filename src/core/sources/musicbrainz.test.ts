import { describe, expect, it } from 'vitest';
import { DeferredError, HttpStatusError, MalformedResponseError } from '../net/errors';
import {
  isMbid,
  MusicBrainzClient,
  recordingLucene,
  releaseGroupLucene,
  releaseLucene,
  yearOf,
} from './musicbrainz';
import { createStubHttp, type StubAnswer, type StubRequest } from './stub-http';

const mbid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function recordingJson(id: string, extra: Record<string, unknown> = {}) {
  return { id, title: `Song ${id.slice(-4)}`, length: 200000, 'first-release-date': '1997-05-21', ...extra };
}

function client(handler: (r: StubRequest) => StubAnswer | Promise<StubAnswer>) {
  const http = createStubHttp('musicbrainz', handler);
  return { http, mb: new MusicBrainzClient(http) };
}

describe('yearOf', () => {
  it('reads the year of full and partial dates', () => {
    expect(yearOf('1997')).toBe(1997);
    expect(yearOf('1997-05')).toBe(1997);
    expect(yearOf('1997-05-21')).toBe(1997);
  });

  it('is null for empty or unreadable dates', () => {
    expect(yearOf('')).toBeNull();
    expect(yearOf(null)).toBeNull();
    expect(yearOf(undefined)).toBeNull();
    expect(yearOf('97')).toBeNull();
    expect(yearOf('0000')).toBeNull();
    expect(yearOf('19970')).toBeNull();
  });
});

describe('isMbid', () => {
  it('accepts UUIDs in any case and rejects the rest', () => {
    expect(isMbid('9F9CF187-D6F9-437F-9D98-D59CDBD52757')).toBe(true);
    expect(isMbid('xyz')).toBe(false);
    expect(isMbid('')).toBe(false);
  });
});

describe('query builders', () => {
  it('builds recording queries with escaped phrases and a duration window', () => {
    expect(recordingLucene({ artist: 'AC/DC', title: 'T.N.T.', album: '', durationMs: 215000 })).toBe(
      'artist:"AC\\/DC" AND recording:"T.N.T." AND dur:[210000 TO 220000]',
    );
    expect(recordingLucene({ title: 'x', durationMs: 1000, durationToleranceMs: 3000 })).toBe('recording:"x" AND dur:[0 TO 4000]');
    expect(recordingLucene({ title: 'x', durationMs: Number.NaN })).toBe('recording:"x"');
  });

  it('builds release and release-group queries', () => {
    expect(releaseLucene({ artist: 'Leonard Cohen', title: 'You Want It Darker', barcode: '889853' })).toBe(
      'artist:"Leonard Cohen" AND release:"You Want It Darker" AND barcode:"889853"',
    );
    expect(releaseGroupLucene({ title: 'OK Computer', primaryType: 'Album' })).toBe(
      'releasegroup:"OK Computer" AND primarytype:"Album"',
    );
  });
});

describe('MusicBrainzClient lookups', () => {
  it('asks /ws/2 with fmt=json and the inc list joined by +', async () => {
    const id = '9f9cf187-d6f9-437f-9d98-d59cdbd52757';
    const { http, mb } = client(() => ({ body: recordingJson(id, { isrcs: ['GBAYE9701376'] }) }));
    const rec = await mb.lookupRecording(id.toUpperCase(), ['isrcs', 'artist-credits']);
    expect(http.requests[0]!.pathname).toBe(`/ws/2/recording/${id}`);
    expect(http.requests[0]!.query).toEqual({ fmt: 'json', inc: 'isrcs+artist-credits' });
    expect(http.requests[0]!.method).toBe('GET');
    expect(rec).toMatchObject({ id, lengthMs: 200000, firstReleaseDate: '1997-05-21', isrcs: ['GBAYE9701376'] });
    expect(rec!.artistCredit).toEqual([]);
    expect(rec!.releases).toEqual([]);
    expect(rec!.score).toBeUndefined();
  });

  it('leaves inc out when empty', async () => {
    const id = mbid(1);
    const { http, mb } = client(() => ({ body: { id, title: 'G', 'secondary-types': [] } }));
    await mb.lookupReleaseGroup(id, []);
    expect(http.requests[0]!.query).toEqual({ fmt: 'json' });
  });

  it('returns null on 404 and for ids that are not MBIDs (without asking)', async () => {
    const { http, mb } = client(() => ({ status: 404, body: { error: 'Not Found', help: 'x' } }));
    expect(await mb.lookupRelease(mbid(2))).toBeNull();
    expect(await mb.lookupRelease('../artist/x')).toBeNull();
    expect(http.requests).toHaveLength(1);
  });

  it('returns the id the server answered with after a merge redirect', async () => {
    const oldId = mbid(3);
    const newId = mbid(4);
    const { http, mb } = client((r) =>
      r.pathname.endsWith(oldId)
        ? { status: 301, headers: { Location: `https://musicbrainz.org/ws/2/release-group/${newId}?fmt=json` } }
        : { body: { id: newId, title: 'Merged', 'first-release-date': '' } },
    );
    const group = await mb.lookupReleaseGroup(oldId);
    expect(group).toMatchObject({ id: newId, title: 'Merged', firstReleaseDate: null });
    expect(http.requests.map((r) => r.pathname)).toEqual([`/ws/2/release-group/${oldId}`, `/ws/2/release-group/${newId}`]);
  });

  it('turns a MusicBrainz error body into a clear HttpStatusError', async () => {
    const { mb } = client(() => ({
      status: 400,
      body: { error: 'foobar is not a valid inc parameter for the recording resource.', help: 'see docs' },
    }));
    const error = await mb.lookupRecording(mbid(5), ['foobar']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(400);
    expect((error as HttpStatusError).message).toContain('foobar is not a valid inc parameter');
    expect((error as HttpStatusError).message).not.toContain('see docs');
  });

  it('falls back to the generic message for other error bodies', async () => {
    const { mb } = client(() => ({ status: 403, body: '<html>Forbidden</html>' }));
    await expect(mb.lookupRecording(mbid(6))).rejects.toThrow(/refused .* with 403: <html>Forbidden/);
  });

  it('lets DeferredError through untouched', async () => {
    const deferred = new DeferredError('musicbrainz', 'offline', 123);
    const { mb } = client(() => {
      throw deferred;
    });
    await expect(mb.lookupRecording(mbid(7))).rejects.toBe(deferred);
    await expect(mb.recordingsByIds([mbid(7)])).rejects.toBe(deferred);
  });

  it('reports a body without an id or title as malformed', async () => {
    const { mb } = client(() => ({ body: { title: 'no id' } }));
    await expect(mb.lookupRecording(mbid(8))).rejects.toBeInstanceOf(MalformedResponseError);
    const { mb: mb2 } = client(() => ({ body: 'not json' }));
    await expect(mb2.lookupRecording(mbid(8))).rejects.toThrow(/not JSON/);
  });

  it('parses a release with media, tracks and cover art flags', async () => {
    const id = mbid(9);
    const { mb } = client(() => ({
      body: {
        id,
        title: 'R',
        date: '2001-02',
        barcode: '',
        'artist-credit': [{ name: 'A', joinphrase: ' & ', artist: { id: mbid(10), name: 'A', 'sort-name': 'A' } }, { artist: { id: mbid(11), name: 'B' } }],
        media: [
          { position: 1, format: 'CD', 'track-count': 2, tracks: [{ id: mbid(12), position: 1, number: '1', title: 'T', length: null, recording: { id: mbid(13), title: 'T' } }] },
          { position: 2, format: null, 'track-count': 3, tracks: [] },
        ],
        'cover-art-archive': { front: true, back: false, count: 2, artwork: true, darkened: false },
      },
    }));
    const release = await mb.lookupRelease(id);
    expect(release).toMatchObject({ id, date: '2001-02', barcode: '', trackCount: 5, releaseGroup: null });
    expect(release!.artistCredit).toEqual([
      { name: 'A', joinphrase: ' & ', artist: { id: mbid(10), name: 'A', sortName: 'A' } },
      { name: 'B', joinphrase: '', artist: { id: mbid(11), name: 'B', sortName: null } },
    ]);
    expect(release!.media[0]!.tracks[0]).toEqual({
      id: mbid(12),
      position: 1,
      number: '1',
      title: 'T',
      lengthMs: null,
      recording: { id: mbid(13), title: 'T', lengthMs: null, firstReleaseDate: null, isrcs: [] },
      artistCredit: [],
    });
    expect(release!.coverArtArchive).toEqual({ front: true, back: false, count: 2, artwork: true, darkened: false });
  });

  it('looks up a work', async () => {
    const { mb } = client(() => ({ body: { id: mbid(14), title: 'W', language: 'eng', iswcs: [] } }));
    expect(await mb.lookupWork(mbid(14))).toEqual({ id: mbid(14), title: 'W', type: null, iswcs: [], languages: ['eng'] });
  });
});

describe('MusicBrainzClient searches', () => {
  it('sends the built query, clamps the limit and keeps the scores', async () => {
    const { http, mb } = client(() => ({
      body: { created: '2021-04-15T09:04:59.803Z', count: 1, offset: 0, recordings: [recordingJson(mbid(20), { score: 87 })] },
    }));
    const page = await mb.searchRecordings({ artist: 'Radiohead', title: 'Airbag' }, { limit: 500, offset: 3 });
    expect(http.requests[0]!.pathname).toBe('/ws/2/recording');
    expect(http.requests[0]!.query).toEqual({
      query: 'artist:"Radiohead" AND recording:"Airbag"',
      limit: '100',
      offset: '3',
      fmt: 'json',
    });
    expect(page.count).toBe(1);
    expect(page.items[0]!.score).toBe(87);
  });

  it('passes a raw lucene string through and reads release and release-group pages', async () => {
    const { http, mb } = client((r) =>
      r.pathname === '/ws/2/release'
        ? { body: { count: 0, offset: 0, releases: [] } }
        : { body: { count: 1, offset: 0, 'release-groups': [{ id: mbid(21), title: 'G', score: 100 }] } },
    );
    expect((await mb.searchReleases('barcode:123')).items).toEqual([]);
    const groups = await mb.searchReleaseGroups({ artist: 'x' });
    expect(groups.items[0]).toMatchObject({ id: mbid(21), title: 'G', score: 100, secondaryTypes: [] });
    expect(http.requests[0]!.query['query']).toBe('barcode:123');
    expect(http.requests[0]!.query['limit']).toBe('25');
  });

  it('answers an empty query with an empty page without asking', async () => {
    const { http, mb } = client(() => ({ status: 500 }));
    expect(await mb.searchRecordings({ artist: '  ', title: '' })).toEqual({ count: 0, offset: 0, items: [] });
    expect(http.requests).toHaveLength(0);
  });

  it('treats a search result without a score as malformed', async () => {
    const { mb } = client(() => ({ body: { count: 1, offset: 0, recordings: [recordingJson(mbid(22))] } }));
    await expect(mb.searchRecordings('x')).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('reports a bad query (400) with the MusicBrainz message', async () => {
    const { mb } = client(() => ({ status: 400, body: { error: 'Invalid search query', help: '' } }));
    await expect(mb.searchRecordings('(((')).rejects.toThrow(/with 400: Invalid search query/);
  });

  it('browses the recordings of a release', async () => {
    const { http, mb } = client(() => ({
      body: { 'recording-count': 12, 'recording-offset': 10, recordings: [recordingJson(mbid(23))] },
    }));
    const page = await mb.browseRecordings({ release: mbid(24) }, { limit: 10, offset: 10 });
    expect(http.requests[0]!.query).toEqual({ release: mbid(24), inc: 'artist-credits+isrcs', limit: '10', offset: '10', fmt: 'json' });
    expect(page).toMatchObject({ count: 12, offset: 10 });
    expect(page!.items[0]!.id).toBe(mbid(23));
  });

  it('browse answers null for an unknown artist', async () => {
    const { mb } = client(() => ({ status: 404 }));
    expect(await mb.browseRecordings({ artist: mbid(25) })).toBeNull();
  });
});

describe('MusicBrainzClient batched id fetchers', () => {
  it('searches 50 ids per query, then looks up what the search missed', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => mbid(1000 + i));
    const missing = ids[7]!;
    const merged = ids[60]!;
    const mergedInto = mbid(9999);
    const { http, mb } = client((r) => {
      if (r.pathname === '/ws/2/recording') {
        const asked = [...r.query['query']!.matchAll(/[0-9a-f]{8}\\-[0-9a-f\\-]+/g)].map((m) => m[0].replace(/\\/g, ''));
        const found = asked.filter((id) => id !== missing && id !== merged);
        return { body: { count: found.length, offset: 0, recordings: found.map((id) => recordingJson(id, { score: 100 })) } };
      }
      if (r.pathname.endsWith(missing)) return { status: 404, body: { error: 'Not Found' } };
      return { body: recordingJson(mergedInto) };
    });
    const input = [...ids, ids[0]!.toUpperCase(), ids[1]!, 'not-an-id'];
    const result = await mb.recordingsByIds(input);

    const searches = http.requests.filter((r) => r.pathname === '/ws/2/recording');
    expect(searches.map((r) => r.query['limit'])).toEqual(['50', '50', '1']);
    expect(searches[0]!.query['query']!.startsWith('rid:(')).toBe(true);
    const lookups = http.requests.filter((r) => r.pathname !== '/ws/2/recording').map((r) => r.pathname);
    expect(lookups).toEqual([`/ws/2/recording/${missing}`, `/ws/2/recording/${merged}`]);

    expect(result.size).toBe(103);
    expect(result.get(ids[0]!)!.id).toBe(ids[0]);
    expect(result.get(ids[0]!.toUpperCase())!.id).toBe(ids[0]);
    expect(result.get(missing)).toBeNull();
    expect(result.get(merged)!.id).toBe(mergedInto);
    expect(result.get('not-an-id')).toBeNull();
    expect(result.get(ids[100]!)!.score).toBe(100);
  });

  it('uses reid for releases and rgid for release groups', async () => {
    const { http, mb } = client((r) =>
      r.pathname === '/ws/2/release'
        ? { body: { count: 1, offset: 0, releases: [{ id: mbid(1), title: 'R', score: 100 }] } }
        : { body: { count: 1, offset: 0, 'release-groups': [{ id: mbid(2), title: 'G', score: 100 }] } },
    );
    const releases = await mb.releasesByIds([mbid(1)]);
    const groups = await mb.releaseGroupsByIds([mbid(2)]);
    expect(http.requests.map((r) => r.query['query'])).toEqual([`reid:(${mbid(1).replace(/-/g, '\\-')})`, `rgid:(${mbid(2).replace(/-/g, '\\-')})`]);
    expect(releases.get(mbid(1))!.title).toBe('R');
    expect(groups.get(mbid(2))!.title).toBe('G');
  });

  it('asks nothing for an empty list', async () => {
    const { http, mb } = client(() => ({ status: 500 }));
    expect((await mb.releaseGroupsByIds([])).size).toBe(0);
    expect(http.requests).toHaveLength(0);
  });
});
