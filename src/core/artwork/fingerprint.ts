/**
 * Comparing the colour signatures cache.ts computes. Apart from the cache so
 * that code reading candidates from the library does not load sharp.
 */

// Mean and worst channel difference (0-255) two fingerprints may have and
// still be one picture. Re-encoding and resizing move the mean by 1 to 4
// levels, but a block a sharp edge crosses can move by 40 (WebP's chroma
// subsampling); a different cover moves most blocks by far more.
const SAME_MEAN_DIFF = 8;
const SAME_MAX_DIFF = 96;

/** Whether two fingerprints are the same picture (any size, any encoding). */
export function sameImage(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || a.length !== b.length || a.length % 2 !== 0) return false;
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  if (x.length === 0 || x.length * 2 !== a.length || y.length !== x.length) return false;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (d > SAME_MAX_DIFF) return false;
    sum += d;
  }
  return sum / x.length <= SAME_MEAN_DIFF;
}
