/**
 * The artwork stage for one album: every source is asked at once, each with
 * its own time limit, and every picture found goes through the cache. One
 * source failing, hanging or sending a broken image never costs the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseFile } from 'music-metadata';
import { ART_SOURCE_LABELS, ART_SOURCES, type ArtSource } from '../../shared/albums';
import { normalizeAlbum, normalizeArtist } from '../match/normalize';
import { DeferredError, MalformedResponseError, unexpectedStatus } from '../net/errors';
import { abortError } from '../net/sleep';
import type { SourceHttp } from '../net/types';
import { frontUrl, type CoverArtClient } from '../sources/coverart';
import type { DiscogsClient } from '../sources/discogs';
import { isSuccess } from '../sources/shared';
import type { AudioDbAlbum, TheAudioDbClient } from '../sources/theaudiodb';
import { MAX_IMAGE_BYTES, type ArtworkCache, type StoredImage } from './cache';

export const DEFAULT_ARTWORK_TIMEOUT_MS = 5_000;
/** Files parsed for a tagged-in picture before giving up: the caller puts the ones with art first. */
const EMBEDDED_TRIES = 3;

export interface ArtworkAlbum {
  id: number;
  folder: string;
  /** The album's files, those known to carry a picture first. */
  trackPaths: string[];
  title: string | null;
  artist: string | null;
  mbReleaseId: string | null;
  mbReleaseGroupId: string | null;
  theaudiodbAlbumId?: string | null;
  discogsReleaseId?: string | null;
}

export type RemoteImageSource = 'theaudiodb' | 'discogs';

/** Downloads an image a source's answer pointed to; null when it is gone (404/410). */
export type FetchImage = (source: RemoteImageSource, url: string, signal: AbortSignal) => Promise<Buffer | null>;

export interface GatherDeps {
  /** null: the Cover Art Archive is not asked (offline tests, a source switched off). */
  coverart: CoverArtClient | null;
  theaudiodb: TheAudioDbClient | null;
  /** Searched only with a token; a known release id is looked up without. */
  discogs: DiscogsClient | null;
  fetchImage: FetchImage;
  cache: ArtworkCache;
  /** Per source; default 5 s. */
  timeoutMs?: number;
  /**
   * A turn per source, shared by the albums gathered at once: a source's 5 s
   * start when its turn comes, so an album waiting for TheAudioDB's next slot
   * (one every 2 s on the free key) is not timed out by the wait.
   */
  turns?: Partial<Record<ArtSource, <T>(run: () => Promise<T>) => Promise<T>>>;
  /** Each picture as soon as it is stored, so the first can be shown before the slowest source answers. */
  onCandidate?: (candidate: GatheredCandidate) => void;
}

export interface GatheredCandidate extends StoredImage {
  source: ArtSource;
  /** The image URL, or the file the picture came from. */
  ref: string;
  front: boolean;
}

export interface GatherResult {
  /** In preference order (ART_SOURCES); the same bytes from two remote sources are kept once, under the preferred. */
  candidates: GatheredCandidate[];
  /** A source timed out (a service, or a slow disk) or could not answer now (DeferredError): worth asking again later. */
  deferred: boolean;
  /** One line per problem, naming the source; in source order. */
  errors: string[];
  /**
   * Sources that ran to the end (finding something or nothing) or had
   * nothing to go on for this album; their earlier candidates that this run
   * did not find are stale. A source that failed or was not configured is
   * not here.
   */
  answered: ArtSource[];
  /** Time each source took, for diagnostics only. */
  perSourceMs: Partial<Record<ArtSource, number>>;
}

/**
 * A FetchImage over the sources' own HTTP clients, so image downloads share
 * each service's gate, retries, redirects and DeferredError semantics:
 * `imageFetcher((s) => network.http(s))`. Absolute URLs on other hosts
 * (CDNs) are fine; the gate paces each host on its own.
 */
export function imageFetcher(http: (source: RemoteImageSource) => SourceHttp): FetchImage {
  return async (source, url, signal) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new MalformedResponseError(source, `${ART_SOURCE_LABELS[source]} gave an image address that is not a URL: ${url}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new MalformedResponseError(source, `${ART_SOURCE_LABELS[source]} gave an image address Sleeve will not fetch: ${url}`);
    }
    // Not cached: the bytes go to the artwork cache, not the HTTP cache in the library.
    const response = await http(source).request({ method: 'GET', path: parsed.href, cache: false, headers: { accept: 'image/*' } }, signal);
    if (response.status === 404 || response.status === 410) return null;
    if (!isSuccess(response.status)) throw unexpectedStatus(source, response, `the image ${response.url}`);
    const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (response.body.length === 0 || type.startsWith('text/') || type === 'application/json') {
      throw new MalformedResponseError(
        source,
        `${ART_SOURCE_LABELS[source]} sent ${response.body.length === 0 ? 'an empty body' : type} instead of an image (${response.url})`,
      );
    }
    return response.body;
  };
}

const FOLDER_IMAGE_RE = /^(cover|front|folder|album|albumart.*)\.(jpe?g|png|webp)$/i;
const FOLDER_NAME_ORDER = ['cover', 'front', 'folder', 'album', 'albumart'];

function folderRank(name: string): number {
  const stem = name.toLowerCase().replace(/\.[^.]+$/, '');
  const i = FOLDER_NAME_ORDER.findIndex((n) => (n === 'albumart' ? stem.startsWith(n) : stem === n));
  return i < 0 ? FOLDER_NAME_ORDER.length : i;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Settles with the work, or rejects as soon as the signal aborts (work that cannot be cancelled, like a file parse, is left to finish unheard). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Discogs puts a 1x1 spacer where a release has no image. */
const isPlaceholder = (url: string) => /spacer\.gif(?:$|\?)/i.test(url);

/** Whether a found album is the one we have, by folded artist and title. */
function sameAlbum(album: ArtworkAlbum, title: string, artist: string | null): boolean {
  if (!album.title || normalizeAlbum(title) !== normalizeAlbum(album.title)) return false;
  if (!album.artist || !artist) return true;
  return normalizeArtist(artist).key === normalizeArtist(album.artist).key;
}

/** Discogs titles search results 'Artist - Title'; either side may itself contain ' - '. */
function discogsTitleMatches(album: ArtworkAlbum, resultTitle: string): boolean {
  for (let i = resultTitle.indexOf(' - '); i >= 0; i = resultTitle.indexOf(' - ', i + 1)) {
    if (sameAlbum(album, resultTitle.slice(i + 3), resultTitle.slice(0, i))) return true;
  }
  return false;
}

/** Stores a picture a source found; `from` names it when a task answers for two sources. */
type Keep = (ref: string, front: boolean, bytes: Buffer, from?: ArtSource) => Promise<boolean>;

interface Task {
  source: ArtSource;
  /** Calls keep() for each picture; resolves when the source is done. */
  run(signal: AbortSignal, keep: Keep): Promise<void>;
}

/**
 * Asks every source for the album's artwork at once. Rejects only when the
 * job's signal aborts; everything else ends up in errors (and deferred).
 */
export async function gatherArtwork(album: ArtworkAlbum, deps: GatherDeps, signal: AbortSignal): Promise<GatherResult> {
  if (signal.aborted) throw abortError(signal);
  const timeoutMs = deps.timeoutMs ?? DEFAULT_ARTWORK_TIMEOUT_MS;
  const found: GatheredCandidate[] = [];
  const problems: Array<{ source: ArtSource; text: string }> = [];
  /** Sources with any problem this run: their absence of a picture proves nothing. */
  const failed = new Set<ArtSource>();
  const report = (source: ArtSource, text: string) => {
    failed.add(source);
    problems.push({ source, text: `${ART_SOURCE_LABELS[source]}: ${text}` });
  };
  const answered: ArtSource[] = [];
  const perSourceMs: Partial<Record<ArtSource, number>> = {};
  let deferred = false;

  const tasks: Task[] = [];
  const { coverart, theaudiodb, discogs } = deps;

  if (coverart) {
    // The release's front, and only when it has none the release group's:
    // the group's picture is one of its releases' fronts, most often this one.
    const fetchFront = async (
      source: 'coverart-release' | 'coverart-release-group',
      mbid: string,
      sig: AbortSignal,
      keep: Keep,
    ): Promise<boolean> => {
      const kind = source === 'coverart-release' ? 'release' : 'release-group';
      // Straight to the front's 1200 px rendition (plenty for any player; an
      // original scan can be tens of megabytes on a 5 s budget): one redirect
      // chain instead of the index's and then the image's. The original when
      // there is no 1200; a 404 on both means the archive has no front.
      for (const size of [1200, undefined] as const) {
        let image;
        try {
          image = await coverart.fetchImage(frontUrl(kind, mbid, size), sig);
        } catch (err) {
          if (sig.aborted || err instanceof DeferredError) throw err;
          report(source, message(err));
          continue;
        }
        if (image && (await keep(image.url, true, image.bytes, source))) return true;
      }
      return false;
    };
    const { mbReleaseId, mbReleaseGroupId } = album;
    tasks.push({
      source: 'coverart-release',
      async run(sig, keep) {
        if (mbReleaseId && (await fetchFront('coverart-release', mbReleaseId, sig, keep))) return;
        if (mbReleaseGroupId) await fetchFront('coverart-release-group', mbReleaseGroupId, sig, keep);
      },
    });
  }

  if (theaudiodb) {
    tasks.push({
      source: 'theaudiodb',
      async run(sig, keep) {
        let pick: AudioDbAlbum | undefined;
        if (album.mbReleaseGroupId) {
          const albums = (await theaudiodb.albumByMbid(album.mbReleaseGroupId, sig)) ?? [];
          pick = albums.find((a) => a.thumbHq || a.thumb);
        }
        // By name only without a release group: at 30 requests a minute, a second
        // question per album would run the source past its 5 s.
        if (!album.mbReleaseGroupId && album.artist && album.title) {
          const albums = (await theaudiodb.searchAlbum(album.artist, album.title, sig)) ?? [];
          pick = album.theaudiodbAlbumId
            ? albums.find((a) => a.id === album.theaudiodbAlbumId)
            : albums.find((a) => (a.thumbHq || a.thumb) && sameAlbum(album, a.name, a.artist));
        }
        const url = pick?.thumbHq ?? pick?.thumb;
        if (!url) return;
        const bytes = await deps.fetchImage('theaudiodb', url, sig);
        if (bytes) await keep(url, true, bytes);
      },
    });
  }

  if (discogs) {
    tasks.push({
      source: 'discogs',
      async run(sig, keep) {
        let url: string | null = null;
        const releaseId = Number(album.discogsReleaseId);
        if (album.discogsReleaseId && Number.isInteger(releaseId) && releaseId > 0) {
          const release = await discogs.release(releaseId, sig);
          const image = release?.images.find((i) => i.type === 'primary' && i.uri) ?? release?.images.find((i) => i.uri);
          url = image?.uri ?? null;
        } else if (discogs.hasToken && album.artist && album.title) {
          const page = await discogs.search({ type: 'release', artist: album.artist, releaseTitle: album.title, perPage: 10 }, sig);
          const hit = page.results.find((r) => r.coverImage && !isPlaceholder(r.coverImage) && discogsTitleMatches(album, r.title));
          url = hit?.coverImage ?? null;
        }
        if (!url || isPlaceholder(url)) return;
        const bytes = await deps.fetchImage('discogs', url, sig);
        if (bytes) await keep(url, true, bytes);
      },
    });
  }

  tasks.push({
    source: 'embedded',
    async run(sig, keep) {
      for (const file of album.trackPaths.slice(0, EMBEDDED_TRIES)) {
        let pictures;
        try {
          pictures = (await untilAborted(parseFile(file, { skipCovers: false, duration: false }), sig)).common.picture ?? [];
        } catch (err) {
          if (sig.aborted) throw err;
          report('embedded', `${file}: ${message(err)}`);
          continue;
        }
        const picture = pictures.find((p) => /front/i.test(p.type ?? '')) ?? pictures[0];
        if (!picture) continue;
        // A picture with no type (MP4, many taggers) is the cover by convention.
        const front = !picture.type || /front/i.test(picture.type);
        if (await keep(file, front, Buffer.from(picture.data.buffer, picture.data.byteOffset, picture.data.byteLength))) return;
      }
    },
  });

  tasks.push({
    source: 'folder',
    async run(sig, keep) {
      const entries = await fs.promises.readdir(album.folder, { withFileTypes: true });
      const names = entries
        .filter((e) => (e.isFile() || e.isSymbolicLink()) && FOLDER_IMAGE_RE.test(e.name))
        .map((e) => e.name)
        .sort((a, b) => folderRank(a) - folderRank(b) || a.localeCompare(b));
      if (names.length === 0) return;
      const root = await fs.promises.realpath(album.folder);
      for (const name of names) {
        if (sig.aborted) throw abortError(sig);
        const file = path.join(album.folder, name);
        try {
          // A link may point anywhere; only what really lives in the folder counts.
          const real = await fs.promises.realpath(file);
          if (!inside(root, real)) throw new Error('it links outside the album folder');
          const stat = await fs.promises.stat(real);
          if (!stat.isFile()) continue;
          if (stat.size > MAX_IMAGE_BYTES) throw new Error(`it is ${(stat.size / 1024 / 1024).toFixed(1)} MB, over the 40 MB Sleeve keeps`);
          await keep(file, true, await fs.promises.readFile(real, { signal: sig }));
        } catch (err) {
          if (sig.aborted) throw err;
          report('folder', `${file}: ${message(err)}`);
        }
      }
    },
  });

  const runTask = (task: Task): Promise<void> => {
    const turn = deps.turns?.[task.source];
    return turn ? turn(() => runTimed(task)) : runTimed(task);
  };
  const runTimed = async (task: Task): Promise<void> => {
    if (signal.aborted) return;
    const timeout = AbortSignal.timeout(timeoutMs);
    const sig = AbortSignal.any([signal, timeout]);
    const keep: Keep = async (ref, front, bytes, from = task.source) => {
      try {
        const stored = await deps.cache.put(bytes);
        // Kept even if the source times out later: the picture is good.
        const candidate: GatheredCandidate = { ...stored, source: from, ref, front };
        found.push(candidate);
        deps.onCandidate?.(candidate);
        return true;
      } catch (err) {
        report(from, `${ref}: ${message(err)}`);
        return false;
      }
    };
    const started = performance.now();
    try {
      await untilAborted(task.run(sig, keep), sig);
      if (!failed.has(task.source)) answered.push(task.source);
    } catch (err) {
      if (signal.aborted) return;
      if (timeout.aborted) {
        // A slow disk is as worth retrying as a slow service.
        deferred = true;
        report(task.source, `no answer within ${(timeoutMs / 1000).toFixed(timeoutMs % 1000 === 0 ? 0 : 1)} s`);
      } else if (err instanceof DeferredError) {
        deferred = true;
        report(task.source, err.message);
      } else {
        report(task.source, message(err));
      }
    } finally {
      perSourceMs[task.source] = Math.round(performance.now() - started);
    }
  };

  await Promise.allSettled(tasks.map(runTask));
  if (signal.aborted) throw abortError(signal);

  const rank = (s: ArtSource) => ART_SOURCES.indexOf(s);
  const ordered = found.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.source) - rank(b.c.source) || a.i - b.i);
  const remoteHashes = new Set<string>();
  const candidates: GatheredCandidate[] = [];
  for (const { c } of ordered) {
    // Local pictures always stay: they are what the files already have.
    if (c.source !== 'embedded' && c.source !== 'folder') {
      if (remoteHashes.has(c.hash)) continue;
      remoteHashes.add(c.hash);
    }
    candidates.push(c);
  }
  answered.sort((a, b) => rank(a) - rank(b));
  // By source, so the same trouble reads the same on every run; within a source, as it happened.
  const errors = problems
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => rank(a.source) - rank(b.source) || a.i - b.i)
    .map((p) => p.text);
  return { candidates, deferred, errors, answered, perSourceMs };
}
