/**
 * Fake Cover Art Archive with its archive.org redirect chain, all on one
 * server: /release/{mbid} → 307 /download/mbid-{mbid}/index.json (archive.org)
 * → 302 /ia801203/29/items/mbid-{mbid}/index.json (an ia*.us.archive.org
 * node) → 200 index JSON; images take the same two hops to real JPEG bytes,
 * a picture of its own per release image (its sizes are the same picture).
 * Error bodies are the captured text/html pages.
 */
import type { Catalog, CoverImage, Release } from './catalog';
import { coverImageBytes, type CoverSize } from './images';
import { UUID_RE } from './prng';
import { json, startFakeServer, text, type FakeHandler, type FakeRequest, type FakeResponse, type FakeServer, type FakeSwitches } from './server';

const IA_NODE = '/ia801203/29/items';
const SIZES = new Set(['250', '500', '1200']);

const INVALID_MBID_HTML =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>invalid MBID specified</p>\n';

function notFound(what: string): FakeResponse {
  return text(
    404,
    `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No cover art found for ${what}</p>\n`,
    'text/html',
  );
}

const invalidMbid = (): FakeResponse => text(400, INVALID_MBID_HTML, 'text/html');

function redirect(status: 302 | 307, location: string): FakeResponse {
  return {
    status,
    headers: { 'Content-Type': status === 307 ? 'text/plain; charset=utf-8' : 'text/html; charset=UTF-8', Location: location, 'Access-Control-Allow-Origin': '*' },
    body: status === 307 ? `See: ${location}\n` : `<html><body>Redirecting to <a href="${location}">${location}</a></body></html>\n`,
  };
}

function imageFile(releaseId: string, imageId: string, size: string | undefined): string {
  return `mbid-${releaseId}-${imageId}${size ? `_thumb${size}` : ''}.jpg`;
}

export function coverArtIndex(release: Release, baseUrl: string): Record<string, unknown> {
  const url = (image: CoverImage, size?: string) => `${baseUrl}/release/${release.id}/${image.id}${size ? `-${size}` : ''}.jpg`;
  return {
    images: release.coverArt.map((image) => ({
      approved: image.approved,
      back: image.back,
      comment: image.comment,
      edit: image.edit,
      front: image.front,
      id: image.id,
      image: url(image),
      // The live service adds '250'/'500'/'1200' next to the legacy 'small'/'large' of the capture.
      thumbnails: { '250': url(image, '250'), '500': url(image, '500'), '1200': url(image, '1200'), large: url(image, '500'), small: url(image, '250') },
      types: image.types,
    })),
    release: `https://musicbrainz.org/release/${release.id}`,
  };
}

export function coverArtHandler(catalog: Catalog): FakeHandler {
  /** The release whose art stands for a group: the earliest with a front image. */
  const groupRelease = (groupId: string) => catalog.releasesOfGroup(groupId).find((r) => r.coverArt.some((i) => i.front));

  const imageRedirect = (request: FakeRequest, release: Release, which: string): FakeResponse => {
    const m = /^(front|back|\d+)(?:-(\d+))?(?:\.jpg)?$/.exec(which);
    if (!m || (m[2] !== undefined && !SIZES.has(m[2]))) return notFound(`release ${release.id}`);
    const [, name, size] = m;
    const image = name === 'front' ? release.coverArt.find((i) => i.front) : name === 'back' ? release.coverArt.find((i) => i.back) : release.coverArt.find((i) => i.id === name);
    if (!image) return notFound(`release ${release.id}`);
    return redirect(307, `${request.baseUrl}/download/mbid-${release.id}/${imageFile(release.id, image.id, size)}`);
  };

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method Not Allowed\n');
    const parts = request.path.split('/').filter(Boolean);
    const [kind, rawId, rest] = parts;

    if (kind === 'release' || kind === 'release-group') {
      if (!rawId || !UUID_RE.test(rawId)) return invalidMbid();
      const id = rawId.toLowerCase();
      let release: Release | undefined;
      if (kind === 'release') {
        release = catalog.releases.get(catalog.resolve('release', id).id);
        if (!release || release.coverArt.length === 0) return notFound(`release ${id}`);
      } else {
        const groupId = catalog.resolve('release-group', id).id;
        release = catalog.releaseGroups.has(groupId) ? groupRelease(groupId) : undefined;
        if (!release) return notFound(`release group ${id}`);
      }
      if (rest === undefined) return redirect(307, `${request.baseUrl}/download/mbid-${release.id}/index.json`);
      if (kind === 'release-group' && !/^front(-\d+)?$/.test(rest)) return notFound(`release group ${id}`);
      return imageRedirect(request, release, rest);
    }

    if (kind === 'download' && rawId?.startsWith('mbid-') && rest) {
      return redirect(302, `${request.baseUrl}${IA_NODE}/${rawId}/${rest}`);
    }

    const iaPrefix = IA_NODE.split('/').filter(Boolean);
    if (parts.length === 5 && parts.slice(0, 3).join('/') === iaPrefix.join('/') && parts[3]!.startsWith('mbid-')) {
      const releaseId = parts[3]!.slice(5);
      const release = catalog.releases.get(releaseId);
      const file = parts[4]!;
      if (!release || release.coverArt.length === 0) return text(404, '<html><body><h1>Item not found</h1></body></html>\n', 'text/html');
      if (file === 'index.json') {
        const response = json(200, coverArtIndex(release, request.baseUrl));
        return { ...response, headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'max-age=21600' } };
      }
      const m = new RegExp(`^mbid-${releaseId}-(\\d+)(?:_thumb(\\d+))?\\.jpg$`).exec(file);
      if (!m || !release.coverArt.some((i) => i.id === m[1]) || (m[2] !== undefined && !SIZES.has(m[2]))) {
        return text(404, '<html><body><h1>File not found</h1></body></html>\n', 'text/html');
      }
      const size: CoverSize = m[2] === undefined ? 'original' : (Number(m[2]) as CoverSize);
      // One picture per release image, the same at every size.
      const bytes = await coverImageBytes(size, `${releaseId}/${m[1]}`);
      return { status: 200, headers: { 'Content-Type': bytes.contentType, 'Cache-Control': 'max-age=21600' }, body: bytes.body };
    }

    return text(404, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n', 'text/html');
  };
}

export function coverArtRouteOf(_method: string, url: URL): string {
  const p = url.pathname;
  if (p.startsWith('/download/')) return p.endsWith('index.json') ? '/download/:item/index.json' : '/download/:item/:image';
  if (p.startsWith(`${IA_NODE}/`)) return p.endsWith('index.json') ? `${IA_NODE}/:item/index.json` : `${IA_NODE}/:item/:image`;
  return p
    .replace(/^\/(release|release-group)\/[^/]+/, '/$1/:mbid')
    .replace(/\/\d+(-\d+)?\.jpg$/, '/:image.jpg');
}

export interface CoverArtOptions {
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
}

export function startCoverArt(catalog: Catalog, options: CoverArtOptions = {}): Promise<FakeServer> {
  return startFakeServer(coverArtHandler(catalog), { seed: `coverart:${options.seed ?? 1}`, routeOf: coverArtRouteOf, switches: options.switches });
}
