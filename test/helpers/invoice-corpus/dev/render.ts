/**
 * Renders development-corpus pages as a text PDF, a flatbed scan (image-only PDF) and a phone
 * photo with the degradations of real ones: perspective, rotation (also a quarter or half
 * turn), uneven light and a shadow, a paper fold, blur, sensor noise and JPEG compression.
 * Every random choice comes from a seed, so the same seed gives the same bytes.
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { homography, warpPerspective, type Point } from '../../../../src/workers/processors/invoice-ingest/geometry.js';
import { fontFiles } from '../render.js';
import { rng, type FontFamily } from '../spec.js';
import type { DevOp, DevPage } from './layouts.js';

const registered = new Set<string>();
function canvasFont(family: FontFamily, bold: boolean): string {
  const alias = `dev-${family}-${bold ? 'b' : 'r'}`;
  if (!registered.has(alias)) {
    GlobalFonts.registerFromPath(fontFiles(family)[bold ? 'bold' : 'regular'], alias);
    registered.add(alias);
  }
  return alias;
}

function drawQr(ctx: SKRSContext2D, data: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 2);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, size, size);
  ctx.fillStyle = '#000000';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) ctx.fillRect(Math.floor(x + (c + 1) * cell), Math.floor(y + (r + 1) * cell), Math.ceil(cell), Math.ceil(cell));
}

function drawOp(ctx: SKRSContext2D, op: DevOp, s: number, font: FontFamily): void {
  if (op.kind === 'rect') {
    if (op.fill) {
      ctx.fillStyle = op.fill;
      ctx.fillRect(op.x * s, op.y * s, op.w * s, op.h * s);
    }
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = (op.stroke ?? 0.8) * s;
    ctx.strokeRect(op.x * s, op.y * s, op.w * s, op.h * s);
  } else if (op.kind === 'line') {
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = op.width * s;
    ctx.beginPath();
    ctx.moveTo(op.x1 * s, op.y1 * s);
    ctx.lineTo(op.x2 * s, op.y2 * s);
    ctx.stroke();
  } else if (op.kind === 'logo') {
    ctx.fillStyle = '#555555';
    ctx.beginPath();
    if (op.shape === 'circle') ctx.arc(op.x * s, op.y * s, op.r * s, 0, Math.PI * 2);
    else {
      ctx.moveTo(op.x * s, (op.y - op.r) * s);
      ctx.lineTo((op.x + op.r) * s, op.y * s);
      ctx.lineTo(op.x * s, (op.y + op.r) * s);
      ctx.lineTo((op.x - op.r) * s, op.y * s);
      ctx.closePath();
    }
    ctx.fill();
    ctx.fillStyle = '#ffffff';
    ctx.font = `${op.r * s}px "${canvasFont(font, true)}"`;
    ctx.textAlign = 'center';
    ctx.fillText(op.initials, op.x * s, (op.y + op.r * 0.35) * s);
  } else if (op.kind === 'text') {
    const g = op.gray ?? 0;
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.font = `${op.size * s}px "${canvasFont(font, op.bold)}"`;
    ctx.textAlign = op.align;
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(op.text, op.x * s, op.y * s);
  } else {
    drawQr(ctx, op.data, op.x * s, (op.y - op.size) * s, op.size * s);
  }
}

/** The page as RGB pixels at `dpi`. */
export function rasterizeDevPage(page: DevPage, font: FontFamily, dpi: number): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const s = dpi / 72;
  const canvas = createCanvas(Math.round(page.width * s), Math.round(page.height * s));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const op of page.ops) drawOp(ctx, op, s, font);
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb = new Uint8Array(canvas.width * canvas.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return { data: rgb, width: canvas.width, height: canvas.height, channels: 3 };
}

function pdfDoc(page: DevPage): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: [page.width, page.height], margin: 0, info: { CreationDate: new Date('2025-01-01T00:00:00Z') } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  return { doc, done };
}

/** A PDF with a text layer, as an invoicing program writes it. */
export async function renderDevTextPdf(page: DevPage, font: FontFamily): Promise<Buffer> {
  const { doc, done } = pdfDoc(page);
  const files = fontFiles(font);
  doc.registerFont('r', files.regular);
  doc.registerFont('b', files.bold);
  for (const op of page.ops) {
    if (op.kind === 'rect') {
      if (op.fill) doc.rect(op.x, op.y, op.w, op.h).lineWidth(op.stroke ?? 0.8).fillAndStroke(op.fill, '#000000');
      else doc.rect(op.x, op.y, op.w, op.h).lineWidth(op.stroke ?? 0.8).stroke('#000000');
      doc.fillColor('#000000');
    } else if (op.kind === 'line') {
      doc.moveTo(op.x1, op.y1).lineTo(op.x2, op.y2).lineWidth(op.width).stroke('#000000');
    } else if (op.kind === 'logo') {
      if (op.shape === 'circle') doc.circle(op.x, op.y, op.r).fill('#555555');
      else doc.polygon([op.x, op.y - op.r], [op.x + op.r, op.y], [op.x, op.y + op.r], [op.x - op.r, op.y]).fill('#555555');
      doc.font('b').fontSize(op.r).fillColor('#ffffff');
      const w = doc.widthOfString(op.initials);
      doc.text(op.initials, op.x - w / 2, op.y + op.r * 0.35, { lineBreak: false, baseline: 'alphabetic' });
      doc.fillColor('#000000');
    } else if (op.kind === 'text') {
      doc.font(op.bold ? 'b' : 'r').fontSize(op.size);
      const g = op.gray ?? 0;
      doc.fillColor([g, g, g].map((v) => Math.round((v / 255) * 100)) as unknown as PDFKit.Mixins.ColorValue);
      const w = doc.widthOfString(op.text);
      const x = op.align === 'left' ? op.x : op.align === 'right' ? op.x - w : op.x - w / 2;
      doc.text(op.text, x, op.y, { lineBreak: false, baseline: 'alphabetic' });
      doc.fillColor('#000000');
    } else {
      const png = await QRCode.toBuffer(op.data, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 6 });
      doc.image(png, op.x, op.y - op.size, { width: op.size, height: op.size });
    }
  }
  doc.end();
  return done;
}

export interface ScanOptions {
  dpi: number;
  /** Degrees: a sheet laid slightly askew on the glass. */
  skew: number;
  /** A quarter turn: a portrait page scanned sideways (or a landscape one upright). */
  quarterTurn: 0 | 90 | 270;
  jpegQuality: number;
}

export function scanOptions(seed: number): ScanOptions {
  const r = rng(seed ^ 0x5ca7);
  return { dpi: [150, 200, 240, 300][Math.floor(r() * 4)]!, skew: (r() * 2 - 1) * 1.5, quarterTurn: r() < 0.2 ? (r() < 0.5 ? 90 : 270) : 0, jpegQuality: 70 + Math.floor(r() * 16) };
}

/** An image-only PDF of the page as a flatbed scanner gives it (grey, slightly askew, JPEG). */
export async function renderDevScanPdf(page: DevPage, font: FontFamily, o: ScanOptions): Promise<Buffer> {
  const raw = rasterizeDevPage(page, font, o.dpi);
  // sharp applies one rotation per pipeline: the skew first, then the quarter turn.
  const skewed = await sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }).grayscale().rotate(o.skew, { background: '#f4f4f4' }).png({ compressionLevel: 0 }).toBuffer();
  const jpeg = await sharp(skewed).rotate(o.quarterTurn || undefined).jpeg({ quality: o.jpegQuality }).toBuffer();
  const meta = await sharp(jpeg).metadata();
  const ptW = (meta.width! / o.dpi) * 72;
  const ptH = (meta.height! / o.dpi) * 72;
  const { doc, done } = pdfDoc({ width: ptW, height: ptH, ops: [] });
  doc.image(jpeg, 0, 0, { width: ptW, height: ptH });
  doc.end();
  return done;
}

export interface PhotoOptions {
  dpi: number;
  /** Degrees of in-plane rotation (small) plus a quarter or half turn when the phone was held sideways. */
  rotation: number;
  turn: 0 | 90 | 180 | 270;
  /** Keystone: how far the camera was tilted from the page's normal, degrees (≤ 8). */
  tiltDeg: number;
  /** Extra corner jitter as a fraction of the page size. */
  jitter: number;
  blur: number;
  noise: number;
  jpegQuality: number;
  /** Light falls from 1 to `1 - lightDrop` across the page, in direction `lightAngle`. */
  lightDrop: number;
  lightAngle: number;
  /** A soft shadow (hand, phone) over one corner. */
  shadow: boolean;
  /** A paper fold across the page (horizontal or vertical), or none. */
  fold: 'none' | 'h' | 'v';
  /** Fraction of the frame the page covers in width (the rest is table). */
  fill: number;
  /** Whether the fiscal QR is covered (a thumb, a crease, a stamp), to measure reading without it. */
  coverQr: boolean;
}

export function photoOptionsDev(seed: number, overrides: Partial<PhotoOptions> = {}): PhotoOptions {
  const r = rng(seed ^ 0x9407);
  const turnDraw = r();
  return {
    dpi: 150 + Math.floor(r() * 151),
    rotation: (r() * 2 - 1) * 4,
    turn: turnDraw < 0.8 ? 0 : turnDraw < 0.88 ? 90 : turnDraw < 0.94 ? 270 : 180,
    tiltDeg: r() * 8,
    jitter: r() * 0.015,
    blur: 0.4 + r() * 1.0,
    noise: 3 + r() * 6,
    jpegQuality: 60 + Math.floor(r() * 26),
    lightDrop: 0.1 + r() * 0.3,
    lightAngle: r() * Math.PI * 2,
    shadow: r() < 0.5,
    fold: r() < 0.35 ? 'h' : r() < 0.5 ? 'v' : 'none',
    fill: 0.82 + r() * 0.14,
    coverQr: false,
    ...overrides,
  };
}

/** Rectangles (in page points) of the QR codes on a page. */
export function qrBoxes(page: DevPage): { x: number; y: number; w: number; h: number }[] {
  return page.ops.filter((o): o is Extract<DevOp, { kind: 'qr' }> => o.kind === 'qr').map((o) => ({ x: o.x, y: o.y - o.size, w: o.size, h: o.size }));
}

/** A phone photo of the printed page on a table. */
export async function renderDevPhoto(page: DevPage, font: FontFamily, o: PhotoOptions, seed: number): Promise<Buffer> {
  const src = rasterizeDevPage(page, font, o.dpi);
  const s = o.dpi / 72;
  const covers = o.coverQr ? qrBoxes(page).map((q) => ({ x: (q.x - 3) * s, y: (q.y - 3) * s, w: (q.w + 6) * s, h: (q.h + 6) * s })) : [];
  return photographRaster(src, o, seed, covers);
}

/**
 * Photographs an RGB page raster (rendered at `o.dpi`): `covers` (pixel boxes) are smudged over
 * first, as a thumb or a stamp over the QR would be.
 */
export async function photographRaster(src: { data: Uint8Array; width: number; height: number; channels: 3 }, o: PhotoOptions, seed: number, covers: { x: number; y: number; w: number; h: number }[] = []): Promise<Buffer> {
  const r = rng(seed ^ 0xf070);
  const s = o.dpi / 72;
  const { width: pw, height: ph, data } = src;
  for (const q of covers) {
    const x0 = Math.max(0, Math.floor(q.x));
    const y0 = Math.max(0, Math.floor(q.y));
    const x1 = Math.min(pw, Math.ceil(q.x + q.w));
    const y1 = Math.min(ph, Math.ceil(q.y + q.h));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.fill(150 + ((x * 7 + y * 13) % 40), (y * pw + x) * 3, (y * pw + x) * 3 + 3);
  }
  if (o.fold !== 'none') {
    // A crease: a bright ridge beside a dark valley, a few pixels wide.
    const at = o.fold === 'h' ? Math.round(ph * (0.3 + r() * 0.4)) : Math.round(pw * (0.4 + r() * 0.2));
    const half = Math.max(3, Math.round(s * 2));
    const len = o.fold === 'h' ? pw : ph;
    for (let d = -half * 3; d <= half * 3; d++) {
      const f = d < 0 ? 1 + 0.06 * Math.exp(-((d + half) ** 2) / (half * half)) : 1 - 0.22 * Math.exp(-((d - half / 2) ** 2) / (half * half));
      const line = at + d;
      if (line < 0 || line >= (o.fold === 'h' ? ph : pw)) continue;
      for (let t = 0; t < len; t++) {
        const i = o.fold === 'h' ? (line * pw + t) * 3 : (t * pw + line) * 3;
        for (let k = 0; k < 3; k++) data[i + k] = Math.min(255, data[i + k]! * f);
      }
    }
  }
  // Where the page corners land in the photo: fitted to the frame, tilted (keystone), rotated, jittered.
  const frameW = Math.round(pw / o.fill);
  const frameH = Math.round((ph / pw) * frameW + pw * (1 / o.fill - 1));
  const cx = frameW / 2;
  const cy = frameH / 2;
  const k = Math.tan((o.tiltDeg * Math.PI) / 180) * 0.9;
  const topShrink = r() < 0.5 ? k : -k;
  const corners: Point[] = [
    { x: -pw / 2 * (1 - topShrink / 2), y: -ph / 2 },
    { x: pw / 2 * (1 - topShrink / 2), y: -ph / 2 },
    { x: pw / 2 * (1 + topShrink / 2), y: ph / 2 },
    { x: -pw / 2 * (1 + topShrink / 2), y: ph / 2 },
  ];
  const scale = 1 / (1 + Math.abs(topShrink) / 2 + Math.abs(Math.sin((o.rotation * Math.PI) / 180)) * (ph / pw));
  const rad = (o.rotation * Math.PI) / 180;
  const placed = corners.map((p) => {
    const jx = (r() * 2 - 1) * o.jitter * pw;
    const jy = (r() * 2 - 1) * o.jitter * ph;
    const x = p.x * scale;
    const y = p.y * scale;
    return { x: cx + x * Math.cos(rad) - y * Math.sin(rad) + jx, y: cy + x * Math.sin(rad) + y * Math.cos(rad) + jy };
  });
  const pageCorners: Point[] = [
    { x: 0, y: 0 },
    { x: pw, y: 0 },
    { x: pw, y: ph },
    { x: 0, y: ph },
  ];
  const toPage = homography(placed, pageCorners);
  const table = [92 + Math.floor(r() * 40), 80 + Math.floor(r() * 30), 60 + Math.floor(r() * 30)];
  const warped = warpPerspective(src, toPage, frameW, frameH, table);
  // Light: a linear fall-off, an optional soft shadow over one corner, paper tint, sensor noise.
  const out = warped.data;
  const dx = Math.cos(o.lightAngle);
  const dy = Math.sin(o.lightAngle);
  const shadowCorner = { x: r() < 0.5 ? 0 : frameW, y: r() < 0.5 ? 0 : frameH };
  const shadowR = Math.min(frameW, frameH) * (0.35 + r() * 0.25);
  // Gaussian noise from a table: drawing a fresh value per pixel costs seconds per photo.
  const noise = new Float32Array(1 << 16);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.sqrt(-2 * Math.log(Math.max(r(), 1e-9))) * Math.cos(2 * Math.PI * r()) * o.noise;
  let state = (seed * 2654435761) >>> 0;
  const tint = [1, 0.97, 0.9];
  for (let y = 0; y < frameH; y++) {
    for (let x = 0; x < frameW; x++) {
      const proj = ((x - cx) * dx + (y - cy) * dy) / Math.max(frameW, frameH) + 0.5;
      let light = 1.02 - o.lightDrop * proj;
      if (o.shadow) {
        const dist = Math.hypot(x - shadowCorner.x, y - shadowCorner.y);
        if (dist < shadowR) light *= 1 - 0.4 * Math.min(1, (shadowR - dist) / (shadowR * 0.25));
      }
      state = (state * 1664525 + 1013904223) >>> 0;
      const n = noise[state >>> 16]!;
      const i = (y * frameW + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = out[i + c]! * light * tint[c]! + n;
        out[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  let img = sharp(out, { raw: { width: frameW, height: frameH, channels: 3 } });
  if (o.blur > 0.3) img = img.blur(o.blur);
  if (o.turn) img = img.rotate(o.turn);
  return img.jpeg({ quality: o.jpegQuality }).toBuffer();
}
