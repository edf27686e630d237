/**
 * The on-disk artwork cache: every picture Sleeve found, under its content
 * hash, with a small JPEG thumbnail for the lists. The renderer only ever
 * sees these files (through serve.ts), never a path in the user's music.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type sharpType from 'sharp';

type Sharp = typeof sharpType;
// Loaded on first use: the desktop app's main process registers this job kind
// but never decodes an image, so it need not load libvips at start.
let sharpModule: Promise<Sharp> | null = null;
const loadSharp = (): Promise<Sharp> => (sharpModule ??= import('sharp').then((m) => m.default));
import { sameImage } from './fingerprint';
import { artworkCacheDir, extensionOf, HASH_RE, IMAGE_EXTENSIONS, imageFileOf, metaFileOf, thumbFileOf, type ImageMime } from './paths';

export { artworkCacheDir, sameImage };

export const MAX_IMAGE_BYTES = 40 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 12_000;
export const THUMB_SIZE = 300;
const THUMB_QUALITY = 80;
/** 8 x 8 RGB: small enough to keep in a row, enough to tell covers apart. */
const FINGERPRINT_SIDE = 8;

export interface StoredImage {
  /** sha256 of the original bytes, lower-case hex. */
  hash: string;
  mime: ImageMime;
  width: number;
  height: number;
  bytes: number;
  /** The picture shrunk to 8 x 8 RGB, hex: equal (within sameImage) for the same picture at any size or encoding. */
  fingerprint: string;
}

/** Bytes that are not a picture Sleeve can keep; the message says why. */
export class ArtworkImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtworkImageError';
  }
}

function mimeOf(meta: sharpType.Metadata): ImageMime | null {
  switch (meta.format) {
    case 'jpeg':
      return 'image/jpeg';
    case 'png':
      return 'image/png';
    case 'webp':
      return 'image/webp';
    case 'gif':
      return 'image/gif';
    case 'tiff':
      return 'image/tiff';
    // HEIF holds HEVC too, which sharp's build cannot decode; AVIF it can.
    case 'heif':
      return meta.compression === 'av1' ? 'image/avif' : null;
    default:
      return null;
  }
}

const megabytes = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Writes through a temp file and a rename, so a reader (or a crash) never sees half a file. */
async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  if (fs.existsSync(file)) return;
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

export class ArtworkCache {
  /** Puts of the same bytes in flight at once share one decode. */
  private readonly pending = new Map<string, Promise<StoredImage>>();

  constructor(readonly dir: string) {}

  /**
   * Keeps an image: checks it decodes, stores the original and a thumbnail
   * of at most 300 px. Bytes already kept cost a hash and a small read.
   * Throws ArtworkImageError for anything that is not a usable picture.
   */
  put(bytes: Buffer): Promise<StoredImage> {
    if (bytes.length === 0) return Promise.reject(new ArtworkImageError('The image is empty (0 bytes).'));
    if (bytes.length > MAX_IMAGE_BYTES) {
      return Promise.reject(new ArtworkImageError(`The image is ${megabytes(bytes.length)}; Sleeve keeps images up to ${megabytes(MAX_IMAGE_BYTES)}.`));
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    let job = this.pending.get(hash);
    if (!job) {
      job = this.store(hash, bytes).finally(() => this.pending.delete(hash));
      this.pending.set(hash, job);
    }
    return job;
  }

  /** What put() returned for this hash, if the cache holds it. */
  get(hash: string): StoredImage | null {
    if (!HASH_RE.test(hash)) return null;
    try {
      const meta = JSON.parse(fs.readFileSync(metaFileOf(this.dir, hash), 'utf8')) as StoredImage;
      return meta.hash === hash && this.thumbPath(hash) && this.imagePath(hash) ? meta : null;
    } catch {
      return null;
    }
  }

  thumbPath(hash: string): string | null {
    if (!HASH_RE.test(hash)) return null;
    const file = thumbFileOf(this.dir, hash);
    return fs.existsSync(file) ? file : null;
  }

  imagePath(hash: string): string | null {
    if (!HASH_RE.test(hash)) return null;
    for (const ext of IMAGE_EXTENSIONS) {
      const file = imageFileOf(this.dir, hash, ext);
      if (fs.existsSync(file)) return file;
    }
    return null;
  }

  private async store(hash: string, bytes: Buffer): Promise<StoredImage> {
    const known = this.get(hash);
    if (known) return known;

    // 'error' rejects truncated and corrupt data but not the harmless
    // warnings many tagged-in covers carry (stray bytes before a marker).
    const sharp = await loadSharp();
    const options: sharpType.SharpOptions = { failOn: 'error', limitInputPixels: MAX_IMAGE_SIDE * MAX_IMAGE_SIDE };
    let meta: sharpType.Metadata;
    try {
      meta = await sharp(bytes, options).metadata();
    } catch (err) {
      throw new ArtworkImageError(`Not a readable image (${(err as Error).message}).`);
    }
    const mime = mimeOf(meta);
    if (!mime) throw new ArtworkImageError(`Sleeve keeps JPEG, PNG, WebP, GIF, AVIF and TIFF images; this one is ${meta.format}.`);
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) throw new ArtworkImageError('The image has no size.');
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
      throw new ArtworkImageError(`The image is ${width} x ${height} pixels; Sleeve keeps images up to ${MAX_IMAGE_SIDE} pixels a side.`);
    }

    let thumb: Buffer;
    let fingerprint: string;
    try {
      // Flattened on white and in sRGB, so a PNG with alpha and a CMYK JPEG
      // of one picture give the thumbnail and fingerprint the others give.
      const base = sharp(bytes, options).autoOrient().flatten({ background: '#ffffff' }).toColourspace('srgb');
      const [t, fp] = await Promise.all([
        base.clone().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: THUMB_QUALITY, mozjpeg: true }).toBuffer(),
        base.clone().resize(FINGERPRINT_SIDE, FINGERPRINT_SIDE, { fit: 'fill' }).removeAlpha().raw().toBuffer(),
      ]);
      thumb = t;
      fingerprint = fp.toString('hex');
    } catch (err) {
      throw new ArtworkImageError(`The image is damaged and cannot be decoded (${(err as Error).message}).`);
    }

    const stored: StoredImage = { hash, mime, width, height, bytes: bytes.length, fingerprint };
    await Promise.all(['images', 'thumbs', 'meta'].map((sub) => fs.promises.mkdir(path.join(this.dir, sub), { recursive: true })));
    await writeAtomic(imageFileOf(this.dir, hash, extensionOf(mime)), bytes);
    await writeAtomic(thumbFileOf(this.dir, hash), thumb);
    // Last: its presence says the other two are complete.
    await writeAtomic(metaFileOf(this.dir, hash), JSON.stringify(stored));
    return stored;
  }
}
