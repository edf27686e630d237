import { z } from 'zod';
import { MalformedResponseError, parseJsonBody, unexpectedStatus } from '../net/errors';
import type { HttpResponse, SourceHttp } from '../net/types';
import { htmlText, idString, isSuccess, optBoolean, optString, stringList } from './shared';

export type CoverArtKind = 'release' | 'release-group';
export type CoverArtSize = 250 | 500 | 1200;

export interface CoverArtThumbnails {
  '250': string | null;
  '500': string | null;
  '1200': string | null;
  small: string | null;
  large: string | null;
}

export interface CoverArtImage {
  id: string;
  front: boolean;
  back: boolean;
  types: string[];
  approved: boolean;
  comment: string;
  image: string;
  thumbnails: CoverArtThumbnails;
}

export interface CoverArtIndex {
  images: CoverArtImage[];
  /** The MusicBrainz release page the images belong to (for a release group: the chosen release). */
  release: string | null;
}

export interface FetchedImage {
  bytes: Buffer;
  contentType: string;
  /** The URL finally answered, after the redirects to archive.org. */
  url: string;
}

const imageSchema = z
  .object({
    id: idString,
    front: optBoolean,
    back: optBoolean,
    types: stringList,
    approved: optBoolean,
    comment: optString,
    image: z.string().min(1),
    thumbnails: z
      .object({
        '250': optString,
        '500': optString,
        '1200': optString,
        small: optString,
        large: optString,
      })
      .nullish(),
  })
  .transform(
    (i): CoverArtImage => ({
      id: i.id,
      front: i.front ?? false,
      back: i.back ?? false,
      types: i.types,
      approved: i.approved ?? false,
      comment: i.comment ?? '',
      image: i.image,
      thumbnails: {
        '250': i.thumbnails?.['250'] ?? i.thumbnails?.small ?? null,
        '500': i.thumbnails?.['500'] ?? i.thumbnails?.large ?? null,
        '1200': i.thumbnails?.['1200'] ?? null,
        small: i.thumbnails?.small ?? i.thumbnails?.['250'] ?? null,
        large: i.thumbnails?.large ?? i.thumbnails?.['500'] ?? null,
      },
    }),
  );

export const coverArtIndexSchema = z
  .object({
    images: z.array(imageSchema),
    release: optString,
  })
  .transform((x): CoverArtIndex => ({ images: x.images, release: x.release }));

// Ids are encoded, not validated: the archive itself answers 400 for a
// malformed MBID, and encoding keeps a hostile id inside its path segment.
function segment(mbid: string): string {
  return encodeURIComponent(mbid.trim().toLowerCase());
}

export function frontUrl(kind: CoverArtKind, mbid: string, size?: CoverArtSize): string {
  return `/${kind}/${segment(mbid)}/front${size ? `-${size}` : ''}`;
}

/** The Cover Art Archive answers errors in HTML; its message is in the page text. */
function coverArtError(response: HttpResponse, what: string) {
  const text = response.body.toString('utf8', 0, 2000);
  const paragraph = /<p>([\s\S]*?)<\/p>/i.exec(text);
  const detail = paragraph?.[1] ? htmlText(paragraph[1]) : htmlText(text);
  return unexpectedStatus('coverart', response, what, detail === '' ? null : detail);
}

export class CoverArtClient {
  constructor(private readonly http: SourceHttp) {}

  /** All images of a release; null when it has none or is unknown (404). */
  releaseIndex(mbid: string, signal?: AbortSignal): Promise<CoverArtIndex | null> {
    return this.index('release', mbid, signal);
  }

  /** The images of the release chosen to represent a release group; null on 404. */
  releaseGroupIndex(mbid: string, signal?: AbortSignal): Promise<CoverArtIndex | null> {
    return this.index('release-group', mbid, signal);
  }

  /**
   * Where a front image lives, without downloading it (HEAD); null when
   * there is none.
   */
  async frontLocation(kind: CoverArtKind, mbid: string, size?: CoverArtSize, signal?: AbortSignal): Promise<string | null> {
    const what = `the front image of ${kind} ${mbid}`;
    const response = await this.http.request({ method: 'HEAD', path: frontUrl(kind, mbid, size), cache: false }, signal);
    if (response.status === 404) return null;
    if (!isSuccess(response.status)) throw coverArtError(response, what);
    return response.url;
  }

  /**
   * Downloads an image (a path from frontUrl or an absolute URL from an
   * index). Not cached: images go to the asset store, not the HTTP cache.
   * Null on 404.
   */
  async fetchImage(urlOrPath: string, signal?: AbortSignal): Promise<FetchedImage | null> {
    const what = `the image ${urlOrPath}`;
    const response = await this.http.request({ method: 'GET', path: urlOrPath, cache: false }, signal);
    if (response.status === 404) return null;
    if (!isSuccess(response.status)) {
      throw /html/i.test(response.headers['content-type'] ?? '')
        ? coverArtError(response, what)
        : unexpectedStatus('coverart', response, what);
    }
    const contentType = (response.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
    if (response.body.length === 0 || contentType.startsWith('text/')) {
      throw new MalformedResponseError(
        'coverart',
        `Cover Art Archive sent ${response.body.length === 0 ? 'an empty body' : contentType} instead of an image (${response.url})`,
      );
    }
    return { bytes: response.body, contentType, url: response.url };
  }

  private async index(kind: CoverArtKind, mbid: string, signal?: AbortSignal): Promise<CoverArtIndex | null> {
    const what = `the cover art of ${kind} ${mbid}`;
    const response = await this.http.request({ method: 'GET', path: `/${kind}/${segment(mbid)}` }, signal);
    if (response.status === 404) return null;
    if (!isSuccess(response.status)) throw coverArtError(response, what);
    return parseJsonBody('coverart', response, coverArtIndexSchema, what);
  }
}
