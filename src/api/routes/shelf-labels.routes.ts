import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { LABEL_PDF_FORMATS, renderLabelsPdf, type LabelPdfFormat } from '../../shared/labels/pdf.js';
import { labelsForBatch, labelsForSkus, MAX_LABELS } from '../../shared/use-cases/shelf-labels.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, timestamp } from '../openapi.js';

const labelsQuery = z.strictObject({
  batch: z.coerce.number().int().min(1).optional().meta({ description: 'a label batch id (one per repricing run)' }),
  skus: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(64)).min(1, 'list at least one SKU').max(500, 'at most 500 SKUs at once'))
    .optional()
    .meta({ description: 'comma-separated SKUs (today’s prices)' }),
});

const labelSchema = z.strictObject({
  sku: z.string(),
  name: z.string(),
  unit: z.enum(['unit', 'kg', 'l']),
  price: decimalString,
  priceWithoutNationalTaxes: decimalString,
  unitPrice: decimalString.nullable(),
  unitPricePer: z.enum(['kg', 'l']).nullable(),
  previousPrice: decimalString.nullable(),
  barcode: z.string().nullable(),
  barcodeFormat: z.enum(['ean13', 'code128']).nullable(),
  barcodeSvg: z.string().nullable().meta({ description: 'a standalone SVG document' }),
});
const sheetSchema = z
  .strictObject({
    source: z.union([
      z.strictObject({ kind: z.literal('batch'), batchId: z.int(), runId: z.string(), reason: z.string(), createdAt: timestamp }),
      z.strictObject({ kind: z.literal('products') }),
    ]),
    truncated: z.boolean(),
    items: z.array(labelSchema),
    unpriced: z.array(z.string()),
  })
  .meta({ id: 'ShelfLabels' });

const pdfQuery = labelsQuery.extend({
  format: z.enum(LABEL_PDF_FORMATS as [LabelPdfFormat, ...LabelPdfFormat[]]).default('a4').meta({ description: 'a4: A4 sheet, 3 × 7 labels per page; 58 or 80: thermal label of that width, one per page' }),
});

const exactlyOneSource = (query: { batch?: number; skus?: string[] }) => {
  if ((query.batch === undefined) === (query.skus === undefined)) {
    throw new ValidationError('ask for the labels of one batch (?batch=ID) or of some products (?skus=A,B,C)', [{ path: 'batch', message: 'give batch or skus, not both' }]);
  }
};

/** `/v1/labels`: printable shelf labels with barcodes, for a label batch or a list of SKUs. */
export function shelfLabelsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/labels');

  api.route('get', '/pdf', {
    summary: `Shelf labels (Ley 27.743) as a PDF to download: an A4 sheet (3 × 7 per page) or 58 mm / 80 mm thermal labels (one per page), for a label batch (?batch=ID, up to ${MAX_LABELS}) or products (?skus=A,B; unpriced ones left out)`,
    query: pdfQuery,
    responses: { 200: { description: 'the PDF', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf', headers: { 'Content-Disposition': 'attachment; filename="etiquetas-….pdf"' } } },
    errors: [404, 422],
  }, async (_req, res, { query }) => {
    exactlyOneSource(query);
    let items;
    let name: string;
    if (query.batch !== undefined) {
      const labels = await labelsForBatch(db, query.batch);
      if (!labels) throw new NotFoundError('label batch', String(query.batch));
      items = labels.items;
      name = `etiquetas-lote-${labels.batch.id}-${query.format}.pdf`;
    } else {
      const labels = await labelsForSkus(db, query.skus!);
      if (labels.unknown.length) throw new UnprocessableError('unknown_sku', `no product with SKU ${labels.unknown.join(', ')}`, { skus: labels.unknown });
      if (!labels.items.length) throw new UnprocessableError('no_priced_products', `none of these products has a price yet (${labels.unpriced.join(', ')}); reprice them first`, { skus: labels.unpriced });
      items = labels.items;
      name = `etiquetas-${query.format}.pdf`;
    }
    const pdf = await renderLabelsPdf(items, query.format);
    res.type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.send(pdf);
  });

  api.route('get', '/', {
    summary: `Shelf labels (Ley 27.743) to print: final price, price without national taxes, price per kg/l, name and barcode as SVG (EAN-13 when valid, else Code 128), for a label batch (?batch=ID, up to ${MAX_LABELS}) or products (?skus=A,B; today's prices; unpriced ones listed apart)`,
    query: labelsQuery,
    responses: { 200: sheetSchema },
    errors: [404, 422],
  }, async (_req, res, { query }) => {
    exactlyOneSource(query);
    if (query.batch !== undefined) {
      const labels = await labelsForBatch(db, query.batch);
      if (!labels) throw new NotFoundError('label batch', String(query.batch));
      res.json({ source: { kind: 'batch', batchId: labels.batch.id, runId: labels.batch.runId, reason: labels.batch.reason, createdAt: labels.batch.createdAt }, truncated: labels.truncated, items: labels.items, unpriced: [] });
      return;
    }
    const labels = await labelsForSkus(db, query.skus!);
    if (labels.unknown.length) throw new UnprocessableError('unknown_sku', `no product with SKU ${labels.unknown.join(', ')}`, { skus: labels.unknown });
    res.json({ source: { kind: 'products' }, truncated: false, items: labels.items, unpriced: labels.unpriced });
  });
  return api.router;
}
