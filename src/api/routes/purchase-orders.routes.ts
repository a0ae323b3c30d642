import { Router, type Request } from 'express';
import { z } from 'zod';
import { NotFoundError, UnauthorizedError } from '../../shared/errors.js';
import { isoDay } from '../../shared/validation.js';
import {
  changePurchaseOrderStatus,
  createPurchaseOrderDrafts,
  getPurchaseOrder,
  listPurchaseOrders,
  type Actor,
} from '../../shared/use-cases/purchase-orders.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const locationCode = z.string().trim().toUpperCase().min(1).max(32);

export const draftBody = z.strictObject({
  location: locationCode,
  originDay: isoDay.optional(),
  suppliers: z.array(z.string().trim().min(1)).min(1).optional(),
  skus: z.array(z.string().trim().min(1)).min(1).max(2000).optional(),
});
const listQuery = z.strictObject({
  status: z.enum(['draft', 'ordered', 'received', 'cancelled']).optional(),
  location: locationCode.optional(),
  supplier: z.string().trim().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
const idParam = z.string().regex(/^\d{1,15}$/, 'a purchase order id is a whole number').transform(Number);

/** Who is asking, as stored on a state change: the principal's stable reference and name. */
function actorOf(req: Request): Actor {
  const p = req.principal;
  if (!p) throw new UnauthorizedError();
  if (p.kind === 'session') return { ref: `user:${p.user.id}`, name: p.user.displayName };
  return { ref: `key:${p.keyId}`, name: p.name };
}

/** `/v1/purchase-orders`: drafts from reorder suggestions, then ordered or cancelled. */
export function purchaseOrdersRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.post('/drafts', requireRole('negocio', 'ml_service'), async (req, res) => {
    const b = parseInput(draftBody, req.body);
    res.status(201).json(await createPurchaseOrderDrafts(db, b));
  });

  router.get('/', async (req, res) => {
    const q = parseInput(listQuery, req.query, 'query');
    const page = await listPurchaseOrders(db, { ...q, beforeId: decodeCursor(q.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  router.get('/:id', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'purchase order id');
    const order = await getPurchaseOrder(db, id);
    if (!order) throw new NotFoundError('purchase order', String(id));
    res.json(order);
  });

  for (const [action, to] of [
    ['order', 'ordered'],
    ['cancel', 'cancelled'],
  ] as const) {
    router.post(`/:id/${action}`, requireRole('negocio'), async (req, res) => {
      const id = parseInput(idParam, req.params.id, 'purchase order id');
      const { order } = await changePurchaseOrderStatus(db, id, to, actorOf(req));
      res.json(order);
    });
  }

  return router;
}

registerOperations('/v1/purchase-orders/drafts', {
  post: {
    summary: 'Purchase-order drafts grouped by supplier from the current reorder suggestions (optionally only some suppliers or SKUs). The same request again returns the same open drafts',
    role: 'negocio or ml_service',
    body: draftBody,
    responses: { 201: '{location, originDay, drafts: [{id, supplier, status, lines}]}', 404: 'unknown location', 422: 'no_reorder_suggestions, unknown_sku or nothing_to_order' },
  },
});
registerOperations('/v1/purchase-orders', {
  get: { summary: 'Purchase orders (drafts, ordered, cancelled), newest first', query: ['status', 'location', 'supplier', 'limit', 'cursor'], responses: { 200: '{items, nextCursor}' } },
});
registerOperations('/v1/purchase-orders/{id}', {
  get: { summary: 'A purchase order: lines with pack size, quantity and estimated cost; who ordered or cancelled it and when', responses: { 200: 'purchase order', 404: 'not_found' } },
});
registerOperations('/v1/purchase-orders/{id}/order', {
  post: { summary: 'Mark a draft ordered (its quantities count as on order in the next suggestions). Already ordered: unchanged', role: 'negocio', responses: { 200: 'purchase order', 409: 'illegal_transition' } },
});
registerOperations('/v1/purchase-orders/{id}/cancel', {
  post: { summary: 'Cancel a draft or an ordered purchase order. Already cancelled: unchanged', role: 'negocio', responses: { 200: 'purchase order', 409: 'illegal_transition' } },
});
