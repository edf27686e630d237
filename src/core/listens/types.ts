/** Where a listen came from; the `listens.source` column. */
export type ListenSource = 'listenbrainz' | 'lastfm';

/** One play, as read from an export, before it is stored. */
export interface ParsedListen {
  /** Milliseconds since the epoch, UTC. */
  listenedAt: number;
  artist: string;
  title: string;
  album: string | null;
  durationMs: number | null;
  /** MusicBrainz recording id, lower case, only when it has the shape of one. */
  recordingMbid: string | null;
  /** MusicBrainz release id, lower case, only when it has the shape of one. */
  releaseMbid: string | null;
}

/** A row that could not be read, and why. Never fatal: the import goes on. */
export interface ListenProblem {
  /** 1-based line in the file where the row starts. */
  line: number;
  reason: string;
}

/** What the parsers yield, one per row of the export. */
export type ListenItem = { kind: 'listen'; line: number; listen: ParsedListen } | ({ kind: 'problem' } & ListenProblem);

/**
 * The file itself cannot be imported (wrong kind, damaged beyond one row).
 * Its message says what to do.
 */
export class ListenFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenFormatError';
  }
}
