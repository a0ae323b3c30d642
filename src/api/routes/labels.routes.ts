import type { Router } from 'express';
import { z } from 'zod';
import { csvField } from '../../shared/csv.js';
import { NotFoundError } from '../../shared/errors.js';
import { getLabelBatch, listLabelBatches, listLabelItems, type LabelItem } from '../../shared/db/repositories/pricing-views.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const CSV_COLUMNS: [string, (i: LabelItem) => string | null][] = [
  ['sku', (i) => i.sku],
  ['barcode', (i) => i.barcode],
  ['name', (i) => i.name],
  ['unit', (i) => i.unit],
  ['price', (i) => i.price],
  ['price_without_national_taxes', (i) => i.priceWithoutNationalTaxes],
  ['iva_contained', (i) => i.ivaContained],
  ['internal_taxes_contained', (i) => i.internalTaxesContained],
  ['unit_price', (i) => i.unitPrice],
  ['unit_price_per', (i) => i.unitPricePer],
  ['previous_price', (i) => i.previousPrice],
];


const batchSchema = z
  .strictObject({ id: z.int(), runId: z.string(), reason: z.string(), trigger: z.string(), productCount: z.int(), createdAt: timestamp })
  .meta({ id: 'LabelBatch' });
const labelSchema = z
  .strictObject({
    sku: z.string(),
    barcode: z.string().nullable(),
    name: z.string(),
    unit: z.enum(['unit', 'kg', 'l']),
    price: decimalString,
    priceWithoutNationalTaxes: decimalString,
    ivaContained: decimalString,
    internalTaxesContained: decimalString,
    unitPrice: decimalString.nullable(),
    unitPricePer: z.enum(['kg', 'l']).nullable(),
    previousPrice: decimalString.nullable(),
    changedAt: timestamp,
  })
  .meta({ id: 'Label' });

/** `/v1/label-batches`: shelf labels of each repricing run, as JSON pages or one CSV. */
export function labelsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/label-batches');

  api.route('get', '/', {
    summary: 'Label batches (one per repricing run), newest first',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() }),
    responses: { 200: z.strictObject({ items: z.array(batchSchema.extend({ href: z.string(), csv: z.string() })), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listLabelBatches(db, { limit: f.limit, beforeId: decodeCursor(f.cursor) });
    res.json({ items: page.items.map((b) => ({ ...b, href: `/v1/label-batches/${b.id}`, csv: `/v1/label-batches/${b.id}?format=csv` })), nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('get', '/:id', {
    summary: 'Shelf labels of a batch (Ley 27.743): final price, price without national taxes, IVA and internal taxes contained, price per kg/l',
    description: 'JSON pages, or one CSV with ?format=csv or Accept: text/csv.',
    params: z.strictObject({ id: z.string().meta({ description: 'the numeric batch id' }) }),
    query: z.strictObject({ format: z.enum(['json', 'csv']).optional(), limit: z.coerce.number().int().min(1).max(5000).default(1000), cursor: z.string().optional() }),
    responses: {
      200: {
        description: 'the labels (JSON page or CSV)',
        schema: batchSchema.extend({ items: z.array(labelSchema), nextCursor }),
        alternatives: { 'text/csv': z.string().meta({ description: `every label; columns ${CSV_COLUMNS.map(([name]) => name).join(', ')}` }) },
      },
    },
    errors: [404],
  }, async (req, res, { params, query: f }) => {
    const id = /^\d{1,15}$/.test(params.id) ? Number(params.id) : undefined;
    const batch = id === undefined ? undefined : await getLabelBatch(db, id);
    if (!batch) throw new NotFoundError('label batch', params.id);
    const csv = f.format === 'csv' || (f.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv) {
      const page = await listLabelItems(db, batch.runId, { limit: f.limit, afterProductId: decodeCursor(f.cursor) });
      res.json({ ...batch, items: page.items, nextCursor: encodeCursor(page.lastProductId, page.more) });
      return;
    }
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="labels-${batch.id}.csv"`);
    res.write(`${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
    // Streamed in pages so a batch of every product never sits in memory at once.
    let after: number | undefined;
    for (;;) {
      const page = await listLabelItems(db, batch.runId, { limit: 5000, afterProductId: after });
      if (page.items.length) res.write(page.items.map((i) => `${CSV_COLUMNS.map(([, get]) => csvField(get(i))).join(',')}\r\n`).join(''));
      if (!page.more) break;
      after = page.lastProductId!;
    }
    res.end();
  });

  return api.router;
}
