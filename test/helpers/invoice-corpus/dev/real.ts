/**
 * Real invoices for the benchmark, read from a local directory that is never committed: a
 * `truth.json` (written by hand from each file's fiscal QR or printed text) and the PDFs it
 * names. Each PDF is used as it is and photographed like the generated pages, with its QR
 * visible and covered.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPdf, rasterizePage } from '../../../../src/workers/processors/invoice-ingest/pdf.js';
import { locateQrCodes } from '../../../../src/workers/processors/invoice-ingest/qr.js';
import { photoOptionsDev, photographRaster } from './render.js';

export interface RealTruth {
  file: string;
  source: string;
  issuerCuit: string;
  type: number;
  pointOfSale: number;
  number: number;
  issueDate: string;
  total: string;
  cae: string | null;
}

export type RealKind = 'pdf' | 'photo_qr' | 'photo_noqr';

export interface RealDoc {
  truth: RealTruth;
  /** Position of the file in `truth.json`: what reports name it by (third-party file names stay local). */
  index: number;
  kind: RealKind;
  path: string;
  mime: 'application/pdf' | 'image/jpeg';
}

export async function loadRealTruth(dir: string): Promise<RealTruth[]> {
  return JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as RealTruth[];
}

/** The PDFs as they are plus a photo of page 1 with the QR visible (when it has one) and covered. */
export async function buildRealDocs(dir: string, outDir: string, seed: number, limit = Infinity): Promise<RealDoc[]> {
  const docs: RealDoc[] = [];
  const all = await loadRealTruth(dir);
  // At most `limit` files, spread evenly over the list (it is grouped by origin).
  const picked = all.length <= limit ? all : Array.from({ length: limit }, (_, k) => all[Math.floor((k * all.length) / limit)]!);
  for (const [i, truth] of picked.entries()) {
    const index = all.indexOf(truth);
    const path = join(dir, truth.file);
    docs.push({ truth, index, kind: 'pdf', path, mime: 'application/pdf' });
    const o = photoOptionsDev(seed + i, { turn: 0 });
    const doc = await openPdf(await readFile(path));
    try {
      const page = await rasterizePage(doc, 1, o.dpi);
      const rgb = new Uint8Array(page.width * page.height * 3);
      for (let p = 0, q = 0; p < page.data.length; p += 4, q += 3) {
        rgb[q] = page.data[p]!;
        rgb[q + 1] = page.data[p + 1]!;
        rgb[q + 2] = page.data[p + 2]!;
      }
      const qrs = await locateQrCodes(page);
      const raster = { data: rgb, width: page.width, height: page.height, channels: 3 as const };
      const base = join(outDir, `real-${i}`);
      if (qrs.length) {
        await writeFile(`${base}-qr.jpg`, await photographRaster({ ...raster, data: rgb.slice() }, o, seed + i));
        docs.push({ truth, index, kind: 'photo_qr', path: `${base}-qr.jpg`, mime: 'image/jpeg' });
      }
      const pad = (o.dpi / 72) * 4;
      const covers = qrs.map((q) => ({ x: q.box.x - pad, y: q.box.y - pad, w: q.box.w + 2 * pad, h: q.box.h + 2 * pad }));
      await writeFile(`${base}-noqr.jpg`, await photographRaster(raster, o, seed + i, covers));
      docs.push({ truth, index, kind: 'photo_noqr', path: `${base}-noqr.jpg`, mime: 'image/jpeg' });
    } finally {
      await doc.destroy();
    }
  }
  return docs;
}
