import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArtSource } from '../../shared/albums';
import { openLibrary, type Library } from '../db/library';
import { openNetwork, type Network } from '../net/network';
import type { SourceName } from '../net/types';
import { CoverArtClient } from '../sources/coverart';
import { DiscogsClient } from '../sources/discogs';
import { TheAudioDbClient } from '../sources/theaudiodb';
import { generateCatalog, startFakes, type AddedAlbum, type Catalog, type Fakes, type FakeServer } from '../testing/fakes';
import { ArtworkCache, sameImage } from './cache';
import { gatherArtwork, imageFetcher, type ArtworkAlbum, type GatherDeps } from './gather';
import { drawPicture } from './testing';

/*
 * The artwork stage against the fake services, through the real network
 * layer, with real pictures: a cover in the album folder and one tagged into
 * an audio file by ffmpeg.
 */

const DISCOGS_TOKEN = 'fake-discogs-token';
const TEST_ENV = { SLEEVE_HTTP_RETRY_BASE_MS: '20', SLEEVE_HTTP_RETRIES: '1' };
const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!haveFfmpeg) console.warn('gather.test: ffmpeg is missing, so the test of a picture embedded in an audio file is skipped.');

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let catalog: Catalog;
let added: AddedAlbum;
let fakes: Fakes;
let dir: string;
let folder: string;
let coverBytes: Buffer;
let taggedCover: Buffer;
let track: string | null = null;
const opened: Library[] = [];

/** Tags a picture into an MP3 as its front cover. */
function tagWithCover(file: string, picture: string): void {
  const result = spawnSync(
    'ffmpeg',
    [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
      '-i', picture,
      '-map', '0:a', '-map', '1:v',
      '-c:a', 'libmp3lame', '-b:a', '64k', '-c:v', 'copy',
      '-id3v2_version', '3', '-metadata:s:v', 'comment=Cover (front)', '-disposition:v', 'attached_pic',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not tag ${file}: ${result.stderr}`);
}

beforeAll(async () => {
  catalog = generateCatalog({ seed: 61, artists: 4 });
  const artist = catalog.addArtist({ name: 'The Paper Kites of Ohm', country: 'GB', begin: '1990' });
  added = catalog.addAlbum({
    artist,
    title: 'Glass Harbour',
    date: '1994-02-01',
    tracks: [{ title: 'Lighthouse', length: 200_000 }, { title: 'Undertow', length: 210_000 }],
    reissues: [{ date: '2014-05-05', title: 'Glass Harbour (Remastered)' }],
    audiodb: true,
    discogs: true,
  });
  // The generator leaves a fifth of TheAudioDB albums without a thumbnail; this one has one.
  added.audiodbAlbum!.thumb = 'https://www.theaudiodb.com/images/media/album/thumb/glassharbour1.jpg';
  catalog.version++;
  fakes = await startFakes({ catalog });

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-artwork-gather-'));
  folder = path.join(dir, 'music', 'Glass Harbour');
  fs.mkdirSync(folder, { recursive: true });
  coverBytes = await drawPicture({ width: 500, height: 500, background: [200, 40, 40], block: { colour: [20, 20, 220], left: 0.1, top: 0.1, size: 0.5 } });
  fs.writeFileSync(path.join(folder, 'cover.jpg'), coverBytes);
  taggedCover = await drawPicture({ width: 320, height: 320, background: [30, 160, 90], block: { colour: [250, 250, 250], left: 0.5, top: 0.5, size: 0.3 } });
  if (haveFfmpeg) {
    const picture = path.join(dir, 'tagged.jpg');
    fs.writeFileSync(picture, taggedCover);
    track = path.join(folder, '01 Lighthouse.mp3');
    tagWithCover(track, picture);
  }
});

afterAll(async () => {
  for (const db of opened) db.close();
  await fakes?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  for (const server of [fakes.coverart, fakes.theaudiodb, fakes.discogs]) {
    server.switches.hang = null;
    server.switches.malformed = null;
  }
  fakes.resetStats();
});

/** A fresh library, network and cache per test: nothing cached by one test serves another. */
function setup(timeoutMs?: number): { deps: GatherDeps; network: Network; cacheDir: string } {
  const name = Math.random().toString(36).slice(2);
  const db = openLibrary(path.join(dir, `${name}.sqlite`));
  opened.push(db);
  const sources = Object.fromEntries(Object.entries(fakes.urls).map(([source, baseUrl]) => [source, { baseUrl, rate: 0 }]));
  const network = openNetwork({ db, env: TEST_ENV, params: { sources }, secrets: { discogsToken: DISCOGS_TOKEN } });
  const cacheDir = path.join(dir, `${name}.sqlite-artwork`);
  return {
    network,
    cacheDir,
    deps: {
      coverart: new CoverArtClient(network.http('coverart')),
      theaudiodb: new TheAudioDbClient(network.http('theaudiodb')),
      discogs: new DiscogsClient(network.http('discogs'), DISCOGS_TOKEN),
      fetchImage: imageFetcher((source) => network.http(source)),
      cache: new ArtworkCache(cacheDir),
      timeoutMs,
    },
  };
}

/** The reissue, so its release and its release group (the original's art) are different pictures. */
function album(extra: Partial<ArtworkAlbum> = {}): ArtworkAlbum {
  return {
    id: 1,
    folder,
    trackPaths: track ? [track] : [],
    title: 'Glass Harbour',
    artist: 'The Paper Kites of Ohm',
    mbReleaseId: added.releases[1]!.id,
    mbReleaseGroupId: added.releaseGroup.id,
    ...extra,
  };
}

const REMOTE: ArtSource[] = ['coverart-release', 'theaudiodb', 'discogs'];
const sourcesOf = (r: { candidates: Array<{ source: ArtSource }> }) => r.candidates.map((c) => c.source);
const hung = (server: FakeServer) => server.stats.hung;

describe('gatherArtwork against the fakes', () => {
  it('finds a picture from every source, each its own, in preference order', async () => {
    const { deps } = setup();
    const result = await gatherArtwork(album(), deps, new AbortController().signal);
    expect(result.errors).toEqual([]);
    expect(result.deferred).toBe(false);
    const local: ArtSource[] = track ? ['embedded', 'folder'] : ['folder'];
    expect(sourcesOf(result)).toEqual([...REMOTE, ...local]);
    expect(result.answered).toEqual(['coverart-release', 'theaudiodb', 'discogs', 'embedded', 'folder']);
    expect(Object.keys(result.perSourceMs).sort()).toEqual([...REMOTE, 'embedded', 'folder'].sort());

    const by = (s: ArtSource) => result.candidates.find((c) => c.source === s)!;
    // Every source's picture differs from every other's.
    for (const a of result.candidates) {
      for (const b of result.candidates) if (a !== b) expect(sameImage(a.fingerprint, b.fingerprint), `${a.source} vs ${b.source}`).toBe(false);
    }
    const release = added.releases[1]!;
    const front = release.coverArt.find((i) => i.front)!;
    // The 1200 px rendition, not the original scan.
    expect(by('coverart-release')).toMatchObject({ mime: 'image/jpeg', width: 1200, height: 1200, front: true });
    // Where the archive's redirects ended: the front's 1200 px rendition.
    expect(by('coverart-release').ref).toMatch(new RegExp(`^${fakes.urls.coverart}/.*mbid-${release.id}-${front.id}_thumb1200\\.jpg$`));
    expect(by('theaudiodb')).toMatchObject({ ref: `${fakes.urls.theaudiodb}/images/media/album/thumb/glassharbour1.jpg`, width: 700 });
    const discogsRelease = added.discogsReleases.find((r) => r.title === 'Glass Harbour')!;
    expect(by('discogs')).toMatchObject({ ref: `${fakes.urls.discogs}/images/discogs/R-${discogsRelease.id}-primary.jpeg`, width: 600 });
    expect(by('folder')).toMatchObject({ ref: path.join(folder, 'cover.jpg'), hash: sha256(coverBytes), width: 500 });
    if (track) expect(by('embedded')).toMatchObject({ ref: track, hash: sha256(taggedCover), front: true, width: 320 });

    // The pictures went through the image hosts, outside the APIs' rate limits.
    expect(fakes.theaudiodb.stats.byRoute['GET /images/media/album/thumb/:file']).toBe(1);
    expect(fakes.discogs.stats.byRoute['GET /images/discogs/:file']).toBe(1);
    expect(fakes.theaudiodb.switches.rateLimit!.match!({ method: 'GET', path: '/images/media/album/thumb/x.jpg', query: new URLSearchParams(), headers: {}, route: '' })).toBe(false);
    // Every candidate is in the cache with its thumbnail.
    for (const c of result.candidates) expect(deps.cache.thumbPath(c.hash), c.source).not.toBeNull();
  });

  it('asks for the release group\'s picture only when the release has no front of its own', async () => {
    const { deps } = setup();
    const withFront = await gatherArtwork(album(), deps, new AbortController().signal);
    expect(sourcesOf(withFront)).not.toContain('coverart-release-group');
    expect(fakes.coverart.stats.byRoute['GET /release/:mbid/front-1200']).toBe(1);
    expect(Object.keys(fakes.coverart.stats.byRoute).filter((r) => r.includes('release-group'))).toEqual([]);
    const groupOnly = await gatherArtwork(album({ mbReleaseId: null }), setup().deps, new AbortController().signal);
    expect(sourcesOf(groupOnly)[0]).toBe('coverart-release-group');
  });

  it('asks every remote source at once', async () => {
    const { deps } = setup(60_000);
    for (const server of [fakes.coverart, fakes.theaudiodb, fakes.discogs]) server.switches.hang = {};
    const job = new AbortController();
    const pending = gatherArtwork(album(), deps, job.signal);
    const outcome = pending.then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    // Every first request hangs unanswered; were the sources asked one after
    // another, the second could not start before the first's 60 s were up.
    await vi.waitFor(
      () => {
        expect(hung(fakes.coverart)).toBe(1);
        expect(hung(fakes.theaudiodb)).toBe(1);
        expect(hung(fakes.discogs)).toBe(1);
      },
      { timeout: 20_000, interval: 20 },
    );
    job.abort();
    expect(await outcome).toBe('AbortError');
  });

  it('returns what the others found when one source hangs, and defers the album', async () => {
    // Long enough that the other sources finish on a busy machine; the hung one takes all of it.
    const { deps } = setup(4_000);
    fakes.theaudiodb.switches.hang = {};
    const result = await gatherArtwork(album(), deps, new AbortController().signal);
    expect(hung(fakes.theaudiodb)).toBe(1);
    expect(result.deferred).toBe(true);
    expect(result.errors).toEqual(['TheAudioDB: no answer within 4 s']);
    expect(sourcesOf(result)).toEqual(['coverart-release', 'discogs', ...(track ? ['embedded'] : []), 'folder']);
    expect(result.answered).not.toContain('theaudiodb');
  });

  it('skips a damaged image with an error and keeps the rest', async () => {
    const { deps } = setup();
    fakes.discogs.switches.malformed = { kind: 'truncated-json', match: (r) => r.path.startsWith('/images/') };
    const result = await gatherArtwork(album(), deps, new AbortController().signal);
    expect(result.deferred).toBe(false);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^Discogs: http:\/\/127\.0\.0\.1:\d+\/images\/discogs\/R-\d+-primary\.jpeg: The image is damaged and cannot be decoded/);
    expect(sourcesOf(result)).toEqual(['coverart-release', 'theaudiodb', ...(track ? ['embedded'] : []), 'folder']);
    expect(result.answered).not.toContain('discogs');
  });

  it('defers a source that cannot answer now (DeferredError) without losing the others', async () => {
    const { deps } = setup();
    fakes.coverart.switches.storm = { status: 503 };
    try {
      const result = await gatherArtwork(album(), deps, new AbortController().signal);
      expect(result.deferred).toBe(true);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatch(/^Cover Art Archive \(release\): Cover Art Archive did not answer GET .* \(503/);
      expect(sourcesOf(result)).toEqual(['theaudiodb', 'discogs', ...(track ? ['embedded'] : []), 'folder']);
    } finally {
      fakes.coverart.switches.storm = null;
    }
  });

  it.skipIf(!haveFfmpeg)('reads the front cover tagged into an audio file, trying the next file when one has none', async () => {
    const { deps } = setup();
    const bare = path.join(dir, 'bare', 'plain.mp3');
    fs.mkdirSync(path.dirname(bare), { recursive: true });
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame', bare]);
    const result = await gatherArtwork(
      album({ folder: path.dirname(bare), trackPaths: [bare, path.join(dir, 'gone.mp3'), track!], mbReleaseId: null, mbReleaseGroupId: null, title: null, artist: null }),
      { ...deps, theaudiodb: null, discogs: null },
      new AbortController().signal,
    );
    expect(result.candidates).toHaveLength(1);
    expect(result.candidates[0]).toMatchObject({ source: 'embedded', ref: track, hash: sha256(taggedCover), mime: 'image/jpeg', front: true });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^Embedded in the files: .*gone\.mp3: /);
    // Nothing to ask the archive about, and no image in the folder: settled. The files had a problem: not.
    expect(result.answered).toEqual(['coverart-release', 'folder']);
  });

  it('finds cover images in the album folder by name, any case, and never outside it', async () => {
    const { deps } = setup();
    const own = path.join(dir, 'own');
    fs.mkdirSync(own);
    fs.writeFileSync(path.join(own, 'Folder.JPG'), coverBytes);
    fs.writeFileSync(path.join(own, 'AlbumArt_{1234}_Large.png'), await drawPicture({ width: 200, height: 200, background: [1, 2, 3], format: 'png' }));
    fs.writeFileSync(path.join(own, 'back.jpg'), coverBytes);
    fs.writeFileSync(path.join(own, 'cover.txt'), 'not a picture');
    fs.writeFileSync(path.join(own, 'front.jpg'), 'damaged');
    fs.writeFileSync(path.join(dir, 'elsewhere.jpg'), coverBytes);
    fs.symlinkSync(path.join(dir, 'elsewhere.jpg'), path.join(own, 'cover.jpg'));
    const result = await gatherArtwork(album({ folder: own, trackPaths: [], mbReleaseId: null, mbReleaseGroupId: null }), { ...deps, theaudiodb: null, discogs: null }, new AbortController().signal);
    expect(result.candidates.map((c) => path.basename(c.ref))).toEqual(['Folder.JPG', 'AlbumArt_{1234}_Large.png']);
    expect(result.candidates.every((c) => c.source === 'folder' && c.front)).toBe(true);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatch(/cover\.jpg: it links outside the album folder$/);
    expect(result.errors[1]).toMatch(/front\.jpg: Not a readable image/);
  });

  it('reports a folder it cannot read without failing the album', async () => {
    const { deps } = setup();
    const result = await gatherArtwork(album({ folder: path.join(dir, 'unplugged'), trackPaths: [], mbReleaseId: null, mbReleaseGroupId: null }), { ...deps, theaudiodb: null, discogs: null }, new AbortController().signal);
    expect(result.candidates).toEqual([]);
    expect(result.errors).toEqual([expect.stringMatching(/^Image in the album folder: ENOENT/)]);
    expect(result.answered).not.toContain('folder');
  });

  it('looks a Discogs release up by id, and TheAudioDB by name when it has no release group', async () => {
    const { deps } = setup();
    const reissue = added.discogsReleases.find((r) => r.title !== 'Glass Harbour')!;
    const result = await gatherArtwork(
      album({ folder: path.join(dir, 'music'), trackPaths: [], mbReleaseId: null, mbReleaseGroupId: null, discogsReleaseId: String(reissue.id) }),
      deps,
      new AbortController().signal,
    );
    expect(result.errors).toEqual([]);
    expect(sourcesOf(result)).toEqual(['theaudiodb', 'discogs']);
    expect(result.candidates[1]!.ref).toBe(`${fakes.urls.discogs}/images/discogs/R-${reissue.id}-primary.jpeg`);
    expect(fakes.discogs.stats.byRoute['GET /database/search']).toBeUndefined();
    expect(fakes.theaudiodb.stats.byRoute['GET /api/v1/json/:key/searchalbum.php']).toBe(1);
  });

  it('leaves Discogs out without a token unless it knows the release', async () => {
    const { deps, network } = setup();
    const result = await gatherArtwork(album(), { ...deps, discogs: new DiscogsClient(network.http('discogs'), null) }, new AbortController().signal);
    expect(sourcesOf(result)).not.toContain('discogs');
    expect(fakes.discogs.stats.total).toBe(0);
  });

  it('stops at once when the job is cancelled', async () => {
    const { deps } = setup();
    const job = new AbortController();
    job.abort();
    await expect(gatherArtwork(album(), deps, job.signal)).rejects.toMatchObject({ name: 'AbortError' });
    const total = (s: SourceName) => fakes[s as 'coverart'].stats.total;
    expect(total('coverart') + total('theaudiodb') + total('discogs')).toBe(0);
  });
});
