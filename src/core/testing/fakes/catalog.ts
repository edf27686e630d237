/**
 * The one world the fake services answer from: MusicBrainz entities plus the
 * TheAudioDB, Discogs and Spotify records that point at them, generated from a
 * seed (same seed, same catalog) or added by hand in a test. The fakes render
 * wire formats from it; tests read it as the ground truth.
 */
import { albumTitle, artistName, labelName, trackTitle, vaCompilationTitle } from './names';
import { Prng } from './prng';

export type MbEntity = 'artist' | 'recording' | 'release' | 'release-group';
export type PrimaryType = 'Album' | 'Single' | 'EP' | 'Other';
export type SecondaryType = 'Compilation' | 'Live' | 'Soundtrack' | 'Remix';
export type MediumFormat = 'CD' | 'Digital Media' | 'Cassette' | '12" Vinyl';
export type Packaging = 'Jewel Case' | 'Digipak' | 'Cardboard/Paper Sleeve' | 'Cassette Case' | 'None';
export type ReleaseStatus = 'Official' | 'Promotion' | 'Bootleg';

/** One artist in an artist credit: 'A feat. B' is [{A, ' feat. '}, {B, ''}]. */
export interface CreditPart {
  artistId: string;
  /** The name as credited, which may differ from the artist's name. */
  name: string;
  joinphrase: string;
}

export interface Artist {
  id: string;
  name: string;
  sortName: string;
  type: 'Person' | 'Group' | 'Other';
  disambiguation: string;
  /** ISO 3166-1 code, or null when unknown. */
  country: string | null;
  begin: string | null;
  end: string | null;
}

export interface Label {
  id: string;
  name: string;
  labelCode: number | null;
}

export interface Recording {
  id: string;
  title: string;
  /** Milliseconds, or null when unknown (MusicBrainz has both). */
  length: number | null;
  credit: CreditPart[];
  isrcs: string[];
  disambiguation: string;
  video: boolean;
}

export interface ReleaseGroup {
  id: string;
  title: string;
  primaryType: PrimaryType | null;
  secondaryTypes: SecondaryType[];
  credit: CreditPart[];
  disambiguation: string;
}

export interface Track {
  id: string;
  position: number;
  /** As printed: '1', 'A1'. */
  number: string;
  title: string;
  length: number | null;
  recordingId: string;
  credit: CreditPart[];
}

export interface Medium {
  id: string;
  position: number;
  format: MediumFormat;
  title: string;
  tracks: Track[];
}

export interface CoverImage {
  /** A numeric string, as the Cover Art Archive has them. */
  id: string;
  types: string[];
  front: boolean;
  back: boolean;
  comment: string;
  edit: number;
  approved: boolean;
}

export interface LabelInfo {
  labelId: string;
  catalogNumber: string | null;
}

export interface Release {
  id: string;
  title: string;
  releaseGroupId: string;
  credit: CreditPart[];
  /** 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; MusicBrainz has partial dates. */
  date: string;
  country: string | null;
  status: ReleaseStatus;
  barcode: string | null;
  asin: string | null;
  packaging: Packaging | null;
  disambiguation: string;
  quality: 'normal' | 'high';
  labels: LabelInfo[];
  media: Medium[];
  /** Empty: the Cover Art Archive has nothing for this release (404). */
  coverArt: CoverImage[];
}

export interface AudioDbArtist {
  idArtist: string;
  mbid: string | null;
  name: string;
  formedYear: number | null;
  genre: string;
  style: string;
  country: string;
  countryCode: string;
  gender: string | null;
  members: number | null;
}

export interface AudioDbAlbum {
  idAlbum: string;
  idArtist: string;
  /** The release group's MBID (TheAudioDB albums are release groups), or null. */
  mbid: string | null;
  artistMbid: string | null;
  title: string;
  artist: string;
  /** May be a reissue's year: TheAudioDB is sometimes wrong. */
  year: number | null;
  genre: string;
  style: string;
  format: string;
  label: string | null;
  thumb: string | null;
  score: string | null;
  discogsId: number | null;
  description: string | null;
}

export interface AudioDbTrack {
  idTrack: string;
  idAlbum: string;
  idArtist: string;
  mbid: string | null;
  albumMbid: string | null;
  artistMbid: string | null;
  title: string;
  album: string;
  artist: string;
  durationMs: number | null;
  trackNumber: number;
  cd: number | null;
  genre: string | null;
}

export interface DiscogsArtistRef {
  id: number;
  name: string;
  anv: string;
  join: string;
}

export interface DiscogsTrack {
  position: string;
  title: string;
  /** 'm:ss', or '' when unknown. */
  duration: string;
}

export interface DiscogsMaster {
  id: number;
  title: string;
  year: number;
  mainReleaseId: number;
  artists: DiscogsArtistRef[];
  genres: string[];
  styles: string[];
  tracklist: DiscogsTrack[];
  mbReleaseGroupId: string | null;
}

export interface DiscogsRelease {
  id: number;
  masterId: number | null;
  title: string;
  /** 0 when unknown, as Discogs has it. */
  year: number;
  released: string;
  country: string;
  artists: DiscogsArtistRef[];
  labels: Array<{ id: number; name: string; catno: string }>;
  formats: Array<{ name: string; qty: string; descriptions: string[] }>;
  barcodes: string[];
  genres: string[];
  styles: string[];
  tracklist: DiscogsTrack[];
  mbReleaseId: string | null;
}

export interface SpotifyArtist {
  id: string;
  name: string;
  mbid: string | null;
}

export interface SpotifyAlbum {
  id: string;
  name: string;
  albumType: 'album' | 'single' | 'compilation';
  artistIds: string[];
  releaseDate: string;
  releaseDatePrecision: 'year' | 'month' | 'day';
  totalTracks: number;
  upc: string | null;
  label: string;
  trackIds: string[];
  mbReleaseId: string | null;
}

export interface SpotifyTrack {
  id: string;
  name: string;
  artistIds: string[];
  albumId: string;
  durationMs: number;
  trackNumber: number;
  discNumber: number;
  explicit: boolean;
  /** Some tracks have none. */
  isrc: string | null;
  mbRecordingId: string | null;
}

export interface Appearance {
  release: Release;
  medium: Medium;
  track: Track;
}

export const VARIOUS_ARTISTS_ID = '89ad4ac3-39f7-470e-963a-56509c546377';
const SPOTIFY_VARIOUS_ARTISTS_ID = '0LyfQWJT6nXafLPZqxe9Of';

export type ArtistInput = Partial<Artist> & { name: string };
export type RecordingInput = Partial<Recording> & { title: string };
export type ReleaseGroupInput = Partial<ReleaseGroup> & { title: string };
export type TrackInput = Partial<Track> & { recordingId: string };
export type MediumInput = Partial<Omit<Medium, 'tracks'>> & { tracks: TrackInput[] };
export type ReleaseInput = Partial<Omit<Release, 'media'>> & { title: string; releaseGroupId: string; media?: MediumInput[] };

/** Who an album is by: a name (found or created), an artist, or a full credit. */
export type CreditSpec = string | Artist | CreditPart[];

export interface TrackSpec {
  title?: string;
  /** Reuse a recording (a compilation, a single, a reissue) instead of making one. */
  recording?: string | Recording;
  length?: number | null;
  isrcs?: string[];
  /** A guest credited as 'Artist feat. Guest'. */
  featuring?: CreditSpec;
}

export interface ReissueSpec {
  date: string;
  /** Default: the original title; a '(Remastered 2011)' title is a hard case for matching. */
  title?: string;
  disambiguation?: string;
  barcode?: string | null;
  coverArt?: boolean;
  format?: MediumFormat;
  /** New recordings only on this reissue (demos, outtakes). */
  bonusTracks?: TrackSpec[];
}

export interface AlbumSpec {
  artist: CreditSpec;
  title: string;
  /** The original release's date, which is the group's first-release-date. */
  date: string;
  primaryType?: PrimaryType;
  secondaryTypes?: SecondaryType[];
  tracks: TrackSpec[];
  releaseTitle?: string;
  country?: string;
  barcode?: string | null;
  format?: MediumFormat;
  coverArt?: boolean;
  status?: ReleaseStatus;
  reissues?: ReissueSpec[];
  /** Add a TheAudioDB album and tracks; `year` overrides the year it claims. */
  audiodb?: boolean | { year?: number };
  /** Add a Discogs master and one Discogs release per MusicBrainz release. */
  discogs?: boolean;
  /** Add Spotify albums: true for every release, 'reissue-only' for the last reissue alone (a common case). */
  spotify?: boolean | 'reissue-only';
}

export interface AddedAlbum {
  releaseGroup: ReleaseGroup;
  /** The original first, then the reissues in the order given. */
  releases: Release[];
  recordings: Recording[];
  audiodbAlbum: AudioDbAlbum | null;
  discogsMaster: DiscogsMaster | null;
  discogsReleases: DiscogsRelease[];
  spotifyAlbums: SpotifyAlbum[];
}

const GENRES: Array<[string, string]> = [
  ['Rock', 'Indie'],
  ['Pop', 'Synth-pop'],
  ['Electronic', 'House'],
  ['Folk, World, & Country', 'Folk'],
  ['Jazz', 'Fusion'],
  ['Rock', 'Alternative Rock'],
];

export function creditString(credit: readonly CreditPart[]): string {
  return credit.map((part) => part.name + part.joinphrase).join('');
}

/** Compares partial dates as MusicBrainz sorts them: '1997' before '1997-05-21'. */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

export function datePrecision(date: string): 'year' | 'month' | 'day' {
  return date.length >= 10 ? 'day' : date.length >= 7 ? 'month' : 'year';
}

/** Moves a date by whole days, keeping its precision. */
export function shiftDate(date: string, days: number): string {
  const precision = datePrecision(date);
  const [y, m = '01', d = '01'] = date.split('-');
  const when = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)) + days * 86_400_000);
  const iso = when.toISOString().slice(0, 10);
  return precision === 'day' ? iso : precision === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function ean13(rng: Prng): string {
  const body = `0${rng.digits(11)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

function upcA(rng: Prng): string {
  const body = rng.digits(11);
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(body[i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

export class Catalog {
  readonly seed: number | string;
  /** Draws for ids and defaults of entries added by hand. */
  readonly rng: Prng;
  /** Bumped on every change, so the fakes can cache derived indexes. */
  version = 0;

  readonly artists = new Map<string, Artist>();
  readonly labels = new Map<string, Label>();
  readonly recordings = new Map<string, Recording>();
  readonly releaseGroups = new Map<string, ReleaseGroup>();
  readonly releases = new Map<string, Release>();
  /** Old MBID → the entity it was merged into (MusicBrainz answers 301). */
  readonly merged = new Map<string, { entity: MbEntity; id: string }>();

  readonly audiodb = {
    artists: new Map<string, AudioDbArtist>(),
    albums: new Map<string, AudioDbAlbum>(),
    tracks: new Map<string, AudioDbTrack>(),
  };
  readonly discogs = {
    masters: new Map<number, DiscogsMaster>(),
    releases: new Map<number, DiscogsRelease>(),
    artists: new Map<number, { id: number; name: string; mbid: string | null }>(),
  };
  readonly spotify = {
    artists: new Map<string, SpotifyArtist>(),
    albums: new Map<string, SpotifyAlbum>(),
    tracks: new Map<string, SpotifyTrack>(),
  };

  private readonly releasesByGroup = new Map<string, string[]>();
  private readonly appearancesByRecording = new Map<string, Array<{ releaseId: string; medium: number; track: number }>>();
  private readonly audiodbByMbid = { artists: new Map<string, string>(), albums: new Map<string, string>(), tracks: new Map<string, string>() };
  private readonly discogsArtistByMbid = new Map<string, number>();
  private readonly spotifyArtistByMbid = new Map<string, string>();
  private nextAudioDb = { artist: 111000, album: 2100000, track: 32000000 };
  private nextDiscogs = { artist: 70000, master: 90000, release: 1400000, label: 11000 };

  constructor(seed: number | string = 1) {
    this.seed = seed;
    this.rng = new Prng(`catalog:${seed}`);
    this.addArtist({
      id: VARIOUS_ARTISTS_ID,
      name: 'Various Artists',
      sortName: 'Various Artists',
      type: 'Other',
      disambiguation: 'add compilations to this artist',
    });
    this.spotify.artists.set(SPOTIFY_VARIOUS_ARTISTS_ID, { id: SPOTIFY_VARIOUS_ARTISTS_ID, name: 'Various Artists', mbid: VARIOUS_ARTISTS_ID });
    this.spotifyArtistByMbid.set(VARIOUS_ARTISTS_ID, SPOTIFY_VARIOUS_ARTISTS_ID);
  }

  // ---- MusicBrainz entities ----

  addArtist(input: ArtistInput): Artist {
    const artist: Artist = {
      id: input.id ?? this.rng.uuid(),
      name: input.name,
      sortName: input.sortName ?? input.name,
      type: input.type ?? 'Group',
      disambiguation: input.disambiguation ?? '',
      country: input.country ?? null,
      begin: input.begin ?? null,
      end: input.end ?? null,
    };
    this.artists.set(artist.id, artist);
    this.version++;
    return artist;
  }

  addLabel(input: Partial<Label> & { name: string }): Label {
    const label: Label = { id: input.id ?? this.rng.uuid(), name: input.name, labelCode: input.labelCode ?? null };
    this.labels.set(label.id, label);
    this.version++;
    return label;
  }

  addRecording(input: RecordingInput): Recording {
    const recording: Recording = {
      id: input.id ?? this.rng.uuid(),
      title: input.title,
      length: input.length === undefined ? this.rng.int(120_000, 420_000) : input.length,
      credit: input.credit ?? [],
      isrcs: input.isrcs ?? [],
      disambiguation: input.disambiguation ?? '',
      video: input.video ?? false,
    };
    this.recordings.set(recording.id, recording);
    this.version++;
    return recording;
  }

  addReleaseGroup(input: ReleaseGroupInput): ReleaseGroup {
    const group: ReleaseGroup = {
      id: input.id ?? this.rng.uuid(),
      title: input.title,
      primaryType: input.primaryType === undefined ? 'Album' : input.primaryType,
      secondaryTypes: input.secondaryTypes ?? [],
      credit: input.credit ?? [],
      disambiguation: input.disambiguation ?? '',
    };
    this.releaseGroups.set(group.id, group);
    this.version++;
    return group;
  }

  addRelease(input: ReleaseInput): Release {
    if (!this.releaseGroups.has(input.releaseGroupId)) throw new Error(`addRelease: no release group ${input.releaseGroupId}`);
    const release: Release = {
      id: input.id ?? this.rng.uuid(),
      title: input.title,
      releaseGroupId: input.releaseGroupId,
      credit: input.credit ?? this.releaseGroups.get(input.releaseGroupId)!.credit,
      date: input.date ?? '',
      country: input.country === undefined ? 'XW' : input.country,
      status: input.status ?? 'Official',
      barcode: input.barcode === undefined ? ean13(this.rng) : input.barcode,
      asin: input.asin === undefined ? null : input.asin,
      packaging: input.packaging === undefined ? null : input.packaging,
      disambiguation: input.disambiguation ?? '',
      quality: input.quality ?? 'normal',
      labels: input.labels ?? [],
      media: (input.media ?? []).map((medium, m) => ({
        id: medium.id ?? this.rng.uuid(),
        position: medium.position ?? m + 1,
        format: medium.format ?? 'CD',
        title: medium.title ?? '',
        tracks: medium.tracks.map((track, t) => {
          const recording = this.recordings.get(track.recordingId);
          if (!recording) throw new Error(`addRelease: no recording ${track.recordingId}`);
          return {
            id: track.id ?? this.rng.uuid(),
            position: track.position ?? t + 1,
            number: track.number ?? String(t + 1),
            title: track.title ?? recording.title,
            length: track.length === undefined ? recording.length : track.length,
            recordingId: track.recordingId,
            credit: track.credit ?? recording.credit,
          };
        }),
      })),
      coverArt: input.coverArt ?? [],
    };
    this.releases.set(release.id, release);
    const group = this.releasesByGroup.get(release.releaseGroupId) ?? [];
    group.push(release.id);
    this.releasesByGroup.set(release.releaseGroupId, group);
    release.media.forEach((medium, m) =>
      medium.tracks.forEach((track, t) => {
        const list = this.appearancesByRecording.get(track.recordingId) ?? [];
        list.push({ releaseId: release.id, medium: m, track: t });
        this.appearancesByRecording.set(track.recordingId, list);
      }),
    );
    this.version++;
    return release;
  }

  /** Makes `oldId` a merged MBID: lookups of it answer 301 to `newId`. */
  addMerge(oldId: string, entity: MbEntity, newId: string): void {
    this.merged.set(oldId.toLowerCase(), { entity, id: newId });
    this.version++;
  }

  // ---- other services ----

  addAudioDbArtist(input: Partial<AudioDbArtist> & { name: string }): AudioDbArtist {
    const artist: AudioDbArtist = {
      idArtist: input.idArtist ?? String(this.nextAudioDb.artist++),
      mbid: input.mbid ?? null,
      name: input.name,
      formedYear: input.formedYear ?? null,
      genre: input.genre ?? 'Rock',
      style: input.style ?? 'Rock/Pop',
      country: input.country ?? '',
      countryCode: input.countryCode ?? '',
      gender: input.gender ?? null,
      members: input.members ?? null,
    };
    this.audiodb.artists.set(artist.idArtist, artist);
    if (artist.mbid) this.audiodbByMbid.artists.set(artist.mbid, artist.idArtist);
    this.version++;
    return artist;
  }

  addAudioDbAlbum(input: Partial<AudioDbAlbum> & { title: string; artist: string; idArtist: string }): AudioDbAlbum {
    const album: AudioDbAlbum = {
      idAlbum: input.idAlbum ?? String(this.nextAudioDb.album++),
      idArtist: input.idArtist,
      mbid: input.mbid ?? null,
      artistMbid: input.artistMbid ?? null,
      title: input.title,
      artist: input.artist,
      year: input.year ?? null,
      genre: input.genre ?? 'Rock',
      style: input.style ?? 'Rock/Pop',
      format: input.format ?? 'Album',
      label: input.label ?? null,
      thumb: input.thumb === undefined ? null : input.thumb,
      score: input.score ?? null,
      discogsId: input.discogsId ?? null,
      description: input.description ?? null,
    };
    this.audiodb.albums.set(album.idAlbum, album);
    if (album.mbid) this.audiodbByMbid.albums.set(album.mbid, album.idAlbum);
    this.version++;
    return album;
  }

  addAudioDbTrack(input: Partial<AudioDbTrack> & { title: string; idAlbum: string }): AudioDbTrack {
    const album = this.audiodb.albums.get(input.idAlbum);
    if (!album) throw new Error(`addAudioDbTrack: no TheAudioDB album ${input.idAlbum}`);
    const track: AudioDbTrack = {
      idTrack: input.idTrack ?? String(this.nextAudioDb.track++),
      idAlbum: input.idAlbum,
      idArtist: input.idArtist ?? album.idArtist,
      mbid: input.mbid ?? null,
      albumMbid: input.albumMbid === undefined ? album.mbid : input.albumMbid,
      artistMbid: input.artistMbid === undefined ? album.artistMbid : input.artistMbid,
      title: input.title,
      album: input.album ?? album.title,
      artist: input.artist ?? album.artist,
      durationMs: input.durationMs ?? null,
      trackNumber: input.trackNumber ?? 1,
      cd: input.cd ?? null,
      genre: input.genre ?? album.genre,
    };
    this.audiodb.tracks.set(track.idTrack, track);
    if (track.mbid) this.audiodbByMbid.tracks.set(track.mbid, track.idTrack);
    this.version++;
    return track;
  }

  addDiscogsMaster(input: Partial<DiscogsMaster> & { title: string; year: number; mainReleaseId: number }): DiscogsMaster {
    const master: DiscogsMaster = {
      id: input.id ?? this.nextDiscogs.master++,
      title: input.title,
      year: input.year,
      mainReleaseId: input.mainReleaseId,
      artists: input.artists ?? [],
      genres: input.genres ?? ['Rock'],
      styles: input.styles ?? [],
      tracklist: input.tracklist ?? [],
      mbReleaseGroupId: input.mbReleaseGroupId ?? null,
    };
    this.discogs.masters.set(master.id, master);
    this.version++;
    return master;
  }

  addDiscogsRelease(input: Partial<DiscogsRelease> & { title: string }): DiscogsRelease {
    const release: DiscogsRelease = {
      id: input.id ?? this.nextDiscogs.release++,
      masterId: input.masterId ?? null,
      title: input.title,
      year: input.year ?? 0,
      released: input.released ?? (input.year ? String(input.year) : ''),
      country: input.country ?? 'UK',
      artists: input.artists ?? [],
      labels: input.labels ?? [],
      formats: input.formats ?? [{ name: 'CD', qty: '1', descriptions: ['Album'] }],
      barcodes: input.barcodes ?? [],
      genres: input.genres ?? ['Rock'],
      styles: input.styles ?? [],
      tracklist: input.tracklist ?? [],
      mbReleaseId: input.mbReleaseId ?? null,
    };
    this.discogs.releases.set(release.id, release);
    this.version++;
    return release;
  }

  addSpotifyArtist(input: Partial<SpotifyArtist> & { name: string }): SpotifyArtist {
    const artist: SpotifyArtist = { id: input.id ?? this.rng.base62(22), name: input.name, mbid: input.mbid ?? null };
    this.spotify.artists.set(artist.id, artist);
    if (artist.mbid) this.spotifyArtistByMbid.set(artist.mbid, artist.id);
    this.version++;
    return artist;
  }

  addSpotifyAlbum(input: Partial<Omit<SpotifyAlbum, 'trackIds' | 'totalTracks'>> & { name: string; releaseDate: string }): SpotifyAlbum {
    const album: SpotifyAlbum = {
      id: input.id ?? this.rng.base62(22),
      name: input.name,
      albumType: input.albumType ?? 'album',
      artistIds: input.artistIds ?? [],
      releaseDate: input.releaseDate,
      releaseDatePrecision: input.releaseDatePrecision ?? datePrecision(input.releaseDate),
      totalTracks: 0,
      upc: input.upc ?? null,
      label: input.label ?? '',
      trackIds: [],
      mbReleaseId: input.mbReleaseId ?? null,
    };
    this.spotify.albums.set(album.id, album);
    this.version++;
    return album;
  }

  addSpotifyTrack(input: Partial<SpotifyTrack> & { name: string; albumId: string }): SpotifyTrack {
    const album = this.spotify.albums.get(input.albumId);
    if (!album) throw new Error(`addSpotifyTrack: no Spotify album ${input.albumId}`);
    const track: SpotifyTrack = {
      id: input.id ?? this.rng.base62(22),
      name: input.name,
      artistIds: input.artistIds ?? album.artistIds,
      albumId: album.id,
      durationMs: input.durationMs ?? this.rng.int(120_000, 420_000),
      trackNumber: input.trackNumber ?? album.trackIds.length + 1,
      discNumber: input.discNumber ?? 1,
      explicit: input.explicit ?? false,
      isrc: input.isrc ?? null,
      mbRecordingId: input.mbRecordingId ?? null,
    };
    this.spotify.tracks.set(track.id, track);
    album.trackIds.push(track.id);
    album.totalTracks = album.trackIds.length;
    this.version++;
    return track;
  }

  // ---- queries ----

  /** Follows merges: the live id for a possibly merged MBID, and whether it was merged. */
  resolve(entity: MbEntity, id: string): { id: string; merged: boolean } {
    const target = this.merged.get(id.toLowerCase());
    return target && target.entity === entity ? { id: target.id, merged: true } : { id: id.toLowerCase(), merged: false };
  }

  releasesOfGroup(groupId: string): Release[] {
    return (this.releasesByGroup.get(groupId) ?? [])
      .map((id) => this.releases.get(id)!)
      .sort((a, b) => compareDates(a.date, b.date));
  }

  appearances(recordingId: string): Appearance[] {
    return (this.appearancesByRecording.get(recordingId) ?? []).map(({ releaseId, medium, track }) => {
      const release = this.releases.get(releaseId)!;
      const m = release.media[medium]!;
      return { release, medium: m, track: m.tracks[track]! };
    });
  }

  /** The earliest date among the group's releases; '' when it has none. */
  groupFirstReleaseDate(groupId: string): string {
    const dates = this.releasesOfGroup(groupId)
      .map((r) => r.date)
      .filter(Boolean);
    return dates.sort(compareDates)[0] ?? '';
  }

  recordingFirstReleaseDate(recordingId: string): string {
    const dates = this.appearances(recordingId)
      .map((a) => a.release.date)
      .filter(Boolean);
    return dates.sort(compareDates)[0] ?? '';
  }

  creditHasArtist(credit: readonly CreditPart[], artistId: string): boolean {
    return credit.some((part) => part.artistId === artistId);
  }

  audiodbArtistByMbid(mbid: string): AudioDbArtist | undefined {
    const id = this.audiodbByMbid.artists.get(mbid.toLowerCase());
    return id === undefined ? undefined : this.audiodb.artists.get(id);
  }

  audiodbAlbumByMbid(mbid: string): AudioDbAlbum | undefined {
    const id = this.audiodbByMbid.albums.get(mbid.toLowerCase());
    return id === undefined ? undefined : this.audiodb.albums.get(id);
  }

  audiodbTrackByMbid(mbid: string): AudioDbTrack | undefined {
    const id = this.audiodbByMbid.tracks.get(mbid.toLowerCase());
    return id === undefined ? undefined : this.audiodb.tracks.get(id);
  }

  // ---- building albums (generator and tests) ----

  /** A credit from a name (the artist is found by exact name or created), an artist, or parts. */
  credit(spec: CreditSpec): CreditPart[] {
    if (Array.isArray(spec)) return spec;
    const artist = typeof spec === 'string' ? this.findArtist(spec) ?? this.addArtist({ name: spec }) : spec;
    return [{ artistId: artist.id, name: artist.name, joinphrase: '' }];
  }

  findArtist(name: string): Artist | undefined {
    for (const artist of this.artists.values()) if (artist.name === name) return artist;
    return undefined;
  }

  newIsrc(): string {
    const rng = this.rng;
    return `${rng.pick(['GB', 'US', 'SE', 'FR', 'DE', 'IS', 'JP'])}${rng.letters(2)}${rng.int(0, 9)}${String(rng.int(0, 99)).padStart(2, '0')}${String(rng.int(0, 99999)).padStart(5, '0')}`;
  }

  newBarcode(): string {
    return this.rng.chance(0.5) ? ean13(this.rng) : upcA(this.rng);
  }

  newCoverArt(options: { back?: boolean; booklet?: boolean } = {}): CoverImage[] {
    const rng = this.rng;
    const image = (types: string[], comment = ''): CoverImage => ({
      id: rng.digits(11),
      types,
      front: types.includes('Front'),
      back: types.includes('Back'),
      comment,
      edit: rng.int(10_000_000, 99_999_999),
      approved: true,
    });
    const images = [image(['Front'])];
    if (options.back ?? rng.chance(0.5)) images.push(image(['Back', 'Spine']));
    if (options.booklet ?? rng.chance(0.2)) images.push(image(['Booklet'], 'page 2'));
    return images;
  }

  private ensureExternalArtists(part: CreditPart): { audiodb: AudioDbArtist; discogs: number; spotify: string } {
    const artist = this.artists.get(part.artistId);
    const name = artist?.name ?? part.name;
    const audiodb =
      this.audiodbArtistByMbid(part.artistId) ??
      this.addAudioDbArtist({ name, mbid: part.artistId, formedYear: artist?.begin ? yearOf(artist.begin) : null, countryCode: artist?.country ?? '' });
    let discogs = this.discogsArtistByMbid.get(part.artistId);
    if (discogs === undefined) {
      discogs = this.nextDiscogs.artist++;
      // Discogs numbers artists who share a name: 'Name (2)' is a classic matching trap.
      const taken = [...this.discogs.artists.values()].filter((a) => a.name === name || a.name.startsWith(`${name} (`)).length;
      this.discogs.artists.set(discogs, { id: discogs, name: taken > 0 ? `${name} (${taken + 1})` : name, mbid: part.artistId });
      this.discogsArtistByMbid.set(part.artistId, discogs);
    }
    const spotify = this.spotifyArtistByMbid.get(part.artistId) ?? this.addSpotifyArtist({ name, mbid: part.artistId }).id;
    return { audiodb, discogs, spotify };
  }

  addAlbum(spec: AlbumSpec): AddedAlbum {
    const rng = this.rng;
    const credit = this.credit(spec.artist);
    const year = yearOf(spec.date);
    const group = this.addReleaseGroup({
      title: spec.title,
      primaryType: spec.primaryType ?? 'Album',
      secondaryTypes: spec.secondaryTypes ?? [],
      credit,
    });
    const makeRecordings = (tracks: TrackSpec[]): Recording[] =>
      tracks.map((track) => {
        if (track.recording !== undefined) {
          const id = typeof track.recording === 'string' ? track.recording : track.recording.id;
          const existing = this.recordings.get(id);
          if (!existing) throw new Error(`addAlbum: no recording ${id}`);
          return existing;
        }
        const trackCredit =
          track.featuring === undefined
            ? credit
            : [...credit.slice(0, -1), { ...credit[credit.length - 1]!, joinphrase: ' feat. ' }, ...this.credit(track.featuring)];
        return this.addRecording({
          title: track.title ?? 'Untitled',
          length: track.length,
          credit: trackCredit,
          isrcs: track.isrcs ?? [],
        });
      });
    const recordings = makeRecordings(spec.tracks);
    const format = spec.format ?? (year < 1985 ? '12" Vinyl' : year < 2008 ? 'CD' : 'Digital Media');
    const label = this.labels.size > 0 ? rng.pick([...this.labels.values()]) : null;
    const labelInfo = (): LabelInfo[] => (label ? [{ labelId: label.id, catalogNumber: rng.chance(0.8) ? `${rng.letters(3)} ${rng.digits(4)}` : null }] : []);
    const medium = (recs: Recording[], fmt: MediumFormat, titles: Array<string | undefined>, jitter: boolean): MediumInput => ({
      format: fmt,
      tracks: recs.map((recording, i) => ({
        recordingId: recording.id,
        number: fmt === '12" Vinyl' ? `${i < Math.ceil(recs.length / 2) ? 'A' : 'B'}${i < Math.ceil(recs.length / 2) ? i + 1 : i + 1 - Math.ceil(recs.length / 2)}` : String(i + 1),
        title: titles[i] ?? recording.title,
        length: recording.length === null ? null : jitter ? recording.length + rng.int(-400, 400) : recording.length,
      })),
    });
    const original = this.addRelease({
      title: spec.releaseTitle ?? spec.title,
      releaseGroupId: group.id,
      credit,
      date: spec.date,
      country: spec.country ?? rng.pick(['GB', 'US', 'XW', 'XE', 'DE']),
      status: spec.status ?? 'Official',
      barcode: spec.barcode === undefined ? (year < 1982 ? null : this.newBarcode()) : spec.barcode,
      asin: year >= 1996 && rng.chance(0.6) ? `B0${rng.digits(8)}` : null,
      packaging: format === 'CD' ? rng.pick(['Jewel Case', 'Digipak'] as const) : format === 'Cassette' ? 'Cassette Case' : format === 'Digital Media' ? 'None' : 'Cardboard/Paper Sleeve',
      labels: labelInfo(),
      media: [medium(recordings, format, spec.tracks.map((t) => t.title), spec.tracks.some((t) => t.recording !== undefined))],
      coverArt: spec.coverArt === false ? [] : this.newCoverArt(),
    });
    const releases = [original];
    const reissueSpecs = spec.reissues ?? [];
    for (const reissue of reissueSpecs) {
      const bonus = makeRecordings(reissue.bonusTracks ?? []);
      const fmt = reissue.format ?? (yearOf(reissue.date) < 2008 ? 'CD' : 'Digital Media');
      releases.push(
        this.addRelease({
          title: reissue.title ?? spec.title,
          releaseGroupId: group.id,
          credit,
          date: reissue.date,
          country: rng.pick(['GB', 'US', 'XW', 'XE']),
          barcode: reissue.barcode === undefined ? this.newBarcode() : reissue.barcode,
          asin: rng.chance(0.5) ? `B0${rng.digits(8)}` : null,
          packaging: fmt === 'CD' ? 'Digipak' : 'None',
          disambiguation: reissue.disambiguation ?? `${yearOf(reissue.date)} remaster`,
          labels: labelInfo(),
          media: [medium([...recordings, ...bonus], fmt, [...spec.tracks.map((t) => t.title), ...(reissue.bonusTracks ?? []).map((t) => t.title)], true)],
          coverArt: reissue.coverArt === false ? [] : this.newCoverArt(),
        }),
      );
    }

    const [genre, style] = rng.pick(GENRES);
    const lead = credit[0]!;
    const creditText = creditString(credit);
    const isVarious = lead.artistId === VARIOUS_ARTISTS_ID;

    let audiodbAlbum: AudioDbAlbum | null = null;
    if (spec.audiodb && !isVarious) {
      const externalLead = this.ensureExternalArtists(lead);
      const claimedYear = typeof spec.audiodb === 'object' && spec.audiodb.year !== undefined ? spec.audiodb.year : year;
      audiodbAlbum = this.addAudioDbAlbum({
        idArtist: externalLead.audiodb.idArtist,
        mbid: group.id,
        artistMbid: lead.artistId,
        title: spec.title,
        artist: creditText,
        year: claimedYear,
        genre,
        style,
        format: group.secondaryTypes.includes('Compilation') ? 'Compilation' : group.primaryType === 'Single' ? 'Single' : group.primaryType === 'EP' ? 'EP' : 'Album',
        label: label?.name ?? null,
        thumb: rng.chance(0.8) ? `https://www.theaudiodb.com/images/media/album/thumb/${rng.base62(12).toLowerCase()}.jpg` : null,
        score: rng.chance(0.5) ? String(rng.int(50, 100) / 10) : null,
        description: rng.chance(0.5) ? `${spec.title} is an album by ${creditText}.` : null,
      });
      const albumId = audiodbAlbum.idAlbum;
      recordings.forEach((recording, i) =>
        this.addAudioDbTrack({
          idAlbum: albumId,
          mbid: recording.id,
          title: recording.title,
          artist: creditString(recording.credit),
          durationMs: recording.length,
          trackNumber: i + 1,
          cd: null,
        }),
      );
    }

    let discogsMaster: DiscogsMaster | null = null;
    const discogsReleases: DiscogsRelease[] = [];
    if (spec.discogs) {
      const artists: DiscogsArtistRef[] = isVarious
        ? [{ id: 194, name: 'Various', anv: '', join: '' }]
        : credit.map((part) => {
            const id = this.ensureExternalArtists(part).discogs;
            return { id, name: this.discogs.artists.get(id)!.name, anv: '', join: part.joinphrase.trim() === 'feat.' ? 'Featuring' : part.joinphrase.trim() };
          });
      const tracklist = (release: Release): DiscogsTrack[] =>
        release.media[0]!.tracks.map((t) => ({ position: t.number, title: t.title, duration: formatDuration(t.length) }));
      const countryName: Record<string, string> = { GB: 'UK', US: 'US', XW: 'Worldwide', XE: 'Europe', DE: 'Germany' };
      for (const release of releases) {
        const format = release.media[0]!.format;
        discogsReleases.push(
          this.addDiscogsRelease({
            title: release.title,
            year: yearOf(release.date),
            released: release.date,
            country: countryName[release.country ?? ''] ?? 'Unknown',
            artists,
            labels: release.labels.map((li) => ({ id: this.nextDiscogs.label++, name: this.labels.get(li.labelId)!.name, catno: li.catalogNumber ?? 'none' })),
            formats: [
              {
                name: format === '12" Vinyl' ? 'Vinyl' : format === 'Digital Media' ? 'File' : format,
                qty: '1',
                descriptions: [group.primaryType ?? 'Album', ...(release === original ? [] : ['Reissue', 'Remastered'])],
              },
            ],
            barcodes: release.barcode ? [release.barcode] : [],
            genres: [genre],
            styles: [style],
            tracklist: tracklist(release),
            mbReleaseId: release.id,
          }),
        );
      }
      if (!isVarious) {
        discogsMaster = this.addDiscogsMaster({
          title: spec.title,
          year,
          mainReleaseId: discogsReleases[0]!.id,
          artists,
          genres: [genre],
          styles: [style],
          tracklist: tracklist(original),
          mbReleaseGroupId: group.id,
        });
        for (const r of discogsReleases) r.masterId = discogsMaster.id;
      }
    }

    const spotifyAlbums: SpotifyAlbum[] = [];
    if (spec.spotify) {
      const targets = spec.spotify === 'reissue-only' && releases.length > 1 ? [releases[releases.length - 1]!] : releases;
      for (const release of targets) {
        const reissueYear = release === original ? null : yearOf(release.date);
        const artistIds = isVarious ? [SPOTIFY_VARIOUS_ARTISTS_ID] : credit.map((part) => this.ensureExternalArtists(part).spotify);
        const album = this.addSpotifyAlbum({
          name: reissueYear === null ? release.title : rng.chance(0.5) ? `${spec.title} (Remastered ${reissueYear})` : `${spec.title} [${reissueYear} Remaster]`,
          albumType: group.secondaryTypes.includes('Compilation') ? 'compilation' : group.primaryType === 'Single' || group.primaryType === 'EP' ? 'single' : 'album',
          artistIds,
          releaseDate: release.date,
          upc: release.barcode && rng.chance(0.8) ? release.barcode.padStart(12, '0') : null,
          label: label?.name ?? '',
          mbReleaseId: release.id,
        });
        spotifyAlbums.push(album);
        for (const track of release.media[0]!.tracks) {
          const recording = this.recordings.get(track.recordingId)!;
          const guests = recording.credit.slice(1);
          let name = track.title;
          if (guests.length > 0 && recording.credit[0]!.joinphrase.includes('feat')) name += ` (feat. ${guests.map((g) => g.name).join(' & ')})`;
          if (reissueYear !== null) name += rng.chance(0.5) ? ` - Remastered ${reissueYear}` : ` - ${reissueYear} Remaster`;
          // A remaster often carries its own ISRC: the second one MusicBrainz lists, or one it does not know.
          const isrc =
            reissueYear === null ? recording.isrcs[0] ?? null : recording.isrcs[1] ?? (recording.isrcs.length > 0 && rng.chance(0.5) ? this.newIsrc() : recording.isrcs[0] ?? null);
          this.addSpotifyTrack({
            name,
            albumId: album.id,
            artistIds: recording.credit.map((part) => (isVarious && part.artistId === VARIOUS_ARTISTS_ID ? SPOTIFY_VARIOUS_ARTISTS_ID : this.ensureExternalArtists(part).spotify)),
            durationMs: (track.length ?? 200_000) + rng.int(-800, 800),
            trackNumber: track.position,
            explicit: rng.chance(0.1),
            isrc,
            mbRecordingId: recording.id,
          });
        }
      }
    }

    return { releaseGroup: group, releases, recordings, audiodbAlbum, discogsMaster, discogsReleases, spotifyAlbums };
  }
}

export interface CatalogOptions {
  seed?: number | string;
  artists?: number;
  albumsPerArtist?: [number, number];
  tracksPerAlbum?: [number, number];
  /** Chance an album also has a later remaster (same recordings, later date). */
  reissueRate?: number;
  /** Chance an album was preceded by a single carrying one of its recordings. */
  singleRate?: number;
  /** Chance an artist has a later best-of compilation reusing album recordings. */
  bestOfRate?: number;
  /** Chance an artist has a live album: new recordings with the same titles. */
  liveRate?: number;
  /** Various Artists compilations drawing recordings from everyone. */
  vaCompilations?: number;
  featRate?: number;
  noArtRate?: number;
  isrcRate?: number;
  audiodbRate?: number;
  /** Chance TheAudioDB claims the reissue's year for an album. */
  audiodbWrongYearRate?: number;
  discogsRate?: number;
  spotifyRate?: number;
  /** Chance Spotify only has the remaster of a reissued album. */
  spotifyReissueOnlyRate?: number;
  /** Entities given an extra, merged-away MBID. */
  merges?: number;
}

const DEFAULTS: Required<Omit<CatalogOptions, 'seed'>> = {
  artists: 12,
  albumsPerArtist: [2, 4],
  tracksPerAlbum: [5, 12],
  reissueRate: 0.5,
  singleRate: 0.35,
  bestOfRate: 0.35,
  liveRate: 0.15,
  vaCompilations: 3,
  featRate: 0.08,
  noArtRate: 0.15,
  isrcRate: 0.8,
  audiodbRate: 0.8,
  audiodbWrongYearRate: 0.1,
  discogsRate: 0.75,
  spotifyRate: 0.85,
  spotifyReissueOnlyRate: 0.4,
  merges: 4,
};

const COUNTRIES = ['GB', 'US', 'SE', 'FR', 'DE', 'IS', 'JP', 'NG', 'ES', 'PL', 'TR', 'IE'];

/** A deterministic catalog: the same options give the same entities and ids. */
export function generateCatalog(options: CatalogOptions = {}): Catalog {
  const o = { ...DEFAULTS, ...options };
  const catalog = new Catalog(options.seed ?? 1);
  const rng = catalog.rng.fork('generate');

  for (let i = 0; i < Math.max(3, Math.ceil(o.artists / 3)); i++) catalog.addLabel({ name: labelName(rng), labelCode: rng.chance(0.5) ? rng.int(100, 99999) : null });

  const artists: Artist[] = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < o.artists; i++) {
    // The first few cover each hard naming pattern: 'The ', accents, '& the', 'A & B', odd words.
    let generated = artistName(rng, i < 5 ? [0, 6, 3, 4, 5][i] : undefined);
    for (let attempt = 0; usedNames.has(generated.name) && attempt < 5; attempt++) generated = artistName(rng);
    usedNames.add(generated.name);
    const begin = rng.int(1955, 2005);
    artists.push(
      catalog.addArtist({
        name: generated.name,
        sortName: generated.sortName,
        type: generated.type,
        country: rng.pick(COUNTRIES),
        begin: String(begin),
        end: rng.chance(0.1) ? String(begin + rng.int(5, 30)) : null,
        disambiguation: rng.chance(0.1) ? `band from ${rng.pick(['Leeds', 'Oslo', 'Lyon', 'Austin'])}` : '',
      }),
    );
  }

  const coverArt = (): boolean => !rng.chance(o.noArtRate);
  const isrcs = (): string[] => (rng.chance(o.isrcRate) ? (rng.chance(0.15) ? [catalog.newIsrc(), catalog.newIsrc()] : [catalog.newIsrc()]) : []);
  const dateIn = (year: number): string => {
    const month = rng.int(1, 12);
    const day = rng.int(1, 28);
    // Older releases often only have a year (or a month) in MusicBrainz.
    if (year < 1985 && rng.chance(0.25)) return String(year);
    if (year < 1990 && rng.chance(0.1)) return `${year}-${String(month).padStart(2, '0')}`;
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };
  const extras = () => ({
    audiodb: rng.chance(o.audiodbRate),
    discogs: rng.chance(o.discogsRate),
    spotify: rng.chance(o.spotifyRate),
  });

  const allAlbumRecordings: Recording[] = [];
  for (const artist of artists) {
    const others = artists.filter((a) => a !== artist);
    let year = Number(artist.begin ?? 1970) + rng.int(0, 5);
    const albumRecordings: Recording[] = [];
    const albumCount = rng.int(o.albumsPerArtist[0], o.albumsPerArtist[1]);
    let lastDate = '';
    for (let a = 0; a < albumCount; a++) {
      const date = dateIn(Math.min(year, 2024));
      const title = albumTitle(rng);
      const trackCount = rng.int(o.tracksPerAlbum[0], o.tracksPerAlbum[1]);
      const tracks: TrackSpec[] = [];
      for (let t = 0; t < trackCount; t++) {
        const featuring = others.length > 0 && rng.chance(o.featRate) ? rng.pick(others) : undefined;
        tracks.push({ title: trackTitle(rng), isrcs: isrcs(), featuring, length: rng.chance(0.02) ? null : undefined });
      }
      const reissues: ReissueSpec[] = [];
      const albumYear = yearOf(date);
      if (rng.chance(o.reissueRate) && albumYear < 2018) {
        const reissueYear = rng.int(Math.max(albumYear + 5, 2001), 2024);
        const asTitle = rng.chance(0.3);
        reissues.push({
          date: dateIn(reissueYear),
          title: asTitle ? `${title} (Remastered ${reissueYear})` : undefined,
          bonusTracks: rng.chance(0.4) ? [{ title: `${tracks[0]!.title} (Demo)`, isrcs: isrcs() }] : undefined,
          coverArt: coverArt(),
        });
      }
      const ext = extras();
      const added = catalog.addAlbum({
        artist: artist,
        title,
        date,
        tracks,
        reissues,
        coverArt: coverArt(),
        audiodb: ext.audiodb ? (reissues[0] && rng.chance(o.audiodbWrongYearRate) ? { year: yearOf(reissues[0].date) } : true) : false,
        discogs: ext.discogs,
        spotify: ext.spotify ? (reissues.length > 0 && rng.chance(o.spotifyReissueOnlyRate) ? 'reissue-only' : true) : false,
      });
      albumRecordings.push(...added.recordings);
      allAlbumRecordings.push(...added.recordings);
      lastDate = date;

      if (rng.chance(o.singleRate) && added.recordings.length > 0) {
        const lead = rng.pick(added.recordings);
        const singleDate = shiftDate(date, -rng.int(20, 90));
        catalog.addAlbum({
          artist: artist,
          title: lead.title,
          date: singleDate,
          primaryType: 'Single',
          tracks: [{ recording: lead }, { title: `${trackTitle(rng)} (B-Side)`, isrcs: isrcs() }],
          coverArt: coverArt(),
          format: albumYear < 1990 ? '12" Vinyl' : 'CD',
          ...extras(),
        });
      }
      year += rng.int(1, 4);
    }

    if (rng.chance(o.liveRate) && albumRecordings.length >= 3) {
      const picks = rng.sample(albumRecordings, Math.min(6, albumRecordings.length));
      const liveYear = Math.min(yearOf(lastDate) + rng.int(1, 3), 2024);
      const live = catalog.addAlbum({
        artist,
        title: `Live at the ${rng.pick(['Paradiso', 'Roundhouse', 'Olympia', 'Fillmore'])}`,
        date: dateIn(liveYear),
        secondaryTypes: ['Live'],
        tracks: picks.map((r) => ({ title: r.title, length: r.length === null ? null : r.length + rng.int(5_000, 40_000) })),
        coverArt: coverArt(),
        ...extras(),
      });
      // Live takes are new recordings that share titles with the studio ones.
      for (const r of live.recordings) r.disambiguation = `live, ${liveYear}`;
    }

    if (rng.chance(o.bestOfRate) && albumRecordings.length >= 4) {
      const picks = rng.sample(albumRecordings, Math.min(10, albumRecordings.length));
      const compYear = Math.min(yearOf(lastDate) + rng.int(1, 6), 2024);
      catalog.addAlbum({
        artist,
        title: rng.pick([`The Best of ${artist.name}`, 'Greatest Hits', `Anthology ${artist.begin ?? 1970}–${compYear}`]),
        date: dateIn(compYear),
        secondaryTypes: ['Compilation'],
        tracks: picks.map((r) => ({ recording: r })),
        coverArt: coverArt(),
        ...extras(),
      });
    }
  }

  for (let c = 0; c < o.vaCompilations && allAlbumRecordings.length > 0; c++) {
    const picks = rng.sample(allAlbumRecordings, Math.min(rng.int(8, 16), allAlbumRecordings.length));
    const latest = picks.map((r) => yearOf(catalog.recordingFirstReleaseDate(r.id) || '2000')).reduce((a, b) => Math.max(a, b), 1970);
    catalog.addAlbum({
      artist: [{ artistId: VARIOUS_ARTISTS_ID, name: 'Various Artists', joinphrase: '' }],
      title: vaCompilationTitle(rng, c),
      date: dateIn(Math.min(latest + rng.int(1, 5), 2025)),
      secondaryTypes: ['Compilation'],
      tracks: picks.map((r) => ({ recording: r })),
      coverArt: coverArt(),
      format: 'CD',
      discogs: rng.chance(o.discogsRate),
      spotify: rng.chance(o.spotifyRate),
    });
  }

  const mergeable: Array<[MbEntity, string]> = [
    ...[...catalog.recordings.keys()].map((id): [MbEntity, string] => ['recording', id]),
    ...[...catalog.releases.keys()].map((id): [MbEntity, string] => ['release', id]),
    ...[...catalog.releaseGroups.keys()].map((id): [MbEntity, string] => ['release-group', id]),
    ...artists.map((a): [MbEntity, string] => ['artist', a.id]),
  ];
  for (const [entity, id] of rng.sample(mergeable, o.merges)) catalog.addMerge(rng.uuid(), entity, id);

  return catalog;
}
