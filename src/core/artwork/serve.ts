/**
 * The one way pictures reach the renderer: a URL path names a cached
 * thumbnail or image by hash, and nothing else resolves. Shared by the
 * Electron protocol handler and the web server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HASH_RE, IMAGE_EXTENSIONS, IMAGE_TYPES, imageFileOf, thumbFileOf } from './paths';

export { artworkCacheDir } from './paths';

export interface ArtworkFile {
  file: string;
  contentType: string;
}

const REQUEST_RE = /^(thumb|image)\/([0-9a-f]{64})$/;

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * 'thumb/<hash>' or 'image/<hash>' (one leading '/' allowed) to the cached
 * file, or null. The path is matched as it arrives, never decoded: a hash
 * needs no escapes, so anything with '%', '..' or a backslash is refused
 * before it could name another file.
 */
export function resolveArtworkRequest(cacheDir: string, pathname: string): ArtworkFile | null {
  if (typeof pathname !== 'string' || pathname.length > 200) return null;
  const rel = pathname.startsWith('/') ? pathname.slice(1) : pathname;
  const m = REQUEST_RE.exec(rel);
  if (!m) return null;
  const [, kind, hash] = m;
  if (!HASH_RE.test(hash!)) return null;

  let found: ArtworkFile | null = null;
  if (kind === 'thumb') {
    found = { file: thumbFileOf(cacheDir, hash!), contentType: 'image/jpeg' };
  } else {
    for (const ext of IMAGE_EXTENSIONS) {
      const file = imageFileOf(cacheDir, hash!, ext);
      if (fs.existsSync(file)) {
        found = { file, contentType: IMAGE_TYPES[ext] };
        break;
      }
    }
  }
  if (!found) return null;
  try {
    // A symlink planted in the cache must not lead out of it.
    const root = fs.realpathSync(cacheDir);
    const real = fs.realpathSync(found.file);
    if (!inside(root, real) || !fs.statSync(real).isFile()) return null;
    return { file: real, contentType: found.contentType };
  } catch {
    return null;
  }
}
