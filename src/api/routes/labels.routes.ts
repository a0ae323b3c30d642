import { Router } from 'express';
import { z } from 'zod';
import { csvField } from '../../shared/csv.js';
import { NotFoundError } from '../../shared/errors.js';
import { getLabelBatch, listLabelBatches, listLabelItems, type LabelItem } from '../../shared/db/repositories/pricing-views.repository.js';
import type { ApiDeps } from '../deps.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';
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


/** `/v1/label-batches`: shelf labels of each repricing run, as JSON pages or one CSV. */
export function labelsRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const f = parseInput(z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().optional() }), req.query, 'query');
    const page = await listLabelBatches(db, { limit: f.limit, beforeId: decodeCursor(f.cursor) });
    res.json({ items: page.items.map((b) => ({ ...b, href: `/v1/label-batches/${b.id}`, csv: `/v1/label-batches/${b.id}?format=csv` })), nextCursor: encodeCursor(page.lastId, page.more) });
  });

  router.get('/:id', async (req, res) => {
    const f = parseInput(
      z.strictObject({ format: z.enum(['json', 'csv']).optional(), limit: z.coerce.number().int().min(1).max(5000).default(1000), cursor: z.string().optional() }),
      req.query,
      'query',
    );
    const id = /^\d{1,15}$/.test(req.params.id) ? Number(req.params.id) : undefined;
    const batch = id === undefined ? undefined : await getLabelBatch(db, id);
    if (!batch) throw new NotFoundError('label batch', req.params.id);
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

  return router;
}

registerOperations('/v1/label-batches', { get: { summary: 'Label batches (one per repricing run), newest first', query: ['limit', 'cursor'], responses: { 200: 'page of batches' } } });
registerOperations('/v1/label-batches/{id}', {
  get: {
    summary: 'Shelf labels of a batch (Ley 27.743): final price, price without national taxes, IVA and internal taxes contained, price per kg/l. JSON pages, or CSV with ?format=csv or Accept: text/csv',
    query: ['format', 'limit', 'cursor'],
    responses: { 200: 'labels', 404: 'not_found' },
  },
});
