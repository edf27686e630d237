/** What reading one audio file yields: its tags and stream facts. */
export interface TrackTags {
  format: string;
  codec: string | null;
  lossless: boolean | null;
  bitrate: number | null;
  sampleRate: number | null;
  bitsPerSample: number | null;
  channels: number | null;
  durationMs: number | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  albumArtist: string | null;
  trackNo: number | null;
  trackTotal: number | null;
  discNo: number | null;
  discTotal: number | null;
  year: number | null;
  /** The original-release year tag (TDOR/TORY, ORIGINALDATE...), where the file has one. */
  originalYear: number | null;
  genre: string | null;
  isrc: string | null;
  compilation: boolean;
  mbRecordingId: string | null;
  mbTrackId: string | null;
  mbReleaseId: string | null;
  mbReleaseGroupId: string | null;
  mbArtistIds: string[];
  mbAlbumArtistIds: string[];
  hasArt: boolean;
}

/** A file the crawl found, as stat saw it. */
export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export type ReadResult =
  | { ok: true; file: FoundFile; contentKey: string; tags: TrackTags }
  | { ok: false; file: FoundFile; contentKey: string | null; error: string };
