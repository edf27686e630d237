/**
 * Where the artwork cache keeps its files. Kept apart from cache.ts so the
 * shells that only serve the cache (Electron main, the web server) do not
 * load sharp's native module.
 */
import path from 'node:path';

/** A sha256 in lower-case hex: the only name the cache ever uses or serves. */
export const HASH_RE = /^[0-9a-f]{64}$/;

/** Originals keep their own format; the extension says which. */
export const IMAGE_TYPES = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
} as const;
export type ImageExtension = keyof typeof IMAGE_TYPES;
export type ImageMime = (typeof IMAGE_TYPES)[ImageExtension];

export const IMAGE_EXTENSIONS = Object.keys(IMAGE_TYPES) as ImageExtension[];

export function extensionOf(mime: ImageMime): ImageExtension {
  return IMAGE_EXTENSIONS.find((ext) => IMAGE_TYPES[ext] === mime)!;
}

/**
 * Beside the library file, so a second library gets its own cache and
 * moving the library with its folder keeps the pictures.
 */
export function artworkCacheDir(libraryFile: string): string {
  return `${libraryFile}-artwork`;
}

export function thumbFileOf(dir: string, hash: string): string {
  return path.join(dir, 'thumbs', `${hash}.jpg`);
}

export function imageFileOf(dir: string, hash: string, ext: ImageExtension): string {
  return path.join(dir, 'images', `${hash}.${ext}`);
}

export function metaFileOf(dir: string, hash: string): string {
  return path.join(dir, 'meta', `${hash}.json`);
}
