/**
 * Enrichment benchmark (matching and cover art), three parts, each against a
 * baseline or a target in the same run, every fake answering in 150 to 400 ms:
 * (a) matching: a 2,000-track library (messy names, 30 % of albums carrying
 *     MusicBrainz ids) through `cli enrich --no-artwork` against the
 *     MusicBrainz fake as the public service (1 request a second, enforced):
 *     MusicBrainz requests per track, time, violations and match quality
 *     (against the truth the corpus knows), against one search per track;
 * (b) artwork: gatherArtwork (every source at once, as the pipeline does) on
 *     a sample of the albums (a) matched, against the same sources one after
 *     another, with real files carrying embedded art and a cover.jpg;
 * (c) a new import during a backfill: `cli enrich` busy with (a)'s library at
 *     production rates, a folder of tagged files scanned in with `cli scan`,
 *     and the time until its first art_candidates row shows.
 * Run: npm run bench:enrich [-- --tracks N] [--art-albums N] [--parts a,b,c].
 * The last line is the JSON summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { loadArtworkAlbum } from '../src/core/albums/store';
import { ArtworkCache } from '../src/core/artwork/cache';
import { gatherArtwork, imageFetcher, type ArtworkAlbum, type GatherDeps, type GatherResult } from '../src/core/artwork/gather';
import { drawPicture } from '../src/core/artwork/testing';
import { openLibrary, type Library } from '../src/core/db/library';
import { openNetwork } from '../src/core/net/network';
import { ARTWORK_ALBUMS_AT_ONCE, artworkTurns } from '../src/core/pipelines/enrich';
import { CoverArtClient } from '../src/core/sources/coverart';
import { DiscogsClient } from '../src/core/sources/discogs';
import { TheAudioDbClient } from '../src/core/sources/theaudiodb';
import { generateCatalog, startFakes, type Catalog, type FakeServer, type Fakes, type Release } from '../src/core/testing/fakes';
import { discogsRateLimit } from '../src/core/testing/fakes/discogs';
import { musicBrainzRateLimit } from '../src/core/testing/fakes/musicbrainz';
import { theAudioDbRateLimit } from '../src/core/testing/fakes/theaudiodb';
import { fillLibraryFromCatalog, type CatalogTrack } from '../src/core/years/testing/catalog-library';
import { PRIORITY } from '../src/shared/albums';
import { id3v23Tag, type Picture } from './corpus-tags';

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLI = path.resolve(import.meta.dirname, '../src/cli/main.ts');
/** What the services answer in, per request (every hop of a redirect is one). */
const LATENCY_MS = { min: 150, max: 400 };
const MBID_SHARE = 0.3;
const DISCOGS_TOKEN = 'bench-discogs-token';
/** TheAudioDB's free key: 30 requests a minute (src/core/net/config.ts). */
const THEAUDIODB_RATE = 0.5;

// ---------------------------------------------------------------- the CLI in its own process

interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
}

/**
 * Runs the CLI as a user would, in its own process (its job in a worker of
 * its own), so the fakes' clock in this process sees arrivals as a server
 * would. stderr is kept: the artwork lane warns about every album whose
 * files are not on disk (the library of (a) and (c) is tags only).
 */
function cli(dir: string, args: string[]): CliRun {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLEEVE_SECRETS: path.join(dir, 'secrets.json') },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started })),
  );
  return { child, done };
}

function lastJson<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

function serviceFlags(urls: { musicbrainz: string; theaudiodb: string; discogs: string; coverart?: string }): string[] {
  const flags = ['--no-cache', '--musicbrainz-url', urls.musicbrainz, '--theaudiodb-url', urls.theaudiodb, '--discogs-url', urls.discogs];
  return urls.coverart ? [...flags, '--coverart-url', urls.coverart] : flags;
}

/** Warnings the job wrote, folded by kind (the album id and path taken out), most common first. */
function warningKinds(stderr: string): string[] {
  const counts = new Map<string, number>();
  for (const line of stderr.split('\n').filter((l) => l.startsWith('warn'))) {
    const kind = line
      .replace(/\/\S+/g, 'PATH')
      .replace(/\d+/g, 'N')
      .slice(0, 140);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`);
}

// ---------------------------------------------------------------- one fake, several hosts

/**
 * Each fake answers on one host, but the services it stands for are several:
 * the Cover Art Archive redirects to archive.org, which redirects to an
 * ia*.us.archive.org node; TheAudioDB and Discogs serve images from CDNs.
 * Sleeve's gate paces each host on its own, so at production rates one host
 * would see three times (the archive) or twice (the CDNs) the requests it
 * does in production. These proxies give each of those hosts a port of its
 * own in front of the one fake, rewriting the URLs in redirects and answers
 * so every hop lands where the real one would.
 */
interface HostLayout {
  /** The first host's origin: where the client is pointed. */
  url: string;
  close(): Promise<void>;
}

async function startHostLayout(fake: FakeServer, hosts: Array<{ prefixes: string[] }>): Promise<HostLayout> {
  const agent = new http.Agent({ keepAlive: true });
  const servers: http.Server[] = [];
  const origins: string[] = [];
  const escaped = fake.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rewrite = (text: string) =>
    text.replace(new RegExp(`${escaped}(/[^"\\s<>]*)?`, 'g'), (_all, rest: string | undefined) => {
      const p = rest ?? '';
      const i = hosts.findIndex((h) => h.prefixes.some((prefix) => p.startsWith(prefix)));
      return `${origins[Math.max(0, i)]}${p}`;
    });
  for (let i = 0; i < hosts.length; i++) {
    const server = http.createServer((req, res) => {
      const upstream = http.request(`${fake.url}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(fake.url).host }, agent }, (up) => {
        const headers = { ...up.headers };
        if (typeof headers.location === 'string') headers.location = rewrite(headers.location);
        const type = String(headers['content-type'] ?? '');
        if (!/json|text|html/.test(type)) {
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')));
          headers['content-length'] = String(body.length);
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(body);
        });
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    origins.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return {
    url: origins[0]!,
    close: async () => {
      agent.destroy();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

// ---------------------------------------------------------------- the library and its truth

function buildLibrary(file: string, catalog: Catalog, tracks: number): CatalogTrack[] {
  const db = openLibrary(file);
  const truth = fillLibraryFromCatalog(db, catalog, { tracks, mbidShare: MBID_SHARE, seed: 3, messy: true });
  db.close();
  return truth;
}

interface Quality {
  albums: number;
  matched: number;
  review: number;
  notFound: number;
  deferred: number;
  untried: number;
  /** Matched to the very release the files come from. */
  right: number;
  /** Matched to another release of the same release group (a reissue, an edition). */
  otherEdition: number;
  /** Matched to another album altogether. */
  wrong: number;
  bySource: Record<string, number>;
  wrongExamples: string[];
}

/** Each album's match against the release its files were made from. */
function matchQuality(file: string, catalog: Catalog, truth: CatalogTrack[]): Quality {
  const db = openLibrary(file, { readonly: true, verify: false });
  const releaseOf = new Map(truth.map((t) => [t.id, t.releaseId]));
  const rows = db
    .prepare(
      `SELECT a.id, a.title, a.match_state, a.match_source, a.match_id, a.mb_release_id, a.mb_release_group_id,
              (SELECT GROUP_CONCAT(t.id) FROM tracks t WHERE t.album_id = a.id) AS track_ids
       FROM albums a WHERE a.track_count > 0`,
    )
    .all() as Array<{
    id: number;
    title: string | null;
    match_state: string | null;
    match_source: string | null;
    match_id: string | null;
    mb_release_id: string | null;
    mb_release_group_id: string | null;
    track_ids: string;
  }>;
  db.close();
  const q: Quality = { albums: rows.length, matched: 0, review: 0, notFound: 0, deferred: 0, untried: 0, right: 0, otherEdition: 0, wrong: 0, bySource: {}, wrongExamples: [] };
  for (const row of rows) {
    if (row.match_state === null) q.untried++;
    else if (row.match_state !== 'matched') q[row.match_state as 'review' | 'notFound' | 'deferred']++;
    if (row.match_state !== 'matched') continue;
    q.matched++;
    q.bySource[row.match_source!] = (q.bySource[row.match_source!] ?? 0) + 1;
    const votes = new Map<string, number>();
    for (const id of row.track_ids.split(',').map(Number)) {
      const r = releaseOf.get(id);
      if (r) votes.set(r, (votes.get(r) ?? 0) + 1);
    }
    const trueRelease = catalog.releases.get([...votes].sort((a, b) => b[1] - a[1])[0]![0])!;
    // What the match names, as a MusicBrainz release (and group) where the source says.
    let release: string | null = null;
    let group: string | null = null;
    if (row.match_source === 'musicbrainz') {
      release = row.mb_release_id;
      group = row.mb_release_group_id ?? (release ? catalog.releases.get(release)?.releaseGroupId ?? null : null);
    } else if (row.match_source === 'theaudiodb') {
      group = catalog.audiodb.albums.get(row.match_id ?? '')?.mbid ?? null;
    } else if (row.match_source === 'discogs') {
      const d = catalog.discogs.releases.get(Number(row.match_id));
      release = d?.mbReleaseId ?? null;
      group = release ? catalog.releases.get(release)?.releaseGroupId ?? null : d?.masterId ? catalog.discogs.masters.get(d.masterId)?.mbReleaseGroupId ?? null : null;
    }
    if (release === trueRelease.id) q.right++;
    else if (group !== null && group === trueRelease.releaseGroupId) q.otherEdition++;
    else {
      q.wrong++;
      if (q.wrongExamples.length < 5) {
        const got = release ? catalog.releases.get(release) : null;
        q.wrongExamples.push(`'${row.title}' (${trueRelease.id.slice(0, 8)}) → ${row.match_source} ${got ? `'${got.title}' (${got.id.slice(0, 8)})` : (row.match_id ?? '?')}`);
      }
    }
  }
  return q;
}

// ---------------------------------------------------------------- (a) matching at 1 request a second

async function matchingPart(dir: string, fakes: Fakes, catalog: Catalog, tracks: number) {
  const file = path.join(dir, 'match.sqlite');
  const truth = buildLibrary(file, catalog, tracks);
  fakes.resetStats();
  const run = cli(dir, ['enrich', '--db', file, '--json', '--no-artwork', ...serviceFlags(fakes.urls), '--musicbrainz-rate', '1']);
  const result = await run.done;
  if (result.code !== 0) throw new Error(`enrich exited ${result.code}: ${result.stderr.slice(-2000)}`);
  const job = lastJson<{ state: string; counters: Record<string, number>; elapsedMs: number }>(result.stdout);
  const mb = fakes.musicbrainz.stats;
  const quality = matchQuality(file, catalog, truth);
  // The two arrivals closest together: where a violation would come from.
  const byArrival = [...mb.requests].sort((a, b) => a.at - b.at);
  const closest = { gap: Infinity, text: '' };
  for (let i = 1; i < byArrival.length; i++) {
    const gap = byArrival[i]!.at - byArrival[i - 1]!.at;
    if (gap < 1000) {
      const around = byArrival.slice(Math.max(0, i - 3), i + 3).map((r, k, all) => (k === 0 ? '' : `${Math.round(r.at - all[k - 1]!.at)}`)).join(' ');
      console.info(`    ${Math.round(gap)} ms apart: #${i - 1} ${byArrival[i - 1]!.path.slice(0, 60)} (${byArrival[i - 1]!.status}) and #${i} ${byArrival[i]!.path.slice(0, 60)} (${byArrival[i]!.status}); gaps around:${around}`);
    }
    if (gap < closest.gap) closest.gap = gap;
  }
  const apiRequests = (server: Fakes['theaudiodb']) => Object.entries(server.stats.byRoute).filter(([r]) => !r.includes('/images/')).reduce((n, [, c]) => n + c, 0);
  const figures = {
    tracks: truth.length,
    albums: quality.albums,
    mbRequests: mb.total,
    mbSearches: Object.entries(mb.byRoute).filter(([r]) => r.endsWith('?query')).reduce((n, [, c]) => n + c, 0),
    mbRequestsPerTrack: round(mb.total / truth.length),
    mbViolations: mb.violations,
    mbRateLimited: mb.rateLimited,
    mbMaxInAnySecond: mb.maxInWindow(1000),
    mbMinGapMs: Math.round(closest.gap),
    theaudiodbRequests: apiRequests(fakes.theaudiodb),
    discogsRequests: apiRequests(fakes.discogs),
    matchSeconds: round(job.elapsedMs / 1000, 1),
    matchWallSeconds: round(result.ms / 1000, 1),
    matched: quality.matched,
    matchedShare: round(quality.matched / Math.max(1, quality.albums)),
    matchedBy: quality.bySource,
    review: quality.review,
    notFound: quality.notFound,
    deferred: quality.deferred + quality.untried,
    matchedRight: quality.right,
    matchedOtherEdition: quality.otherEdition,
    matchedWrong: quality.wrong,
    // The naive plan, not run (2,000 requests take over half an hour at 1 a second):
    // exactly one recording search per track, and at least a second each.
    naiveRequests: truth.length,
    naiveRequestsPerTrack: 1,
    naiveSecondsLowerBound: truth.length,
  };
  console.info(
    `(a) matching, ${figures.tracks} tracks in ${figures.albums} albums at 1 request/s: ${figures.mbRequests} MusicBrainz requests ` +
      `(${figures.mbSearches} searches), ${figures.mbRequestsPerTrack} a track against 1 for a search per track; ` +
      `${figures.mbViolations} violations (max ${figures.mbMaxInAnySecond} in any second); ${figures.matchSeconds} s (job), ` +
      `${figures.matchWallSeconds} s (CLI), against ≥ ${figures.naiveSecondsLowerBound} s for a search per track. ` +
      `TheAudioDB ${figures.theaudiodbRequests}, Discogs ${figures.discogsRequests} requests.`,
  );
  console.info(
    `    ${quality.matched} of ${quality.albums} albums matched (${JSON.stringify(quality.bySource)}): ${quality.right} to the right release, ` +
      `${quality.otherEdition} to another edition of it, ${quality.wrong} wrong; ${quality.review} in review, ${quality.notFound} not found, ` +
      `${figures.deferred} deferred or untried.`,
  );
  for (const example of quality.wrongExamples) console.info(`    wrong: ${example}`);
  const warnings = warningKinds(result.stderr);
  if (warnings.length > 0) console.info(`    job warnings: ${warnings.slice(0, 4).join(' | ')}`);
  return { file, truth, figures };
}

// ---------------------------------------------------------------- real files with art

/** A silent MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz, mono): 417 bytes, the header and zeros. */
function silentMp3(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0xc0]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

async function picture(seed: number, size = 600): Promise<Picture> {
  const colour = (k: number): [number, number, number] => [(seed * 53 + k * 71) % 256, (seed * 97 + k * 29) % 256, (seed * 31 + k * 113) % 256];
  const data = await drawPicture({ width: size, height: size, background: colour(1), block: { colour: colour(2), left: 0.2, top: 0.3, size: 0.4 } });
  return { mime: 'image/jpeg', width: size, height: size, data };
}

/** An album folder as a tagger leaves it: tracks carrying the cover, and a cover.jpg. */
async function writeAlbumFolder(folder: string, release: Release, seed: number, tracks: number): Promise<string[]> {
  fs.mkdirSync(folder, { recursive: true });
  const embedded = await picture(seed);
  fs.writeFileSync(path.join(folder, 'cover.jpg'), (await picture(seed + 1000, 800)).data);
  const albumArtist = release.credit.map((c) => c.name + c.joinphrase).join('');
  const all = release.media.flatMap((m) => m.tracks.map((t) => ({ medium: m, track: t }))).slice(0, tracks);
  const audio = silentMp3(40);
  return all.map(({ medium, track }, i) => {
    const file = path.join(folder, `${String(i + 1).padStart(2, '0')} - ${track.title.replace(/[/\\:*?"<>|]/g, '_')}.mp3`);
    const tag = id3v23Tag(
      {
        title: track.title,
        artist: track.credit.map((c) => c.name + c.joinphrase).join(''),
        album: release.title,
        albumArtist,
        track: track.position,
        trackTotal: medium.tracks.length,
        disc: medium.position,
        discTotal: release.media.length,
        date: release.date,
        genre: 'Rock',
        compilation: false,
        mb: {
          albumId: release.id,
          releaseGroupId: release.releaseGroupId,
          albumArtistId: release.credit[0]!.artistId,
          artistId: track.credit[0]!.artistId,
          recordingId: track.recordingId,
          releaseTrackId: track.id,
        },
      },
      embedded,
      256,
    );
    fs.writeFileSync(file, Buffer.concat([tag, audio]));
    return file;
  });
}

// ---------------------------------------------------------------- (b) artwork: every source at once against one after another

type Deps = Omit<GatherDeps, 'cache'>;

function artworkDeps(dir: string, name: string, fakes: Fakes): GatherDeps {
  const db: Library = openLibrary(path.join(dir, `art-${name}.sqlite`));
  // No rate limits (rate 0): see the docs. No response cache, so neither plan answers from the other's.
  const net = openNetwork({
    db,
    env: {},
    params: {
      sources: {
        coverart: { baseUrl: fakes.urls.coverart, rate: 0 },
        theaudiodb: { baseUrl: fakes.urls.theaudiodb, rate: 0 },
        discogs: { baseUrl: fakes.urls.discogs, rate: 0 },
      },
      noCache: true,
    },
  });
  return {
    coverart: new CoverArtClient(net.http('coverart')),
    theaudiodb: new TheAudioDbClient(net.http('theaudiodb')),
    discogs: new DiscogsClient(net.http('discogs'), DISCOGS_TOKEN),
    // As the pipeline fetches them: CDN pictures at the pace of image downloads.
    fetchImage: imageFetcher(() => net.http('coverart')),
    // A cache of its own per plan: a picture the other plan kept would cost only a hash.
    cache: new ArtworkCache(path.join(dir, `art-cache-${name}`)),
  };
}

const never = new AbortController().signal;

/**
 * The baseline: each source on its own, the next one only when it is done.
 * The same gatherArtwork with one client given at a time, so each source
 * does exactly the work it does in the parallel plan (the Cover Art
 * Archive's release-group fallback included); the remote steps get an empty
 * folder and no files, and the last step reads the files and the folder.
 */
async function oneAfterAnother(album: ArtworkAlbum, deps: GatherDeps, emptyFolder: string): Promise<GatherResult[]> {
  const remote = { ...album, folder: emptyFolder, trackPaths: [] };
  const none: Deps = { coverart: null, theaudiodb: null, discogs: null, fetchImage: deps.fetchImage };
  const steps: Array<[ArtworkAlbum, Deps]> = [
    [remote, { ...none, coverart: deps.coverart }],
    [remote, { ...none, theaudiodb: deps.theaudiodb }],
    [remote, { ...none, discogs: deps.discogs }],
    [album, none],
  ];
  const out: GatherResult[] = [];
  for (const [a, d] of steps) out.push(await gatherArtwork(a, { ...d, cache: deps.cache }, never));
  return out;
}

async function artworkPart(dir: string, fakes: Fakes, catalog: Catalog, libraryFile: string, sample: number) {
  const db = openLibrary(libraryFile, { readonly: true, verify: false });
  const ids = (
    db.prepare(`SELECT id FROM albums WHERE match_state = 'matched' AND match_source = 'musicbrainz' ORDER BY id`).all() as Array<{ id: number }>
  ).map((r) => r.id);
  // Evenly spread over the matched albums; one more to warm both plans up (connections, sharp).
  const step = Math.max(1, Math.floor(ids.length / (sample + 1)));
  const picked = ids.filter((_, i) => i % step === 0).slice(0, sample + 1);
  const albums: ArtworkAlbum[] = [];
  for (const [i, id] of picked.entries()) {
    const album = loadArtworkAlbum(db, id)!;
    const release = catalog.releases.get(album.mbReleaseId!)!;
    const folder = path.join(dir, 'art-files', String(id));
    const trackPaths = await writeAlbumFolder(folder, release, i + 1, 3);
    albums.push({ ...album, folder, trackPaths });
  }
  db.close();
  const emptyFolder = path.join(dir, 'art-files', 'empty');
  fs.mkdirSync(emptyFolder, { recursive: true });

  for (const server of [fakes.coverart, fakes.theaudiodb, fakes.discogs]) server.switches.rateLimit = null;
  const parallelDeps = artworkDeps(dir, 'parallel', fakes);
  const sequentialDeps = artworkDeps(dir, 'sequential', fakes);
  const [warm, ...measured] = albums;
  await gatherArtwork(warm!, parallelDeps, never);
  await oneAfterAnother(warm!, sequentialDeps, emptyFolder);
  fakes.resetStats();

  let parallelMs = 0;
  let sequentialMs = 0;
  let samePictures = 0;
  let candidates = 0;
  const found: Record<string, number> = {};
  const perSource: Record<string, number[]> = {};
  const problems: string[] = [];
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const value = await work();
    return [value, performance.now() - t0];
  };
  for (const [i, album] of measured.entries()) {
    // Alternate which plan goes first, so neither always meets a warmer server.
    const runParallel = () => timed(() => gatherArtwork(album, parallelDeps, never));
    const runSequential = () => timed(() => oneAfterAnother(album, sequentialDeps, emptyFolder));
    let p: [GatherResult, number];
    let s: [GatherResult[], number];
    if (i % 2 === 0) {
      p = await runParallel();
      s = await runSequential();
    } else {
      s = await runSequential();
      p = await runParallel();
    }
    parallelMs += p[1];
    sequentialMs += s[1];
    const parallelHashes = new Set(p[0].candidates.map((c) => c.hash));
    const sequentialHashes = new Set(s[0].flatMap((r) => r.candidates.map((c) => c.hash)));
    if (parallelHashes.size === sequentialHashes.size && [...parallelHashes].every((h) => sequentialHashes.has(h))) samePictures++;
    candidates += p[0].candidates.length;
    for (const c of p[0].candidates) found[c.source] = (found[c.source] ?? 0) + 1;
    for (const [source, ms] of Object.entries(p[0].perSourceMs)) (perSource[source] ??= []).push(ms);
    problems.push(...p[0].errors, ...s[0].flatMap((r) => r.errors));
  }
  // The pipeline's way over the whole sample: several albums at once, the rate-limited sources
  // taking turns across them; against the same albums one after another, each source in turn.
  const batchCache = artworkDeps(dir, 'batch', fakes);
  const turns = artworkTurns();
  const albumsAtOnce = pLimit(ARTWORK_ALBUMS_AT_ONCE);
  const [batch, batchMs] = await timed(() =>
    Promise.all(measured.map((album) => albumsAtOnce(() => gatherArtwork(album, { ...batchCache, turns }, never)))),
  );
  problems.push(...batch.flatMap((r) => r.errors));
  const requestsTo = (server: Fakes['theaudiodb'], images: boolean) =>
    Object.entries(server.stats.byRoute)
      .filter(([r]) => r.includes('/images/') === images)
      .reduce((n, [, c]) => n + c, 0);
  // Both plans asked; each asks TheAudioDB's API the same questions.
  const theaudiodbApiPerAlbum = requestsTo(fakes.theaudiodb, false) / 2 / measured.length;
  const n = measured.length;
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  const figures = {
    artAlbums: n,
    artParallelMsPerAlbum: Math.round(parallelMs / n),
    artSequentialMsPerAlbum: Math.round(sequentialMs / n),
    // One album on its own: as slow as its slowest source.
    artAlbumRatio: round(parallelMs / sequentialMs),
    artBatchMs: Math.round(batchMs),
    artSequentialMs: Math.round(sequentialMs),
    artAlbumsAtOnce: ARTWORK_ALBUMS_AT_ONCE,
    // The artwork stage's wall time for the sample, as the pipeline runs it, against one after another.
    artRatio: round(batchMs / sequentialMs),
    artSamePictures: samePictures,
    artCandidatesPerAlbum: round(candidates / n, 2),
    artFoundBySource: found,
    artMeanSourceMs: Object.fromEntries(Object.entries(perSource).map(([s, xs]) => [s, mean(xs)])),
    artProblems: problems.length,
    coverartRequestsPerAlbum: round(fakes.coverart.stats.total / 2 / n, 1),
    theaudiodbApiRequestsPerAlbum: round(theaudiodbApiPerAlbum, 2),
    // At the free key's 0.5 requests a second, TheAudioDB alone takes this long an album, in any plan.
    theaudiodbBoundMsPerAlbum: Math.round((theaudiodbApiPerAlbum * 1000) / THEAUDIODB_RATE),
  };
  console.info(
    `(b) artwork, ${n} albums, no rate limits: every source at once ${figures.artParallelMsPerAlbum} ms an album, ` +
      `one after another ${figures.artSequentialMsPerAlbum} ms: ${figures.artAlbumRatio} of it; the same pictures for ${samePictures} of ${n}; ` +
      `${figures.artCandidatesPerAlbum} pictures an album ${JSON.stringify(found)}; mean per source ${JSON.stringify(figures.artMeanSourceMs)} ms`,
  );
  console.info(
    `    the whole sample as the pipeline runs it (${ARTWORK_ALBUMS_AT_ONCE} albums at once, rate-limited sources taking turns): ` +
      `${figures.artBatchMs} ms against ${figures.artSequentialMs} ms one after another: ${figures.artRatio} of it`,
  );
  console.info(
    `    ${figures.coverartRequestsPerAlbum} Cover Art Archive requests an album (redirect hops included), ` +
      `${figures.theaudiodbApiRequestsPerAlbum} to TheAudioDB's API: at its 0.5 a second, ≥ ${figures.theaudiodbBoundMsPerAlbum} ms an album in either plan.`,
  );
  for (const problem of [...new Set(problems)].slice(0, 5)) console.info(`    problem: ${problem}`);
  return figures;
}

// ---------------------------------------------------------------- (c) a new import during a backfill

async function importPart(dir: string, fakes: Fakes, catalog: Catalog, tracks: number) {
  const file = path.join(dir, 'import.sqlite');
  const truth = buildLibrary(file, catalog, tracks);
  // A release the library does not have, with cover art everywhere, by one artist.
  const used = new Set(truth.map((t) => t.releaseId));
  const audiodbGroups = new Set([...catalog.audiodb.albums.values()].map((a) => a.mbid));
  const discogsReleases = new Set([...catalog.discogs.releases.values()].map((d) => d.mbReleaseId));
  const release = [...catalog.releases.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .find(
      (r) =>
        !used.has(r.id) &&
        r.credit.length === 1 &&
        r.coverArt.some((i) => i.front) &&
        audiodbGroups.has(r.releaseGroupId) &&
        discogsReleases.has(r.id) &&
        r.media.flatMap((m) => m.tracks).length >= 4,
    );
  if (!release) throw new Error('the catalog has no unused release with art on every service');
  const folder = path.join(dir, 'incoming', 'New Album');
  await writeAlbumFolder(folder, release, 4242, 99);

  // Production rates everywhere (the defaults), limits enforced, the same latency.
  for (const server of [fakes.musicbrainz, fakes.coverart, fakes.theaudiodb, fakes.discogs]) server.switches.rateLimit = null;
  fakes.musicbrainz.switches.rateLimit = musicBrainzRateLimit(true);
  fakes.theaudiodb.switches.rateLimit = theAudioDbRateLimit(true);
  fakes.discogs.switches.rateLimit = discogsRateLimit(true);
  fakes.resetStats();
  const layouts = [
    await startHostLayout(fakes.coverart, [{ prefixes: ['/release'] }, { prefixes: ['/download/'] }, { prefixes: ['/ia8'] }]),
    await startHostLayout(fakes.theaudiodb, [{ prefixes: [] }, { prefixes: ['/images/'] }]),
    await startHostLayout(fakes.discogs, [{ prefixes: [] }, { prefixes: ['/images/'] }]),
  ];
  const [coverart, theaudiodb, discogs] = layouts.map((l) => l.url) as [string, string, string];

  const enrich = cli(dir, ['enrich', '--db', file, '--json', ...serviceFlags({ musicbrainz: fakes.urls.musicbrainz, coverart, theaudiodb, discogs })]);
  const reader = openLibrary(file, { readonly: true, verify: false });
  const count = (sql: string, ...args: unknown[]) => (reader.prepare(sql).get(...args) as { n: number }).n;
  let scan: CliRun | null = null;
  try {
    // Busy: a few batches matched and the artwork lane at work on the backfill.
    const busyBy = Date.now() + 60_000;
    while (Date.now() < busyBy) {
      await sleep(250);
      const matched = count(`SELECT COUNT(*) AS n FROM albums WHERE match_state IS NOT NULL`);
      const artDone = count(`SELECT COUNT(*) AS n FROM albums WHERE art_state IS NOT NULL`);
      if (matched >= 16 && artDone >= 4) break;
    }
    const backfill = {
      matched: count(`SELECT COUNT(*) AS n FROM albums WHERE match_state IS NOT NULL`),
      artDone: count(`SELECT COUNT(*) AS n FROM albums WHERE art_state IS NOT NULL`),
      queued: count(`SELECT COUNT(*) AS n FROM work_queue WHERE state = 'queued' AND priority = ?`, PRIORITY.backfill),
    };

    const scanStartedAt = Date.now();
    scan = cli(dir, ['scan', folder, '--db', file, '--json']);
    let albumId: number | null = null;
    let importedAt: number | null = null;
    let firstArtSeenAt: number | null = null;
    let firstArt: { source: string; fetched_at: number } | null = null;
    let matchedSeenAt: number | null = null;
    let takenSeenAt: number | null = null;
    // A picture from a service: what shows first for an album whose files carry none.
    let firstRemote: { source: string; seenAt: number } | null = null;
    const giveUp = Date.now() + 60_000;
    while (Date.now() < giveUp && (firstArtSeenAt === null || matchedSeenAt === null || firstRemote === null)) {
      await sleep(50);
      const now = Date.now();
      if (albumId === null) {
        const row = reader
          .prepare(
            `SELECT a.id, q.enqueued_at FROM albums a JOIN work_queue q ON q.album_id = a.id AND q.stage = 'artwork' WHERE a.folder = ?`,
          )
          .get(folder) as { id: number; enqueued_at: number } | undefined;
        if (!row) continue;
        albumId = row.id;
        importedAt = row.enqueued_at;
      }
      if (takenSeenAt === null) {
        const state = reader.prepare(`SELECT state FROM work_queue WHERE stage = 'artwork' AND album_id = ?`).get(albumId) as { state: string };
        if (state.state !== 'queued') takenSeenAt = now;
      }
      if (firstArtSeenAt === null) {
        const art = reader
          .prepare(`SELECT source, fetched_at FROM art_candidates WHERE album_id = ? ORDER BY fetched_at, id LIMIT 1`)
          .get(albumId) as { source: string; fetched_at: number } | undefined;
        if (art) {
          firstArtSeenAt = now;
          firstArt = art;
        }
      }
      if (firstRemote === null) {
        const art = reader
          .prepare(`SELECT source FROM art_candidates WHERE album_id = ? AND source NOT IN ('embedded', 'folder') ORDER BY fetched_at, id LIMIT 1`)
          .get(albumId) as { source: string } | undefined;
        if (art) firstRemote = { source: art.source, seenAt: now };
      }
      if (matchedSeenAt === null && count(`SELECT COUNT(*) AS n FROM albums WHERE id = ? AND match_state IS NOT NULL`, albumId) > 0) {
        matchedSeenAt = now;
      }
    }
    const scanResult = await scan.done;
    if (scanResult.code !== 0) throw new Error(`scan exited ${scanResult.code}: ${scanResult.stderr.slice(-2000)}`);
    const sources = albumId
      ? (reader.prepare(`SELECT source, COUNT(*) AS n FROM art_candidates WHERE album_id = ? GROUP BY source`).all(albumId) as Array<{ source: string; n: number }>)
      : [];
    const matchState = albumId
      ? (reader.prepare(`SELECT match_state, match_source, mb_release_id FROM albums WHERE id = ?`).get(albumId) as {
          match_state: string | null;
          match_source: string | null;
          mb_release_id: string | null;
        })
      : null;
    const importArt = albumId
      ? (reader.prepare(`SELECT state, error FROM work_queue WHERE stage = 'artwork' AND album_id = ?`).get(albumId) as { state: string; error: string | null })
      : null;
    const artDeferred = count(`SELECT COUNT(*) AS n FROM work_queue WHERE stage = 'artwork' AND state = 'deferred'`);
    const artDone = count(`SELECT COUNT(*) AS n FROM work_queue WHERE stage = 'artwork' AND state = 'done'`);

    enrich.child.kill('SIGINT');
    const killer = setTimeout(() => enrich.child.kill('SIGKILL'), 15_000);
    const enrichResult = await enrich.done;
    clearTimeout(killer);
    const seconds = (a: number | null, b: number | null) => (a === null || b === null ? null : round((a - b) / 1000, 2));
    const figures = {
      importBackfillMatchedBefore: backfill.matched,
      importBackfillQueued: backfill.queued,
      importScanSeconds: round(scanResult.ms / 1000, 2),
      firstArtSeconds: seconds(firstArtSeenAt, importedAt),
      firstArtSavedSeconds: seconds(firstArt?.fetched_at ?? null, importedAt),
      firstArtFromScanStartSeconds: seconds(firstArtSeenAt, scanStartedAt),
      firstArtTakenSeconds: seconds(takenSeenAt, importedAt),
      firstArtSource: firstArt?.source ?? null,
      firstRemoteArtSeconds: seconds(firstRemote?.seenAt ?? null, importedAt),
      firstRemoteArtSource: firstRemote?.source ?? null,
      importArtSources: Object.fromEntries(sources.map((s) => [s.source, s.n])),
      importMatchedSeconds: seconds(matchedSeenAt, importedAt),
      importMatchedRight: matchState?.match_state === 'matched' && matchState.mb_release_id === release.id,
      backfillArtDone: artDone,
      backfillArtDeferred: artDeferred,
      importMbViolations: fakes.musicbrainz.stats.violations,
      importTheaudiodbRateLimited: fakes.theaudiodb.stats.rateLimited,
    };
    console.info(
      `(c) new import during the backfill (${backfill.matched} albums matched, ${backfill.queued} waiting): scan ${figures.importScanSeconds} s; ` +
        `first picture (${figures.firstArtSource}) seen ${figures.firstArtSeconds} s after the album was queued ` +
        `(the artwork lane took it at ${figures.firstArtTakenSeconds} s, saved at ${figures.firstArtSavedSeconds} s; ` +
        `${figures.firstArtFromScanStartSeconds} s from the scan's start); ` +
        `first from a service (${figures.firstRemoteArtSource}) at ${figures.firstRemoteArtSeconds} s; matched ${figures.importMatchedSeconds} s after (${matchState?.match_state ?? 'not yet'}${figures.importMatchedRight ? ', right release' : ''}); ` +
        `pictures ${JSON.stringify(figures.importArtSources)}; its artwork item ${importArt?.state}${importArt?.error ? ` (${importArt.error})` : ''}`,
    );
    console.info(
      `    the backfill's artwork so far: ${artDone} albums done, ${artDeferred} deferred (a source over its 5 s); ` +
        `MusicBrainz violations ${figures.importMbViolations}, TheAudioDB rate-limited ${figures.importTheaudiodbRateLimited}; enrich stopped (exit ${enrichResult.code})`,
    );
    const warnings = warningKinds(enrichResult.stderr);
    if (warnings.length > 0) console.info(`    job warnings: ${warnings.slice(0, 4).join(' | ')}`);
    return figures;
  } finally {
    reader.close();
    await Promise.all(layouts.map((l) => l.close()));
    if (enrich.child.exitCode === null && enrich.child.signalCode === null) enrich.child.kill('SIGKILL');
    if (scan && scan.child.exitCode === null && scan.child.signalCode === null) scan.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tracks: { type: 'string', default: '2000' }, 'art-albums': { type: 'string', default: '12' }, parts: { type: 'string', default: 'a,b,c' } },
  });
  const parts = new Set(values.parts.split(','));
  const tracks = Number(values.tracks);
  const artAlbums = Number(values['art-albums']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sleeve-bench-enrich-'));
  fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ discogsToken: DISCOGS_TOKEN }), { mode: 0o600 });
  const catalog = generateCatalog({ seed: 31, artists: 60, tracksPerAlbum: [9, 11] });
  const fakes = await startFakes({ catalog, latencyMs: LATENCY_MS, enforceRateLimits: true });
  const started = performance.now();
  const loadStart = os.loadavg()[0]!;
  try {
    // (b) gathers art for albums (a) matched.
    const matching = parts.has('a') || parts.has('b') ? await matchingPart(dir, fakes, catalog, tracks) : null;
    const artwork = matching && parts.has('b') ? await artworkPart(dir, fakes, catalog, matching.file, artAlbums) : null;
    const imported = parts.has('c') ? await importPart(dir, fakes, catalog, tracks) : null;
    const figures = {
      ...matching?.figures,
      ...artwork,
      ...imported,
      benchSeconds: round((performance.now() - started) / 1000, 1),
      // Other work on the machine delays requests after their gate slot: worth knowing beside any violation.
      loadAverageStart: round(loadStart, 2),
      loadAverageEnd: round(os.loadavg()[0]!, 2),
    };
    const targets = { mbRequestsPerTrack: '<= 0.15', mbViolations: '0', artRatio: '<= 0.4', firstArtSeconds: '< 5' };
    const met =
      (matching === null || (matching.figures.mbRequestsPerTrack <= 0.15 && matching.figures.mbViolations === 0)) &&
      (artwork === null || artwork.artRatio <= 0.4) &&
      (imported === null || (imported.firstArtSeconds !== null && imported.firstArtSeconds < 5));
    console.info(JSON.stringify({ bench: 'enrich', figures, targets, met }));
    process.exitCode = met ? 0 : 1;
  } finally {
    await fakes.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
