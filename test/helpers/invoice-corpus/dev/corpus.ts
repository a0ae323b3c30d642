/**
 * The development corpus: every layout of `layouts.ts` as a text PDF, a scanned PDF and phone
 * photos with the QR visible and with it covered, written into a directory. Seeded: the same
 * seed writes the same files. Kept apart from the fast tests; the invoice benchmark builds it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeInvoiceSpec, rng, type InvoiceSpec } from '../spec.js';
import { DEV_LAYOUTS, devLayout, LAYOUT_FONT, LAYOUT_LETTERS, type DevLayout } from './layouts.js';
import { photoOptionsDev, renderDevPhoto, renderDevScanPdf, renderDevTextPdf, scanOptions, type PhotoOptions } from './render.js';

export type DevKind = 'pdf_text' | 'pdf_scan' | 'photo_qr' | 'photo_noqr';

export interface DevDoc {
  spec: InvoiceSpec;
  layout: DevLayout;
  kind: DevKind;
  path: string;
  mime: 'application/pdf' | 'image/jpeg';
  photo?: PhotoOptions;
}

export interface DevCorpusPlan {
  seed: number;
  /** Files of each kind per layout. */
  perLayout: Record<DevKind, number>;
  layouts?: readonly DevLayout[];
}

/** An invoice spec for a layout: its letter, and the FCE code on the credit-invoice form. */
export function devSpec(seed: number, layout: DevLayout): InvoiceSpec {
  const r = rng(seed);
  const letters = LAYOUT_LETTERS[layout];
  const letter = letters[Math.floor(r() * letters.length)]!;
  const spec = makeInvoiceSpec(seed, { letter, layout: 'afip', font: LAYOUT_FONT[layout], qr: true, lineCount: 2 + Math.floor(r() * 6) });
  const withLayout = { ...spec, id: `dev-${seed}-${layout}-${letter}` };
  return layout === 'arca-fce' ? { ...withLayout, type: 201 } : withLayout;
}

export async function buildDevCorpus(dir: string, plan: DevCorpusPlan): Promise<DevDoc[]> {
  const docs: DevDoc[] = [];
  let seed = plan.seed;
  for (const layout of plan.layouts ?? DEV_LAYOUTS) {
    for (const kind of ['pdf_text', 'pdf_scan', 'photo_qr', 'photo_noqr'] as const) {
      for (let i = 0; i < plan.perLayout[kind]; i++) {
        seed++;
        const spec = devSpec(seed, layout);
        const page = devLayout(spec, layout);
        const font = LAYOUT_FONT[layout];
        const base = join(dir, `${layout}-${kind}-${seed}`);
        if (kind === 'pdf_text') {
          await writeFile(`${base}.pdf`, await renderDevTextPdf(page, font));
          docs.push({ spec, layout, kind, path: `${base}.pdf`, mime: 'application/pdf' });
        } else if (kind === 'pdf_scan') {
          await writeFile(`${base}.pdf`, await renderDevScanPdf(page, font, scanOptions(seed)));
          docs.push({ spec, layout, kind, path: `${base}.pdf`, mime: 'application/pdf' });
        } else {
          const photo = photoOptionsDev(seed, { coverQr: kind === 'photo_noqr' });
          await writeFile(`${base}.jpg`, await renderDevPhoto(page, font, photo, seed));
          docs.push({ spec, layout, kind, path: `${base}.jpg`, mime: 'image/jpeg', photo });
        }
      }
    }
  }
  return docs;
}
