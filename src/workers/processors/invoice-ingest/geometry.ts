/** Plane geometry for page photos: homographies between four corner points and warping pixels with one. */

export interface Point {
  x: number;
  y: number;
}

/** Row-major 3×3 matrix. */
export type Homography = [number, number, number, number, number, number, number, number, number];

/** Solves A·x = b in place (Gaussian elimination with partial pivoting); null when singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** The homography that maps each `from[i]` onto `to[i]` (four points, no three collinear). */
export function homography(from: Point[], to: Point[]): Homography {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solve(a, b);
  if (!h) throw new RangeError('degenerate corner points');
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

export function applyHomography(h: Homography, p: Point): Point {
  const w = h[6] * p.x + h[7] * p.y + h[8];
  return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}

export interface Raster {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
}

/**
 * Warps `src` into a new `width`×`height` raster: each output pixel is sampled (bilinear) at
 * `dstToSrc(pixel)`; outside the source it takes `background` (one value per channel).
 */
export function warpPerspective(src: Raster, dstToSrc: Homography, width: number, height: number, background: number[]): Raster {
  const { data, width: sw, height: sh, channels: ch } = src;
  const out = new Uint8Array(width * height * ch);
  const [a, b, c, d, e, f, g, h, i] = dstToSrc;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const w = g * x + h * y + i;
      const sx = (a * x + b * y + c) / w;
      const sy = (d * x + e * y + f) / w;
      const o = (y * width + x) * ch;
      if (sx < 0 || sy < 0 || sx >= sw - 1 || sy >= sh - 1) {
        for (let k = 0; k < ch; k++) out[o + k] = background[k] ?? background[0]!;
        continue;
      }
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const p00 = (y0 * sw + x0) * ch;
      const p10 = p00 + ch;
      const p01 = p00 + sw * ch;
      const p11 = p01 + ch;
      for (let k = 0; k < ch; k++) {
        const top = data[p00 + k]! + (data[p10 + k]! - data[p00 + k]!) * fx;
        const bot = data[p01 + k]! + (data[p11 + k]! - data[p01 + k]!) * fx;
        out[o + k] = top + (bot - top) * fy + 0.5;
      }
    }
  }
  return { data: out, width, height, channels: ch };
}
