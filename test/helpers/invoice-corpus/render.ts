import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { layoutInvoice, PAGE, type Op } from './layout.js';
import { rng, type FontFamily, type InvoiceSpec } from './spec.js';

const require = createRequire(import.meta.url);

/** Fonts come from npm packages (no system fonts needed): Arimo, Tinos and Cousine are metric-compatible with Arial, Times and Courier. */
const FONT_FILES: Record<FontFamily, { regular: string; bold: string }> = {
  arimo: fontsource('arimo'),
  tinos: fontsource('tinos'),
  cousine: fontsource('cousine'),
  'dejavu-sans': dejavu('DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'),
  'dejavu-serif': dejavu('DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'),
  'dejavu-mono': dejavu('DejaVuSansMono.ttf', 'DejaVuSansMono-Bold.ttf'),
};

function fontsource(name: string): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve(`@fontsource/${name}/package.json`)), 'files');
  return { regular: join(dir, `${name}-latin-400-normal.woff`), bold: join(dir, `${name}-latin-700-normal.woff`) };
}

function dejavu(regular: string, bold: string): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return { regular: join(dir, regular), bold: join(dir, bold) };
}

export function fontFiles(family: FontFamily): { regular: string; bold: string } {
  const f = FONT_FILES[family];
  for (const path of [f.regular, f.bold]) {
    if (!existsSync(path)) throw new Error(`font ${path} is missing: run npm install (the corpus fonts are devDependencies)`);
  }
  return f;
}

const registered = new Set<string>();
function canvasFont(family: FontFamily, style: 'regular' | 'bold'): string {
  const alias = `corpus-${family}-${style}`;
  if (!registered.has(alias)) {
    GlobalFonts.registerFromPath(fontFiles(family)[style], alias);
    registered.add(alias);
  }
  return alias;
}

/** A PDF with a real text layer (what ARCA's web service and most ERPs produce). */
export async function renderTextPdf(spec: InvoiceSpec): Promise<Buffer> {
  const ops = layoutInvoice(spec);
  const files = fontFiles(spec.font);
  const doc = new PDFDocument({ size: 'A4', margin: 0, info: { Title: `Factura ${spec.letter}`, CreationDate: new Date('2025-01-01T00:00:00Z') } });
  doc.registerFont('regular', files.regular);
  doc.registerFont('bold', files.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  for (const op of ops) {
    if (op.kind === 'rect') {
      if (op.fill) doc.rect(op.x, op.y, op.w, op.h).fillAndStroke(op.fill, '#000000');
      else doc.rect(op.x, op.y, op.w, op.h).lineWidth(0.8).stroke('#000000');
      doc.fillColor('#000000');
    } else if (op.kind === 'text') {
      doc.font(op.style).fontSize(op.size);
      const w = doc.widthOfString(op.text);
      const x = op.align === 'left' ? op.x : op.align === 'right' ? op.x - w : op.x - w / 2;
      doc.text(op.text, x, op.y, { lineBreak: false, baseline: 'alphabetic' });
    } else {
      const png = await QRCode.toBuffer(op.data, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 6 });
      doc.image(png, op.x, op.y - op.size, { width: op.size, height: op.size });
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

function drawQr(ctx: SKRSContext2D, data: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 1;
  const cell = size / (n + 2 * quiet);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(x, y, size, size);
  ctx.fillStyle = '#000000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) ctx.fillRect(Math.floor(x + (c + quiet) * cell), Math.floor(y + (r + quiet) * cell), Math.ceil(cell), Math.ceil(cell));
    }
  }
}

/** The page as a clean raster (a flatbed scan), PNG at `dpi`. */
export function renderPng(spec: InvoiceSpec, dpi = 200): Buffer {
  const ops: Op[] = layoutInvoice(spec);
  const s = dpi / 72;
  const canvas = createCanvas(Math.round(PAGE.width * s), Math.round(PAGE.height * s));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (const op of ops) {
    if (op.kind === 'rect') {
      if (op.fill) {
        ctx.fillStyle = op.fill;
        ctx.fillRect(op.x * s, op.y * s, op.w * s, op.h * s);
      }
      ctx.strokeStyle = '#000000';
      ctx.lineWidth = 0.8 * s;
      ctx.strokeRect(op.x * s, op.y * s, op.w * s, op.h * s);
    } else if (op.kind === 'text') {
      ctx.fillStyle = '#000000';
      ctx.font = `${op.size * s}px "${canvasFont(spec.font, op.style)}"`;
      ctx.textAlign = op.align;
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(op.text, op.x * s, op.y * s);
    } else {
      drawQr(ctx, op.data, op.x * s, (op.y - op.size) * s, op.size * s);
    }
  }
  return canvas.toBuffer('image/png');
}

/** A PDF without a text layer: the scanned page embedded as an image. */
export async function renderImagePdf(spec: InvoiceSpec, dpi = 200): Promise<Buffer> {
  const png = renderPng(spec, dpi);
  const jpeg = await sharp(png).grayscale().jpeg({ quality: 85 }).toBuffer();
  const doc = new PDFDocument({ size: 'A4', margin: 0, info: { CreationDate: new Date('2025-01-01T00:00:00Z') } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  doc.image(jpeg, 0, 0, { width: PAGE.width, height: PAGE.height });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export interface PhotoOptions {
  /** Degrees, small (a hand-held phone): ±3. */
  rotation: number;
  /** Gaussian blur sigma in pixels (0 = sharp). */
  blur: number;
  /** Standard deviation of added pixel noise (0–255 scale). */
  noise: number;
  format: 'jpeg' | 'png';
  dpi: number;
}

export function photoOptions(seed: number, format: 'jpeg' | 'png' = 'jpeg'): PhotoOptions {
  const r = rng(seed ^ 0x5eed);
  return {
    rotation: (r() * 2 - 1) * 2.5,
    blur: 0.5 + r() * 0.5,
    noise: 6 + r() * 8,
    format,
    dpi: 250 + Math.floor(r() * 50),
  };
}

/**
 * A phone photo of the printed page: slight rotation on a darker background, blur, uneven light,
 * a paper tint, sensor noise and JPEG compression.
 */
export async function renderPhoto(spec: InvoiceSpec, opts: PhotoOptions, seed = 1): Promise<Buffer> {
  const png = renderPng(spec, opts.dpi);
  const rotated = await sharp(png)
    .rotate(opts.rotation, { background: { r: 120, g: 110, b: 95 } })
    .blur(opts.blur > 0.3 ? opts.blur : undefined)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = rotated;
  const r = rng(seed);
  const gauss = () => {
    const u = Math.max(r(), 1e-9);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
  const tint = [1, 0.97, 0.9];
  for (let y = 0; y < info.height; y++) {
    // Light falls off toward the bottom-right corner.
    const rowLight = 1 - 0.12 * (y / info.height);
    for (let x = 0; x < info.width; x++) {
      const light = rowLight - 0.08 * (x / info.width);
      const i = (y * info.width + x) * info.channels;
      const n = gauss() * opts.noise;
      for (let c = 0; c < 3; c++) {
        const v = data[i + c]! * light * tint[c]! + n;
        data[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  const img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  return opts.format === 'jpeg' ? img.jpeg({ quality: 78 }).toBuffer() : img.png().toBuffer();
}
