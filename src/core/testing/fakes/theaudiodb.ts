/**
 * Fake TheAudioDB v1 JSON API. Every field of the captured answers is present
 * in the same order; numbers travel as strings, unknown values as null, and a
 * miss is {"album": null} (or "track"/"artists"). The free tier allows about
 * 30 requests a minute and answers 429 beyond it.
 *
 * Album and artist thumbnails point at this server (/images/media/...), as
 * the real ones point at TheAudioDB's CDN, and are served as real JPEGs, a
 * picture of their own per album; like a CDN, they do not count against the
 * API's rate limit.
 */
import type { AudioDbAlbum, AudioDbArtist, AudioDbTrack, Catalog } from './catalog';
import { fakeImageBytes } from './images';
import { json, startFakeServer, text, type FakeHandler, type FakeRequest, type FakeResponse, type FakeServer, type FakeSwitches, type MatchInfo, type RateLimitSwitch } from './server';

const LANGS = ['EN', 'DE', 'FR', 'CN', 'IT', 'JP', 'RU', 'ES', 'PT', 'SE', 'NL', 'HU', 'NO', 'IL', 'PL'];
/** Where the fake's images live, under any base URL. */
const IMAGE_PATH = '/images/media';
const ALBUM_THUMB_PX = 700;
const ARTIST_THUMB_PX = 400;

const isImage = (request: Pick<MatchInfo, 'path'>) => request.path.startsWith(`${IMAGE_PATH}/`);

/** The file name of a catalog thumbnail URL: the fake serves it under its own base. */
function thumbName(thumb: string): string {
  return (thumb.replace(/[?#].*$/, '').split('/').pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_');
}

export function theAudioDbRateLimit(reject = false): RateLimitSwitch {
  return {
    limit: 30,
    windowMs: 60_000,
    reject,
    style: '429',
    body: '<html>\n<head><title>429 Too Many Requests</title></head>\n<body>\n<center><h1>429 Too Many Requests</h1></center>\n</body>\n</html>\n',
    contentType: 'text/html',
    // Images come from the CDN, which has no such limit.
    match: (request) => !isImage(request),
  };
}

const str = (v: number | string | null | undefined): string | null => (v === null || v === undefined ? null : String(v));
const descriptions = (prefix: string, english: string | null): Record<string, string | null> =>
  Object.fromEntries(LANGS.map((l) => [`${prefix}${l}`, l === 'EN' ? english : null]));

export function audioDbAlbumJson(album: AudioDbAlbum, baseUrl: string): Record<string, string | null> {
  return {
    idAlbum: album.idAlbum,
    idArtist: album.idArtist,
    idLabel: album.label ? String(40000 + (Number(album.idAlbum) % 5000)) : null,
    strAlbum: album.title,
    strAlbumStripped: album.title,
    strArtist: album.artist,
    strArtistStripped: album.artist,
    intYearReleased: str(album.year),
    strStyle: album.style,
    strGenre: album.genre,
    strLabel: album.label,
    strReleaseFormat: album.format,
    intSales: '0',
    strAlbumThumb: album.thumb ? `${baseUrl}${IMAGE_PATH}/album/thumb/${thumbName(album.thumb)}` : null,
    strAlbumThumbHQ: null,
    strAlbumThumbBack: null,
    strAlbumCDart: null,
    strAlbumSpine: null,
    strAlbum3DCase: null,
    strAlbum3DFlat: null,
    strAlbum3DFace: null,
    strAlbum3DThumb: null,
    ...descriptions('strDescription', album.description),
    intLoved: null,
    intScore: album.score,
    intScoreVotes: album.score ? '3' : null,
    strReview: '',
    strMood: null,
    strTheme: null,
    strSpeed: null,
    strLocation: null,
    strMusicBrainzID: album.mbid,
    strMusicBrainzArtistID: album.artistMbid,
    strAllMusicID: null,
    strBBCReviewID: null,
    strRateYourMusicID: null,
    strDiscogsID: str(album.discogsId),
    strWikidataID: null,
    strWikipediaID: null,
    strGeniusID: null,
    strLyricWikiID: null,
    strMusicMozID: null,
    strItunesID: null,
    strAmazonID: null,
    strLocked: 'unlocked',
  };
}

export function audioDbTrackJson(track: AudioDbTrack): Record<string, string | null> {
  return {
    idTrack: track.idTrack,
    idAlbum: track.idAlbum,
    idArtist: track.idArtist,
    idLyric: null,
    idIMVDB: null,
    strTrack: track.title,
    strAlbum: track.album,
    strArtist: track.artist,
    strArtistAlternate: null,
    intCD: str(track.cd),
    intDuration: str(track.durationMs),
    strGenre: track.genre,
    strMood: null,
    strStyle: null,
    strTheme: null,
    ...descriptions('strDescription', null),
    strTrackThumb: null,
    strTrack3DCase: null,
    strTrackLyrics: '',
    strMusicVid: null,
    strMusicVidDirector: null,
    strMusicVidCompany: null,
    strMusicVidScreen1: null,
    strMusicVidScreen2: null,
    strMusicVidScreen3: null,
    intMusicVidViews: null,
    intMusicVidLikes: null,
    intMusicVidDislikes: null,
    intMusicVidFavorites: null,
    intMusicVidComments: null,
    intTrackNumber: String(track.trackNumber),
    intLoved: '0',
    intScore: null,
    intScoreVotes: null,
    intTotalListeners: null,
    intTotalPlays: null,
    strMusicBrainzID: track.mbid,
    strMusicBrainzAlbumID: track.albumMbid,
    strMusicBrainzArtistID: track.artistMbid,
    strLocked: 'unlocked',
  };
}

export function audioDbArtistJson(artist: AudioDbArtist, baseUrl: string): Record<string, string | null> {
  return {
    idArtist: artist.idArtist,
    strArtist: artist.name,
    strArtistStripped: null,
    strArtistAlternate: '',
    strLabel: null,
    idLabel: null,
    intFormedYear: str(artist.formedYear),
    intBornYear: null,
    intDiedYear: null,
    strDisbanded: null,
    strStyle: artist.style,
    strGenre: artist.genre,
    strMood: null,
    strWebsite: '',
    strFacebook: '',
    strTwitter: '',
    ...descriptions('strBiography', `${artist.name} is an artist.`),
    strGender: artist.gender,
    intMembers: str(artist.members),
    strCountry: artist.country,
    strCountryCode: artist.countryCode,
    strArtistThumb: `${baseUrl}${IMAGE_PATH}/artist/thumb/${artist.idArtist}.jpg`,
    strArtistLogo: null,
    strArtistClearart: null,
    strArtistWideThumb: null,
    strArtistFanart: null,
    strArtistFanart2: null,
    strArtistFanart3: null,
    strArtistFanart4: null,
    strArtistBanner: null,
    strMusicBrainzID: artist.mbid,
    strISNIcode: null,
    strLastFMChart: null,
    intCharted: null,
    strLocked: 'unlocked',
  };
}

/** TheAudioDB's search is a loose, case-insensitive name match; '_' stands for a space in its examples. */
function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/_/g, ' ').trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

export function theAudioDbHandler(catalog: Catalog): FakeHandler {
  let thumbsVersion = -1;
  let albumByThumb = new Map<string, AudioDbAlbum>();

  const image = async (request: FakeRequest): Promise<FakeResponse> => {
    const notFound = text(404, '<html><body><h1>404 Not Found</h1></body></html>\n', 'text/html');
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound;
    if (thumbsVersion !== catalog.version) {
      albumByThumb = new Map([...catalog.audiodb.albums.values()].filter((a) => a.thumb).map((a) => [thumbName(a.thumb!), a]));
      thumbsVersion = catalog.version;
    }
    const m = /^\/images\/media\/(album|artist)\/thumb\/([^/]+)$/.exec(request.path);
    let key: string | null = null;
    let px = ALBUM_THUMB_PX;
    if (m?.[1] === 'album') {
      const album = albumByThumb.get(m[2]!);
      if (album) key = `theaudiodb:album:${album.idAlbum}`;
    } else if (m?.[1] === 'artist') {
      const id = /^(\d+)\.jpg$/.exec(m[2]!)?.[1];
      if (id && catalog.audiodb.artists.has(id)) key = `theaudiodb:artist:${id}`;
      px = ARTIST_THUMB_PX;
    }
    if (!key) return notFound;
    const bytes = await fakeImageBytes(key, px);
    return { status: 200, headers: { 'Content-Type': bytes.contentType, 'Cache-Control': 'max-age=31536000' }, body: bytes.body };
  };

  return (request) => {
    if (isImage(request)) return image(request);
    const m = /^\/api\/v1\/json\/([^/]+)\/([a-z-]+\.php)$/.exec(request.path);
    if (!m) return text(404, '<html><body><h1>404 Not Found</h1></body></html>\n', 'text/html');
    const [, , endpoint] = m;
    const q = request.query;
    const id = (q.get('i') ?? '').trim().toLowerCase();
    const headers = { 'Content-Type': 'application/json' };
    const answer = (body: unknown) => json(200, body, headers);
    switch (endpoint) {
      case 'album-mb.php': {
        const album = catalog.audiodbAlbumByMbid(id);
        return answer({ album: album ? [audioDbAlbumJson(album, request.baseUrl)] : null });
      }
      case 'track-mb.php': {
        const track = catalog.audiodbTrackByMbid(id);
        return answer({ track: track ? [audioDbTrackJson(track)] : null });
      }
      case 'artist-mb.php': {
        const artist = catalog.audiodbArtistByMbid(id);
        return answer({ artists: artist ? [audioDbArtistJson(artist, request.baseUrl)] : null });
      }
      case 'searchalbum.php': {
        const artist = q.get('s');
        const title = q.get('a');
        const hits = [...catalog.audiodb.albums.values()].filter((a) => (artist === null || sameName(a.artist, artist)) && (title === null || sameName(a.title, title)));
        return answer({ album: hits.length > 0 && (artist !== null || title !== null) ? hits.map((a) => audioDbAlbumJson(a, request.baseUrl)) : null });
      }
      case 'searchtrack.php': {
        const artist = q.get('s');
        const title = q.get('t');
        const hits = [...catalog.audiodb.tracks.values()].filter((t) => (artist === null || sameName(t.artist, artist)) && (title === null || sameName(t.title, title)));
        return answer({ track: hits.length > 0 && title !== null ? hits.map(audioDbTrackJson) : null });
      }
      case 'search.php': {
        const artist = q.get('s') ?? '';
        const hits = [...catalog.audiodb.artists.values()].filter((a) => sameName(a.name, artist));
        return answer({ artists: hits.length > 0 ? hits.map((a) => audioDbArtistJson(a, request.baseUrl)) : null });
      }
      case 'album.php': {
        const album = catalog.audiodb.albums.get(q.get('m') ?? '');
        return answer({ album: album ? [audioDbAlbumJson(album, request.baseUrl)] : null });
      }
      case 'track.php': {
        const albumId = q.get('m') ?? '';
        const hits = [...catalog.audiodb.tracks.values()].filter((t) => t.idAlbum === albumId).sort((a, b) => a.trackNumber - b.trackNumber);
        return answer({ track: hits.length > 0 ? hits.map(audioDbTrackJson) : null });
      }
      default:
        return text(404, '<html><body><h1>404 Not Found</h1></body></html>\n', 'text/html');
    }
  };
}

export function theAudioDbRouteOf(_method: string, url: URL): string {
  if (url.pathname.startsWith(`${IMAGE_PATH}/`)) return url.pathname.replace(/\/thumb\/[^/]+$/, '/thumb/:file');
  return url.pathname.replace(/^\/api\/v1\/json\/[^/]+\//, '/api/v1/json/:key/');
}

export interface TheAudioDbOptions {
  seed?: number | string;
  switches?: Partial<FakeSwitches>;
}

export function startTheAudioDb(catalog: Catalog, options: TheAudioDbOptions = {}): Promise<FakeServer> {
  return startFakeServer(theAudioDbHandler(catalog), {
    seed: `theaudiodb:${options.seed ?? 1}`,
    routeOf: theAudioDbRouteOf,
    switches: { rateLimit: theAudioDbRateLimit(false), ...options.switches },
  });
}
