/** Test pictures for the artwork tests: real encoded images drawn with sharp. */
import sharp from 'sharp';

export interface PictureSpec {
  width: number;
  height: number;
  background: [number, number, number];
  /** A block in another colour, so the picture is not one flat colour. */
  block?: { colour: [number, number, number]; left: number; top: number; size: number };
  format?: 'jpeg' | 'png' | 'webp';
  /** Grain over the whole picture, as in a scan or photo: it defeats compression, so the file is as big as a real cover. */
  grain?: boolean;
}

/** The same picture at any size: the block's place and size are fractions of the picture. */
export async function drawPicture(spec: PictureSpec): Promise<Buffer> {
  const [r, g, b] = spec.background;
  let image = sharp({ create: { width: spec.width, height: spec.height, channels: 3, background: { r, g, b } } });
  if (spec.block) {
    const size = Math.max(1, Math.round(Math.min(spec.width, spec.height) * spec.block.size));
    const [br, bg, bb] = spec.block.colour;
    image = sharp(
      await image
        .composite([
          {
            input: { create: { width: size, height: size, channels: 3, background: { r: br, g: bg, b: bb } } },
            left: Math.round(spec.width * spec.block.left),
            top: Math.round(spec.height * spec.block.top),
          },
        ])
        .png()
        .toBuffer(),
    );
  }
  if (spec.grain) {
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 };
    const grain = await sharp({ create: { width: spec.width, height: spec.height, channels: 3, background: '#808080', noise } }).png().toBuffer();
    image = sharp(await image.composite([{ input: grain, blend: 'overlay' }]).png().toBuffer());
  }
  const format = spec.format ?? 'jpeg';
  return format === 'png' ? image.png().toBuffer() : format === 'webp' ? image.webp({ quality: 85 }).toBuffer() : image.jpeg({ quality: 85 }).toBuffer();
}
