/**
 * Paths handed to Sleeve from outside: dropped on the window, given on the
 * command line, or opened from the file manager through a file association.
 * Playlist files are imported as playlists; everything else (folders, audio
 * files) is scanned into the library. One rule for every way in.
 */
export interface OpenedPaths {
  scan: string[];
  playlists: string[];
}

const PLAYLIST_FILE = /\.m3u8?$/i;

export function sortOpenedPaths(paths: readonly string[]): OpenedPaths {
  const out: OpenedPaths = { scan: [], playlists: [] };
  for (const p of new Set(paths)) (PLAYLIST_FILE.test(p) ? out.playlists : out.scan).push(p);
  return out;
}
