/**
 * Shelf labels (Ley 27.743) ready to print: for a repricing run's label batch (the prices it set)
 * or for products picked by hand (their current prices). Each label has the final price, the
 * price without national taxes, the price per kg or litre when it applies, and the barcode as
 * SVG.
 */
import type { Kysely } from 'kysely';
import type { DB, Unit } from '../db/database.js';
import { getLabelBatch, getProductPricing, listLabelItems } from '../db/repositories/pricing-views.repository.js';
import { renderBarcodeSvg } from '../labels/barcode.js';
import type { BarcodeFormat } from '../domain/labels.js';

/** At most this many labels per answer (a sheet holds 24; a whole shop is printed in parts). */
export const MAX_LABELS = 2000;

export interface ShelfLabel {
  sku: string;
  name: string;
  unit: Unit;
  price: string;
  priceWithoutNationalTaxes: string;
  unitPrice: string | null;
  unitPricePer: 'kg' | 'l' | null;
  previousPrice: string | null;
  barcode: string | null;
  barcodeFormat: BarcodeFormat | null;
  barcodeSvg: string | null;
}

function withBarcode(l: Omit<ShelfLabel, 'barcodeFormat' | 'barcodeSvg'>): ShelfLabel {
  const b = renderBarcodeSvg(l.barcode);
  return { ...l, barcodeFormat: b?.format ?? null, barcodeSvg: b?.svg ?? null };
}

/** The labels of a batch (prices as its run set them), in product order; undefined if no such batch. */
export async function labelsForBatch(db: Kysely<DB>, batchId: number) {
  const batch = await getLabelBatch(db, batchId);
  if (!batch) return undefined;
  const page = await listLabelItems(db, batch.runId, { limit: MAX_LABELS });
  return {
    batch,
    truncated: page.more,
    items: page.items.map((i) =>
      withBarcode({
        sku: i.sku,
        name: i.name,
        unit: i.unit,
        price: i.price,
        priceWithoutNationalTaxes: i.priceWithoutNationalTaxes,
        unitPrice: i.unitPrice,
        unitPricePer: i.unitPricePer,
        previousPrice: i.previousPrice,
        barcode: i.barcode,
      }),
    ),
  };
}

/** Labels of products picked by hand, at today's prices; products without a price are listed apart. */
export async function labelsForSkus(db: Kysely<DB>, skus: string[]) {
  const items: ShelfLabel[] = [];
  const unknown: string[] = [];
  const unpriced: string[] = [];
  for (const sku of [...new Set(skus)]) {
    const p = await getProductPricing(db, sku);
    if (!p) {
      unknown.push(sku);
      continue;
    }
    if (p.price === null || p.priceWithoutNationalTaxes === null) {
      unpriced.push(sku);
      continue;
    }
    const product = await db.selectFrom('products').select('barcode').where('id', '=', p.id).executeTakeFirstOrThrow();
    items.push(
      withBarcode({
        sku: p.sku,
        name: p.name,
        unit: p.unit,
        price: p.price,
        priceWithoutNationalTaxes: p.priceWithoutNationalTaxes,
        unitPrice: p.unitPrice?.price ?? null,
        unitPricePer: p.unitPrice?.per ?? null,
        previousPrice: null,
        barcode: product.barcode,
      }),
    );
  }
  return { items, unknown, unpriced };
}
