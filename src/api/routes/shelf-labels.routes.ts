import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { labelsForBatch, labelsForSkus, MAX_LABELS } from '../../shared/use-cases/shelf-labels.js';
import type { ApiDeps } from '../deps.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';

const labelsQuery = z.strictObject({
  batch: z.coerce.number().int().min(1).optional(),
  skus: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(64)).min(1, 'list at least one SKU').max(500, 'at most 500 SKUs at once'))
    .optional(),
});

/** `/v1/labels`: printable shelf labels with barcodes, for a label batch or a list of SKUs. */
export function shelfLabelsRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const q = parseInput(labelsQuery, req.query, 'query');
    if ((q.batch === undefined) === (q.skus === undefined)) {
      throw new ValidationError('ask for the labels of one batch (?batch=ID) or of some products (?skus=A,B,C)', [{ path: 'batch', message: 'give batch or skus, not both' }]);
    }
    if (q.batch !== undefined) {
      const labels = await labelsForBatch(db, q.batch);
      if (!labels) throw new NotFoundError('label batch', String(q.batch));
      res.json({ source: { kind: 'batch', batchId: labels.batch.id, runId: labels.batch.runId, reason: labels.batch.reason, createdAt: labels.batch.createdAt }, truncated: labels.truncated, items: labels.items, unpriced: [] });
      return;
    }
    const labels = await labelsForSkus(db, q.skus!);
    if (labels.unknown.length) throw new UnprocessableError('unknown_sku', `no product with SKU ${labels.unknown.join(', ')}`, { skus: labels.unknown });
    res.json({ source: { kind: 'products' }, truncated: false, items: labels.items, unpriced: labels.unpriced });
  });
  return router;
}

registerOperations('/v1/labels', {
  get: {
    summary: `Shelf labels (Ley 27.743) to print: final price, price without national taxes, price per kg/l, name and barcode as SVG (EAN-13 when valid, else Code 128), for a label batch (?batch=ID, up to ${MAX_LABELS}) or products (?skus=A,B; today's prices; unpriced ones listed apart)`,
    query: ['batch', 'skus'],
    responses: { 200: '{source, items, unpriced, truncated}', 400: 'neither or both of batch and skus', 404: 'unknown batch', 422: 'unknown_sku' },
  },
});
