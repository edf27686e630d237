/** What a drop on the window carried, reduced to what we can use. */
export interface DroppedItems {
  /** The text/uri-list payload, if any (what Linux file managers send). */
  uriList: string;
  files: File[];
}

export interface DropPaths {
  paths: string[];
  /** Files whose location the page cannot learn (a browser hides it). */
  unresolved: number;
}

/** Local paths from file:// URIs, one per line; comments and other schemes are skipped. */
export function pathsFromUriList(uriList: string): string[] {
  const paths: string[] = [];
  for (const line of uriList.split(/\r?\n/)) {
    const uri = line.trim();
    if (!uri || uri.startsWith('#')) continue;
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      continue;
    }
    if (url.protocol !== 'file:' || (url.hostname !== '' && url.hostname !== 'localhost')) continue;
    const decoded = decodeURIComponent(url.pathname);
    // file:///C:/Music on Windows has a leading slash before the drive letter.
    paths.push(/^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded);
  }
  return paths;
}

/**
 * Paths of what was dropped: the desktop app asks the preload for each
 * file's path; any shell can read file:// URIs from a uri-list.
 */
export function pathsFromDrop(items: DroppedItems, pathForFile?: (file: File) => string): DropPaths {
  const fromUris = pathsFromUriList(items.uriList);
  const fromFiles = pathForFile ? items.files.map((f) => pathForFile(f)).filter(Boolean) : [];
  const paths = [...new Set([...fromFiles, ...fromUris])];
  const unresolved = paths.length === 0 ? items.files.length : 0;
  return { paths, unresolved };
}
