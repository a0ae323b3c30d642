import sharp from 'sharp';

export interface PreprocessOptions {
  /** Straighten a page photographed at a slight angle (projection-profile estimate, ±4°). */
  deskew: boolean;
  /** Stretch contrast to the full range (dim photos, grey paper). */
  normalize: boolean;
  /** Pages wider than this are scaled down first: OCR time grows with pixels, accuracy stops growing near 300 dpi. */
  maxWidth: number;
}

export const DEFAULT_PREPROCESS: PreprocessOptions = { deskew: true, normalize: true, maxWidth: 2200 };

/**
 * Estimates the skew of a text page in degrees: rows of text line up with the horizontal when
 * the histogram of dark pixels per row is most peaked (largest Σ h²).
 */
export function estimateSkew(gray: Uint8Array, width: number, height: number, maxDeg = 4, stepDeg = 0.2): number {
  const points: number[] = [];
  // Dark pixels only, and no more than ~60k of them: the estimate needs the text rows, not every pixel.
  const stride = Math.max(1, Math.floor(Math.sqrt((width * height) / 600_000)));
  for (let y = 0; y < height; y += stride) {
    for (let x = 0; x < width; x += stride) {
      if (gray[y * width + x]! < 80) points.push(x, y);
    }
  }
  if (points.length < 200) return 0;
  let best = 0;
  let bestScore = -1;
  const bins = new Float64Array(Math.ceil(height * 1.2) + 2);
  for (let deg = -maxDeg; deg <= maxDeg + 1e-9; deg += stepDeg) {
    const t = Math.tan((deg * Math.PI) / 180);
    bins.fill(0);
    const offset = Math.ceil(height * 0.1);
    for (let i = 0; i < points.length; i += 2) {
      const row = Math.round(points[i + 1]! - points[i]! * t) + offset;
      if (row >= 0 && row < bins.length) bins[row]! += 1;
    }
    let score = 0;
    for (let i = 0; i < bins.length; i++) score += bins[i]! * bins[i]!;
    if (score > bestScore) {
      bestScore = score;
      best = deg;
    }
  }
  return Math.round(best * 100) / 100;
}

export interface PreparedPage {
  png: Buffer;
  width: number;
  height: number;
  skewDeg: number;
}

/** Grayscale, bounded size, optional deskew and contrast stretch; returns a PNG for OCR. */
export async function preparePage(image: Buffer, opts: PreprocessOptions = DEFAULT_PREPROCESS): Promise<PreparedPage> {
  let img = sharp(image, { failOn: 'error' }).rotate().toColourspace('b-w');
  const meta = await sharp(image).metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  if (width > opts.maxWidth) img = img.resize({ width: opts.maxWidth });
  let { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  let skewDeg = 0;
  if (opts.deskew) {
    const small = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .resize({ width: Math.min(1000, info.width) })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    skewDeg = estimateSkew(small.data, small.info.width, small.info.height);
    if (Math.abs(skewDeg) >= 0.3) {
      const rotated = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .rotate(-skewDeg, { background: { r: 255, g: 255, b: 255 } })
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      data = rotated.data;
      info = rotated.info;
    }
  }
  let out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  if (opts.normalize) out = out.normalise({ lower: 1, upper: 99 });
  // One grey channel out (sharp writes raw grey pixels back as three identical channels unless
  // told): a third of the bytes for the OCR engine to decode and hold, the same pixels.
  const png = await out.toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
  return { png, width: info.width, height: info.height, skewDeg };
}
