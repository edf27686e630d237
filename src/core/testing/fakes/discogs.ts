/**
 * Fake Discogs API: /database/search (token required), /releases/{id},
 * /masters/{id}, with the X-Discogs-Ratelimit headers of a 60-second moving
 * window (60 requests authenticated, 25 anonymous) and Discogs' JSON errors.
 * Image URLs (release and master covers, artist and label thumbnails) point
 * at this server's /images/discogs/, standing in for i.discogs.com, and are
 * served as real JPEGs, a picture of their own per release or master; like
 * the CDN they do not count against the API's rate limit.
 */
import type { Catalog, DiscogsArtistRef, DiscogsMaster, DiscogsRelease } from './catalog';
import { analyze } from './lucene';
import { fakeImageBytes } from './images';
import { defaultRouteOf, json, startFakeServer, text, type FakeHandler, type FakeRequest, type FakeResponse, type FakeServer, type FakeSwitches, type MatchInfo, type RateLimitSwitch } from './server';

const API = 'https://api.discogs.com';
const WEB = 'https://www.discogs.com';
const IMAGE_PATH = '/images/discogs';
const PRIMARY_PX = 600;
const THUMB_PX = 150;
const isImage = (request: Pick<MatchInfo, 'path'>) => request.path.startsWith(`${IMAGE_PATH}/`);
const imageUrl = (baseUrl: string, file: string) => `${baseUrl}${IMAGE_PATH}/${file}`;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The token a request carries: 'Authorization: Discogs token=…', key/secret, or ?token=. */
export function discogsToken(request: Pick<MatchInfo, 'headers' | 'query'>): string | null {
  const header = String(request.headers.authorization ?? '');
  const token = /^Discogs\s+token=(\S+)/i.exec(header)?.[1];
  if (token) return token;
  const key = /^Discogs\s+key=([^,\s]+)/i.exec(header)?.[1];
  if (key) return key;
  return request.query.get('token');
}

export function discogsRateLimit(reject = false): RateLimitSwitch {
  return {
    limit: 60,
    windowMs: 60_000,
    reject,
    style: '429',
    retryAfter: null,
    body: JSON.stringify({ message: 'You are making requests too quickly.' }),
    contentType: 'application/json',
    bucket: (request) => (discogsToken(request) ? { key: 'authenticated', limit: 60 } : { key: 'anonymous', limit: 25 }),
    // Images come from the CDN, which has no such limit.
    match: (request) => !isImage(request),
  };
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function releasedFormatted(released: string): string {
  const [y, m, d] = released.split('-');
  if (!y) return '';
  if (!m) return y;
  const month = MONTHS[Number(m) - 1] ?? m;
  return d ? `${Number(d).toString().padStart(2, '0')} ${month} ${y}` : `${month} ${y}`;
}

function artistsJson(artists: DiscogsArtistRef[], baseUrl: string) {
  return artists.map((a) => ({
    name: a.name,
    anv: a.anv,
    join: a.join,
    role: '',
    tracks: '',
    id: a.id,
    resource_url: `${API}/artists/${a.id}`,
    thumbnail_url: imageUrl(baseUrl, `A-${a.id}.jpeg`),
  }));
}

const artistsSort = (artists: DiscogsArtistRef[]) =>
  artists.map((a, i) => a.name + (i === artists.length - 1 ? '' : a.join ? ` ${a.join} ` : ', ')).join('');

function images(kind: 'R' | 'M', id: number, baseUrl: string) {
  const uri = imageUrl(baseUrl, `${kind}-${id}-primary.jpeg`);
  return [{ type: 'primary', uri, resource_url: uri, uri150: imageUrl(baseUrl, `${kind}-${id}-150.jpeg`), width: PRIMARY_PX, height: PRIMARY_PX }];
}

export function discogsReleaseJson(release: DiscogsRelease, baseUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: release.id,
    status: 'Accepted',
    year: release.year,
    resource_url: `${baseUrl}/releases/${release.id}`,
    uri: `${WEB}/release/${release.id}-${slug(`${release.artists.map((a) => a.name).join(' ')} ${release.title}`)}`,
    artists: artistsJson(release.artists, baseUrl),
    artists_sort: artistsSort(release.artists),
    labels: release.labels.map((l) => ({
      name: l.name,
      catno: l.catno,
      entity_type: '1',
      entity_type_name: 'Label',
      id: l.id,
      resource_url: `${API}/labels/${l.id}`,
      thumbnail_url: imageUrl(baseUrl, `L-${l.id}.jpeg`),
    })),
    series: [],
    companies: release.labels.map((l) => ({
      name: `${l.name} Publishing`,
      catno: '',
      entity_type: '21',
      entity_type_name: 'Published By',
      id: l.id + 500_000,
      resource_url: `${API}/labels/${l.id + 500_000}`,
      thumbnail_url: imageUrl(baseUrl, `L-${l.id + 500_000}.jpeg`),
    })),
    formats: release.formats,
    data_quality: 'Correct',
    community: {
      have: 100 + (release.id % 400),
      want: 20 + (release.id % 90),
      rating: { count: 5 + (release.id % 20), average: 3 + (release.id % 20) / 10 },
      submitter: { username: 'fake_submitter', resource_url: `${API}/users/fake_submitter` },
      contributors: [{ username: 'fake_submitter', resource_url: `${API}/users/fake_submitter` }],
      data_quality: 'Correct',
      status: 'Accepted',
    },
    format_quantity: release.formats.reduce((n, f) => n + Number(f.qty), 0),
    date_added: '2008-10-20T13:02:56-07:00',
    date_changed: '2018-02-09T05:51:25-08:00',
    num_for_sale: release.id % 7,
    lowest_price: release.id % 7 === 0 ? null : 3.09 + (release.id % 11),
  };
  // A release without a master has neither key.
  if (release.masterId !== null) {
    out.master_id = release.masterId;
    out.master_url = `${baseUrl}/masters/${release.masterId}`;
  }
  Object.assign(out, {
    title: release.title,
    country: release.country,
    released: release.released,
    released_formatted: releasedFormatted(release.released),
    identifiers: release.barcodes.map((value) => ({ type: 'Barcode', value, description: 'Text' })),
    videos: [],
    genres: release.genres,
    styles: release.styles,
    tracklist: release.tracklist.map((t) => ({ position: t.position, type_: 'track', title: t.title, duration: t.duration })),
    extraartists: [{ name: 'Fake Engineer', anv: '', join: '', role: 'Engineer', tracks: '', id: 78275, resource_url: `${API}/artists/78275` }],
    images: images('R', release.id, baseUrl),
    thumb: imageUrl(baseUrl, `R-${release.id}-150.jpeg`),
    estimated_weight: 85 * Math.max(1, release.formats.length),
    blocked_from_sale: false,
    is_offensive: false,
  });
  return out;
}

export function discogsMasterJson(master: DiscogsMaster, catalog: Catalog, baseUrl: string): Record<string, unknown> {
  const versions = [...catalog.discogs.releases.values()].filter((r) => r.masterId === master.id);
  const latest = versions.reduce((a, b) => (b.released > a.released ? b : a), versions[0] ?? ({ id: master.mainReleaseId, released: '' } as DiscogsRelease));
  return {
    id: master.id,
    main_release: master.mainReleaseId,
    most_recent_release: latest.id,
    resource_url: `${baseUrl}/masters/${master.id}`,
    uri: `${WEB}/master/${master.id}-${slug(`${master.artists.map((a) => a.name).join(' ')} ${master.title}`)}`,
    versions_url: `${baseUrl}/masters/${master.id}/versions`,
    main_release_url: `${baseUrl}/releases/${master.mainReleaseId}`,
    most_recent_release_url: `${baseUrl}/releases/${latest.id}`,
    num_for_sale: master.id % 13,
    lowest_price: 2.5 + (master.id % 9),
    images: images('M', master.id, baseUrl),
    genres: master.genres,
    styles: master.styles,
    year: master.year,
    tracklist: master.tracklist.map((t) => ({ position: t.position, type_: 'track', title: t.title, duration: t.duration })),
    artists: artistsJson(master.artists, baseUrl),
    title: master.title,
    data_quality: 'Correct',
    videos: [],
  };
}

interface SearchEntry {
  type: 'release' | 'master';
  id: number;
  title: string;
  artist: string;
  year: number;
  country: string | null;
  barcodes: string[];
  catnos: string[];
  labels: string[];
  formats: DiscogsRelease['formats'];
  genres: string[];
  styles: string[];
  masterId: number | null;
  /** Track titles, for the track= parameter. */
  tracks: string[];
}

function searchEntries(catalog: Catalog): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const master of catalog.discogs.masters.values()) {
    const main = catalog.discogs.releases.get(master.mainReleaseId);
    entries.push({
      type: 'master',
      id: master.id,
      title: master.title,
      artist: master.artists.map((a) => a.name).join(', '),
      year: master.year,
      country: main?.country ?? null,
      barcodes: main?.barcodes ?? [],
      catnos: main?.labels.map((l) => l.catno) ?? [],
      labels: main?.labels.map((l) => l.name) ?? [],
      formats: main?.formats ?? [],
      genres: master.genres,
      styles: master.styles,
      masterId: master.id,
      tracks: master.tracklist.map((t) => t.title),
    });
  }
  for (const r of catalog.discogs.releases.values()) {
    entries.push({
      type: 'release',
      id: r.id,
      title: r.title,
      artist: r.artists.map((a) => a.name).join(', '),
      year: r.year,
      country: r.country,
      barcodes: r.barcodes,
      catnos: r.labels.map((l) => l.catno),
      labels: r.labels.map((l) => l.name),
      formats: r.formats,
      genres: r.genres,
      styles: r.styles,
      masterId: r.masterId,
      tracks: r.tracklist.map((t) => t.title),
    });
  }
  return entries;
}

const contains = (haystack: string, needle: string) => {
  const want = analyze(needle);
  const have = new Set(analyze(haystack));
  return want.every((t) => have.has(t));
};
const digits = (s: string) => s.replace(/\D/g, '');

function searchResult(entry: SearchEntry, baseUrl: string): Record<string, unknown> {
  const path = entry.type === 'master' ? 'masters' : 'releases';
  const out: Record<string, unknown> = {};
  if (entry.country) out.country = entry.country;
  Object.assign(out, {
    year: entry.year ? String(entry.year) : undefined,
    format: entry.formats.flatMap((f) => [f.name, ...f.descriptions]),
    label: entry.labels,
    type: entry.type,
    genre: entry.genres,
    style: entry.styles,
    id: entry.id,
    barcode: entry.barcodes,
    user_data: { in_wantlist: false, in_collection: false },
    master_id: entry.masterId ?? 0,
    master_url: entry.masterId ? `${baseUrl}/masters/${entry.masterId}` : null,
    uri: `/${entry.type}/${entry.id}-${slug(`${entry.artist} ${entry.title}`)}`,
    catno: entry.catnos[0] ?? '',
    title: `${entry.artist} - ${entry.title}`,
    thumb: imageUrl(baseUrl, `${entry.type === 'master' ? 'M' : 'R'}-${entry.id}-150.jpeg`),
    cover_image: imageUrl(baseUrl, `${entry.type === 'master' ? 'M' : 'R'}-${entry.id}-primary.jpeg`),
    resource_url: `${baseUrl}/${path}/${entry.id}`,
    community: { want: 20 + (entry.id % 90), have: 100 + (entry.id % 400) },
  });
  if (out.year === undefined) delete out.year;
  if (entry.type === 'release') {
    out.format_quantity = entry.formats.reduce((n, f) => n + Number(f.qty), 0);
    out.formats = entry.formats.map((f) => ({ name: f.name, qty: f.qty, descriptions: f.descriptions }));
  }
  return out;
}

export interface DiscogsOptions {
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
  /** Tokens accepted; default: any non-empty token. */
  tokens?: string[];
}

export function discogsHandler(catalog: Catalog, options: DiscogsOptions = {}): FakeHandler {
  let cacheVersion = -1;
  let entries: SearchEntry[] = [];

  const search = (request: FakeRequest): FakeResponse => {
    if (cacheVersion !== catalog.version) {
      entries = searchEntries(catalog);
      cacheVersion = catalog.version;
    }
    const q = request.query;
    const perPage = Math.min(100, Math.max(1, Number.parseInt(q.get('per_page') ?? '50', 10) || 50));
    const page = Math.max(1, Number.parseInt(q.get('page') ?? '1', 10) || 1);
    const type = q.get('type');
    const hits = entries.filter((e) => {
      if (type && type !== e.type) return false;
      const query = q.get('q');
      if (query && !contains(`${e.artist} ${e.title} ${e.catnos.join(' ')} ${e.barcodes.join(' ')} ${e.labels.join(' ')}`, query)) return false;
      const artist = q.get('artist');
      if (artist && !contains(e.artist, artist)) return false;
      const releaseTitle = q.get('release_title');
      if (releaseTitle && !contains(e.title, releaseTitle)) return false;
      const track = q.get('track');
      if (track && !e.tracks.some((t) => contains(t, track))) return false;
      const title = q.get('title');
      if (title && !contains(`${e.artist} - ${e.title}`, title)) return false;
      const barcode = q.get('barcode');
      if (barcode && !e.barcodes.some((b) => digits(b) === digits(barcode))) return false;
      const year = q.get('year');
      if (year && String(e.year) !== year.trim()) return false;
      const catno = q.get('catno');
      if (catno && !e.catnos.some((c) => c.toLowerCase() === catno.toLowerCase())) return false;
      const format = q.get('format');
      if (format && !e.formats.some((f) => [f.name, ...f.descriptions].some((d) => d.toLowerCase() === format.toLowerCase()))) return false;
      return true;
    });
    // Exact title matches first, masters before their releases.
    const wantedTitle = (q.get('release_title') ?? '').toLowerCase();
    hits.sort((a, b) => Number(b.title.toLowerCase() === wantedTitle) - Number(a.title.toLowerCase() === wantedTitle) || (a.type === b.type ? a.id - b.id : a.type === 'master' ? -1 : 1));
    const pages = Math.max(1, Math.ceil(hits.length / perPage));
    const urls: Record<string, string> = {};
    const pageUrl = (n: number) => {
      const u = new URL(request.url.toString());
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    if (page < pages) {
      urls.last = pageUrl(pages);
      urls.next = pageUrl(page + 1);
    }
    if (page > 1) {
      urls.first = pageUrl(1);
      urls.prev = pageUrl(page - 1);
    }
    return json(200, {
      pagination: { page, pages, per_page: perPage, items: hits.length, urls },
      results: hits.slice((page - 1) * perPage, page * perPage).map((e) => searchResult(e, request.baseUrl)),
    });
  };

  const image = async (request: FakeRequest): Promise<FakeResponse> => {
    const notFound = text(404, '<html><body><h1>404 Not Found</h1></body></html>\n', 'text/html');
    const m = /^\/images\/discogs\/([RMAL])-(\d+)(?:-(primary|150))?\.jpeg$/.exec(request.path);
    if (!m || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound;
    const [, kind, rawId, variant] = m;
    const id = Number(rawId);
    const known =
      kind === 'R' ? catalog.discogs.releases.has(id) : kind === 'M' ? catalog.discogs.masters.has(id) : variant === undefined;
    if (!known || ((kind === 'R' || kind === 'M') && variant === undefined)) return notFound;
    // The primary and its 150 px thumbnail are one picture.
    const bytes = await fakeImageBytes(`discogs:${kind}-${id}`, variant === 'primary' ? PRIMARY_PX : THUMB_PX);
    return { status: 200, headers: { 'Content-Type': bytes.contentType, 'Cache-Control': 'public, max-age=31536000' }, body: bytes.body };
  };

  return (request) => {
    if (isImage(request)) return image(request);
    const headers: Record<string, string> = {};
    if (request.rate) {
      headers['X-Discogs-Ratelimit'] = String(request.rate.limit);
      headers['X-Discogs-Ratelimit-Used'] = String(Math.min(request.rate.used, request.rate.limit));
      headers['X-Discogs-Ratelimit-Remaining'] = String(request.rate.remaining);
    }
    const answer = (status: number, body: unknown) => json(status, body, { ...headers, 'Content-Type': 'application/json' });
    const token = discogsToken(request);
    if (token !== null && options.tokens && !options.tokens.includes(token)) {
      return answer(401, { message: 'Invalid consumer token. Please register an app before making API requests.' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, { message: 'Method not allowed.' });

    if (request.path === '/database/search') {
      if (!token) return answer(401, { message: 'You must authenticate to access this resource.' });
      const response = search(request);
      return { ...response, headers: { ...response.headers, ...headers, 'Content-Type': 'application/json' } };
    }
    const release = /^\/releases\/(\d+)$/.exec(request.path);
    if (release) {
      const r = catalog.discogs.releases.get(Number(release[1]));
      return r ? answer(200, discogsReleaseJson(r, request.baseUrl)) : answer(404, { message: 'Release not found.' });
    }
    const master = /^\/masters\/(\d+)$/.exec(request.path);
    if (master) {
      const m = catalog.discogs.masters.get(Number(master[1]));
      return m ? answer(200, discogsMasterJson(m, catalog, request.baseUrl)) : answer(404, { message: 'Master Release not found.' });
    }
    return answer(404, { message: 'The requested resource was not found.' });
  };
}

export function discogsRouteOf(method: string, url: URL): string {
  return url.pathname.startsWith(`${IMAGE_PATH}/`) ? `${IMAGE_PATH}/:file` : defaultRouteOf(method, url);
}

export function startDiscogs(catalog: Catalog, options: DiscogsOptions = {}): Promise<FakeServer> {
  return startFakeServer(discogsHandler(catalog, options), {
    seed: `discogs:${options.seed ?? 1}`,
    routeOf: discogsRouteOf,
    switches: { rateLimit: discogsRateLimit(false), ...options.switches },
  });
}
