import { z } from 'zod';
import type { SourceHttp } from '../net/types';
import { idString, numericString, optText, requestJson } from './shared';

export const THEAUDIODB_PUBLIC_KEY = '123';

export interface AudioDbAlbum {
  id: string;
  artistId: string | null;
  name: string;
  artist: string | null;
  year: number | null;
  genre: string | null;
  style: string | null;
  mood: string | null;
  label: string | null;
  releaseFormat: string | null;
  thumb: string | null;
  thumbHq: string | null;
  thumbBack: string | null;
  cdArt: string | null;
  description: string | null;
  score: number | null;
  musicBrainzId: string | null;
  musicBrainzArtistId: string | null;
  discogsId: string | null;
  wikidataId: string | null;
}

export interface AudioDbTrack {
  id: string;
  albumId: string | null;
  artistId: string | null;
  name: string;
  album: string | null;
  artist: string | null;
  durationMs: number | null;
  trackNumber: number | null;
  discNumber: number | null;
  genre: string | null;
  style: string | null;
  mood: string | null;
  thumb: string | null;
  musicVideo: string | null;
  description: string | null;
  musicBrainzId: string | null;
  musicBrainzAlbumId: string | null;
  musicBrainzArtistId: string | null;
}

export interface AudioDbArtist {
  id: string;
  name: string;
  formedYear: number | null;
  bornYear: number | null;
  diedYear: number | null;
  genre: string | null;
  style: string | null;
  country: string | null;
  countryCode: string | null;
  thumb: string | null;
  logo: string | null;
  fanart: string | null;
  banner: string | null;
  biography: string | null;
  musicBrainzId: string | null;
}

const year = numericString(true);
const positive = numericString(true);

const albumSchema = z
  .object({
    idAlbum: idString,
    idArtist: optText,
    strAlbum: z.string(),
    strArtist: optText,
    intYearReleased: year,
    strGenre: optText,
    strStyle: optText,
    strMood: optText,
    strLabel: optText,
    strReleaseFormat: optText,
    strAlbumThumb: optText,
    strAlbumThumbHQ: optText,
    strAlbumThumbBack: optText,
    strAlbumCDart: optText,
    strDescriptionEN: optText,
    intScore: positive,
    strMusicBrainzID: optText,
    strMusicBrainzArtistID: optText,
    strDiscogsID: optText,
    strWikidataID: optText,
  })
  .transform(
    (a): AudioDbAlbum => ({
      id: a.idAlbum,
      artistId: a.idArtist,
      name: a.strAlbum,
      artist: a.strArtist,
      year: a.intYearReleased,
      genre: a.strGenre,
      style: a.strStyle,
      mood: a.strMood,
      label: a.strLabel,
      releaseFormat: a.strReleaseFormat,
      thumb: a.strAlbumThumb,
      thumbHq: a.strAlbumThumbHQ,
      thumbBack: a.strAlbumThumbBack,
      cdArt: a.strAlbumCDart,
      description: a.strDescriptionEN,
      score: a.intScore,
      musicBrainzId: a.strMusicBrainzID,
      musicBrainzArtistId: a.strMusicBrainzArtistID,
      discogsId: a.strDiscogsID,
      wikidataId: a.strWikidataID,
    }),
  );

const trackSchema = z
  .object({
    idTrack: idString,
    idAlbum: optText,
    idArtist: optText,
    strTrack: z.string(),
    strAlbum: optText,
    strArtist: optText,
    intDuration: positive,
    intTrackNumber: positive,
    intCD: positive,
    strGenre: optText,
    strStyle: optText,
    strMood: optText,
    strTrackThumb: optText,
    strMusicVid: optText,
    strDescriptionEN: optText,
    strMusicBrainzID: optText,
    strMusicBrainzAlbumID: optText,
    strMusicBrainzArtistID: optText,
  })
  .transform(
    (t): AudioDbTrack => ({
      id: t.idTrack,
      albumId: t.idAlbum,
      artistId: t.idArtist,
      name: t.strTrack,
      album: t.strAlbum,
      artist: t.strArtist,
      durationMs: t.intDuration,
      trackNumber: t.intTrackNumber,
      discNumber: t.intCD,
      genre: t.strGenre,
      style: t.strStyle,
      mood: t.strMood,
      thumb: t.strTrackThumb,
      musicVideo: t.strMusicVid,
      description: t.strDescriptionEN,
      musicBrainzId: t.strMusicBrainzID,
      musicBrainzAlbumId: t.strMusicBrainzAlbumID,
      musicBrainzArtistId: t.strMusicBrainzArtistID,
    }),
  );

const artistSchema = z
  .object({
    idArtist: idString,
    strArtist: z.string(),
    intFormedYear: year,
    intBornYear: year,
    intDiedYear: year,
    strGenre: optText,
    strStyle: optText,
    strCountry: optText,
    strCountryCode: optText,
    strArtistThumb: optText,
    strArtistLogo: optText,
    strArtistFanart: optText,
    strArtistBanner: optText,
    strBiographyEN: optText,
    strMusicBrainzID: optText,
  })
  .transform(
    (a): AudioDbArtist => ({
      id: a.idArtist,
      name: a.strArtist,
      formedYear: a.intFormedYear,
      bornYear: a.intBornYear,
      diedYear: a.intDiedYear,
      genre: a.strGenre,
      style: a.strStyle,
      country: a.strCountry,
      countryCode: a.strCountryCode,
      thumb: a.strArtistThumb,
      logo: a.strArtistLogo,
      fanart: a.strArtistFanart,
      banner: a.strArtistBanner,
      biography: a.strBiographyEN,
      musicBrainzId: a.strMusicBrainzID,
    }),
  );

// No hit is {"album": null} (sometimes an empty array); both mean 'none'.
function listOrNull<T>(items: T[] | null | undefined): T[] | null {
  return items && items.length > 0 ? items : null;
}

export const albumResponseSchema = z
  .object({ album: z.array(albumSchema).nullish() })
  .transform((r) => listOrNull(r.album));
export const trackResponseSchema = z
  .object({ track: z.array(trackSchema).nullish() })
  .transform((r) => listOrNull(r.track));
export const artistResponseSchema = z
  .object({ artists: z.array(artistSchema).nullish() })
  .transform((r) => listOrNull(r.artists));

export class TheAudioDbClient {
  constructor(
    private readonly http: SourceHttp,
    private readonly apiKey: string = THEAUDIODB_PUBLIC_KEY,
  ) {}

  /** Albums for a MusicBrainz release-group id; null when TheAudioDB has none. */
  albumByMbid(releaseGroupMbid: string, signal?: AbortSignal): Promise<AudioDbAlbum[] | null> {
    return this.get('album-mb.php', { i: releaseGroupMbid }, albumResponseSchema, `the album ${releaseGroupMbid}`, signal);
  }

  /** Tracks for a MusicBrainz recording id; null when none. */
  trackByMbid(recordingMbid: string, signal?: AbortSignal): Promise<AudioDbTrack[] | null> {
    return this.get('track-mb.php', { i: recordingMbid }, trackResponseSchema, `the track ${recordingMbid}`, signal);
  }

  /** Artists for a MusicBrainz artist id; null when none. */
  artistByMbid(artistMbid: string, signal?: AbortSignal): Promise<AudioDbArtist[] | null> {
    return this.get('artist-mb.php', { i: artistMbid }, artistResponseSchema, `the artist ${artistMbid}`, signal);
  }

  searchAlbum(artist: string, album?: string, signal?: AbortSignal): Promise<AudioDbAlbum[] | null> {
    return this.get(
      'searchalbum.php',
      { s: artist, a: album?.trim() ? album : undefined },
      albumResponseSchema,
      'the album search',
      signal,
    );
  }

  searchTrack(artist: string, track: string, signal?: AbortSignal): Promise<AudioDbTrack[] | null> {
    return this.get('searchtrack.php', { s: artist, t: track }, trackResponseSchema, 'the track search', signal);
  }

  private async get<T>(
    file: string,
    query: Record<string, string | undefined>,
    schema: z.ZodType<T[] | null>,
    what: string,
    signal?: AbortSignal,
  ): Promise<T[] | null> {
    const path = `/api/v1/json/${encodeURIComponent(this.apiKey)}/${file}`;
    const result = await requestJson(this.http, { method: 'GET', path, query }, schema, what, signal);
    return result ?? null;
  }
}
