/**
 * The photo pipeline before OCR: find the sheet of paper on the table and undo the perspective,
 * turn the page upright (quarter turns from the text rows; a half turn is checked after OCR),
 * and optionally binarize with a local threshold that survives shadows. Pure pixel work on
 * grey rasters, bounded in size.
 */
import sharp from 'sharp';
import { homography, warpPerspective, type Point, type Raster } from './geometry.js';

export interface PhotoPipelineOptions {
  /** Find the page on the photo and correct its perspective. */
  pageDetect: boolean;
  /** Turn pages photographed sideways or upside down upright. */
  orientation: boolean;
  /** Divide the page by its own blurred background before OCR: grey, grainy or shaded paper turns white. */
  flattenLight: boolean;
  /** Sauvola local threshold before OCR (uneven light, shadows). */
  binarize: boolean;
  /** Look for the QR again at other scales and in crops before giving up. */
  qrSearch: boolean;
  /** Read the first page again, light evened out, when a key header field is missing; merge the two readings. */
  secondLook: boolean;
  /** After the second look: read the header's top-right block on its own when the point of sale, number, type or date is still missing. */
  headerLook: boolean;
}

export const DEFAULT_PHOTO_PIPELINE: PhotoPipelineOptions = { pageDetect: true, orientation: true, flattenLight: false, binarize: false, qrSearch: true, secondLook: true, headerLook: false };

export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decodes an image (EXIF orientation applied) to grey pixels, the long side at most `maxSide`. */
export async function loadGray(bytes: Buffer, maxSide: number): Promise<GrayImage> {
  const { data, info } = await sharp(bytes, { failOn: 'error' })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export function scaleGray(img: GrayImage, maxSide: number): GrayImage {
  const f = Math.min(1, maxSide / Math.max(img.width, img.height));
  if (f === 1) return img;
  const w = Math.max(1, Math.round(img.width * f));
  const h = Math.max(1, Math.round(img.height * f));
  const out = new Uint8Array(w * h);
  // Box filter: the mean of the source pixels each output pixel covers.
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y / f);
    const y1 = Math.min(img.height, Math.max(y0 + 1, Math.floor((y + 1) / f)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / f);
      const x1 = Math.min(img.width, Math.max(x0 + 1, Math.floor((x + 1) / f)));
      let s = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += img.data[yy * img.width + xx]!;
      out[y * w + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  return { data: out, width: w, height: h };
}

/** Otsu's threshold of a grey image. */
export function otsu(data: Uint8Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]!]!++;
  const total = data.length;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (!wB) continue;
    const wF = total - wB;
    if (!wF) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/** Least-squares line v = a·u + b through points, refitted twice without the worst quarter. */
function fitLine(pts: { u: number; v: number }[]): { a: number; b: number } | null {
  let cur = pts;
  let line: { a: number; b: number } | null = null;
  for (let round = 0; round < 3 && cur.length >= 8; round++) {
    const n = cur.length;
    const su = cur.reduce((s, p) => s + p.u, 0);
    const sv = cur.reduce((s, p) => s + p.v, 0);
    const suu = cur.reduce((s, p) => s + p.u * p.u, 0);
    const suv = cur.reduce((s, p) => s + p.u * p.v, 0);
    const den = n * suu - su * su;
    if (Math.abs(den) < 1e-9) return null;
    const a = (n * suv - su * sv) / den;
    line = { a, b: (sv - a * su) / n };
    const l = line;
    const res = cur.map((p) => Math.abs(p.v - (l.a * p.u + l.b))).sort((x, y) => x - y);
    const cut = Math.max(1.5, res[Math.floor(res.length * 0.75)]!);
    cur = cur.filter((p) => Math.abs(p.v - (l.a * p.u + l.b)) <= cut);
  }
  return line;
}

/**
 * The four corners (top-left, top-right, bottom-right, bottom-left) of the sheet of paper on a
 * photo, or null when no sheet stands out from its background (a scan, a tight crop). On a
 * small copy, each scan line is walked in from the frame until the first step up in brightness
 * (table → paper, a ratio, so it holds in shadow too); a line is fitted to each side's steps and
 * the sides intersected. A side with too few steps is the frame's own edge.
 */
export function detectPage(img: GrayImage): Point[] | null {
  const small = scaleGray(img, 600);
  const { width: w, height: h, data } = small;
  const at = (x: number, y: number) => data[y * w + x]!;
  const RATIO = 1.35;
  const step = (a: number, b: number) => b > 40 && b > a * RATIO;
  const mean3 = (xs: number[]) => (xs[0]! + xs[1]! + xs[2]!) / 3;
  const left: { u: number; v: number }[] = [];
  const right: { u: number; v: number }[] = [];
  const top: { u: number; v: number }[] = [];
  const bottom: { u: number; v: number }[] = [];
  for (let y = Math.round(h * 0.08); y < h * 0.92; y += 2) {
    for (let x = 3; x < w * 0.45; x++) {
      if (step(mean3([at(x - 3, y), at(x - 2, y), at(x - 1, y)]), mean3([at(x, y), at(x + 1, y), at(x + 2, y)]))) {
        left.push({ u: y, v: x });
        break;
      }
    }
    for (let x = w - 4; x > w * 0.55; x--) {
      if (step(mean3([at(x + 1, y), at(x + 2, y), at(x + 3, y)]), mean3([at(x, y), at(x - 1, y), at(x - 2, y)]))) {
        right.push({ u: y, v: x });
        break;
      }
    }
  }
  for (let x = Math.round(w * 0.08); x < w * 0.92; x += 2) {
    for (let y = 3; y < h * 0.45; y++) {
      if (step(mean3([at(x, y - 3), at(x, y - 2), at(x, y - 1)]), mean3([at(x, y), at(x, y + 1), at(x, y + 2)]))) {
        top.push({ u: x, v: y });
        break;
      }
    }
    for (let y = h - 4; y > h * 0.55; y--) {
      if (step(mean3([at(x, y + 1), at(x, y + 2), at(x, y + 3)]), mean3([at(x, y), at(x, y - 1), at(x, y - 2)]))) {
        bottom.push({ u: x, v: y });
        break;
      }
    }
  }
  const enough = (pts: unknown[], span: number) => pts.length >= (span * 0.84) / 2 * 0.35;
  const sides = [enough(left, h), enough(right, h), enough(top, w), enough(bottom, w)];
  if (sides.filter(Boolean).length < 3) return null;
  const L = sides[0] ? fitLine(left) : { a: 0, b: 0 };
  const R = sides[1] ? fitLine(right) : { a: 0, b: w - 1 };
  const T = sides[2] ? fitLine(top) : { a: 0, b: 0 };
  const B = sides[3] ? fitLine(bottom) : { a: 0, b: h - 1 };
  if (!L || !R || !T || !B) return null;
  // x = L.a·y + L.b meets y = T.a·x + T.b.
  const meet = (v: { a: number; b: number }, hz: { a: number; b: number }): Point => {
    const y = (hz.a * v.b + hz.b) / (1 - hz.a * v.a);
    return { x: v.a * y + v.b, y };
  };
  const quad = [meet(L, T), meet(R, T), meet(R, B), meet(L, B)];
  if (quad.some((p) => !Number.isFinite(p.x) || p.x < -w * 0.05 || p.x > w * 1.05 || p.y < -h * 0.05 || p.y > h * 1.05)) return null;
  const area = Math.abs(quad.reduce((a, p, i) => a + p.x * quad[(i + 1) % 4]!.y - quad[(i + 1) % 4]!.x * p.y, 0)) / 2;
  if (area < w * h * 0.25) return null;
  const f = img.width / w;
  return quad.map((p) => ({ x: Math.min(img.width - 1, Math.max(0, (p.x + 0.5) * f)), y: Math.min(img.height - 1, Math.max(0, (p.y + 0.5) * f)) }));
}

/**
 * The page inside `corners`, flattened to a rectangle `width` pixels wide: small text on a
 * low-resolution photo is enlarged (OCR reads letters best at 20–30 px high).
 */
export function flattenPage(img: GrayImage, corners: Point[], width: number): GrayImage {
  const [tl, tr, br, bl] = corners as [Point, Point, Point, Point];
  const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
  let w = Math.max(dist(tl, tr), dist(bl, br));
  let h = Math.max(dist(tl, bl), dist(tr, br));
  const f = Math.min(2, width / w);
  w = Math.round(w * f);
  h = Math.round(h * f);
  const toSrc = homography(
    [
      { x: 0, y: 0 },
      { x: w, y: 0 },
      { x: w, y: h },
      { x: 0, y: h },
    ],
    corners,
  );
  const src: Raster = { data: img.data, width: img.width, height: img.height, channels: 1 };
  const out = warpPerspective(src, toSrc, w, h, [255]);
  return { data: out.data as Uint8Array, width: w, height: h };
}

/** Rotates a grey image by a quarter turn clockwise (`1`), a half turn (`2`) or three quarters (`3`). */
export function rotateQuarter(img: GrayImage, turns: number): GrayImage {
  const k = ((turns % 4) + 4) % 4;
  if (k === 0) return img;
  const { width: w, height: h, data } = img;
  const ow = k === 2 ? w : h;
  const oh = k === 2 ? h : w;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      if (k === 1) out[x * ow + (h - 1 - y)] = v;
      else if (k === 2) out[(h - 1 - y) * ow + (w - 1 - x)] = v;
      else out[(w - 1 - x) * ow + y] = v;
    }
  }
  return { data: out, width: ow, height: oh };
}

/**
 * Whether the text rows run across (0) or down (1) the image: printed lines make the profile of
 * dark pixels per row far more peaked than the one per column. Returns the quarter turns that
 * bring the rows across: 0, or 1 (which may be 3; the OCR check decides).
 */
export function textRowsTurn(img: GrayImage): 0 | 1 {
  const small = scaleGray(img, 800);
  const { width: w, height: h, data } = small;
  const t = Math.min(otsu(data), 160);
  const rows = new Float64Array(h);
  const cols = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[y * w + x]! <= t) {
        rows[y]!++;
        cols[x]!++;
      }
    }
  }
  // Mean squared difference between neighbours: high where rows of text alternate with gaps.
  const rough = (p: Float64Array) => {
    let s = 0;
    let n = 0;
    for (let i = 1; i < p.length; i++) {
      s += (p[i]! - p[i - 1]!) ** 2;
      n += p[i]!;
    }
    return n ? s / n : 0;
  };
  const across = rough(rows) / w;
  const down = rough(cols) / h;
  return down > across * 1.5 ? 1 : 0;
}

/**
 * Evens out the light: each pixel divided by the page's background there (the image shrunk
 * eightfold and blurred, which erases the print and keeps paper tone, shadow and light falloff),
 * so paper reads white everywhere and ink keeps its contrast. Tesseract thresholds the whole page
 * with one value; on a dim, grainy photo that value turns the grain into ink and the text into
 * noise (seen on the development photos: a clean header read as `Pe be , A`).
 */
export async function flattenLight(img: GrayImage): Promise<GrayImage> {
  const { width: w, height: h, data } = img;
  if (w < 64 || h < 64) return img;
  const sw = Math.max(8, Math.round(w / 8));
  // `toColourspace('b-w')` each time: sharp hands one-channel raw input back as three channels otherwise.
  const small = await sharp(data, { raw: { width: w, height: h, channels: 1 } }).resize({ width: sw }).blur(6).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  const bg = await sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 1 } })
    .resize({ width: w, height: h, fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  if (bg.length !== w * h) throw new Error(`background of ${bg.length} bytes for a ${w}×${h} page`);
  const out = new Uint8Array(w * h);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, Math.round((data[i]! * 255) / Math.max(1, bg[i]!)));
  return { data: out, width: w, height: h };
}

/** Sauvola's local threshold (window ≈ 1/30 of the width, k = 0.2): ink black, paper white, shadows gone. */
export function binarize(img: GrayImage, k = 0.2): GrayImage {
  const { width: w, height: h, data } = img;
  const win = Math.max(15, Math.round(w / 30)) | 1;
  const r = win >> 1;
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = sum[y * W + x + 1]! + rs;
      sq[(y + 1) * W + x + 1] = sq[y * W + x + 1]! + rq;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * W + x1]! - sum[y0 * W + x1]! - sum[y1 * W + x0]! + sum[y0 * W + x0]!;
      const q = sq[y1 * W + x1]! - sq[y0 * W + x1]! - sq[y1 * W + x0]! + sq[y0 * W + x0]!;
      const mean = s / n;
      const sd = Math.sqrt(Math.max(0, q / n - mean * mean));
      out[y * w + x] = data[y * w + x]! > mean * (1 + k * (sd / 128 - 1)) ? 255 : 0;
    }
  }
  return { data: out, width: w, height: h };
}

export async function grayToPng(img: GrayImage): Promise<Buffer> {
  // `b-w` keeps the PNG one channel: from raw grey pixels sharp would otherwise write three identical ones.
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 1 }).toBuffer();
}

/** RGBA pixels of a grey image (what the QR reader takes). */
export function grayToRgba(img: GrayImage, crop?: { x: number; y: number; w: number; h: number }): { data: Uint8ClampedArray; width: number; height: number } {
  const c = crop ?? { x: 0, y: 0, w: img.width, h: img.height };
  const out = new Uint8ClampedArray(c.w * c.h * 4);
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const v = img.data[(y + c.y) * img.width + x + c.x]!;
      const o = (y * c.w + x) * 4;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
      out[o + 3] = 255;
    }
  }
  return { data: out, width: c.w, height: c.h };
}

/** Words that print on nearly every invoice: how many a page's OCR found tells upright from upside down. */
const ANCHORS = /factura|c\.?u\.?i\.?t|fecha|total|punto de venta|c\.?a\.?e|i\.?v\.?a|importe|subtotal|comprobante|cantidad|descripci|domicilio|cliente/gi;

export function anchorCount(text: string): number {
  return new Set((text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(ANCHORS) ?? []).map((m) => m.replace(/\W/g, ''))).size;
}
