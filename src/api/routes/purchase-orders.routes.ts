import type { Request, Router } from 'express';
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
import { ApiRouter, decimalString, isoDay as isoDayOut, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const locationCode = z.string().trim().toUpperCase().min(1).max(32);
const statuses = z.enum(['draft', 'ordered', 'received', 'cancelled']);

export const draftBody = z.strictObject({
  location: locationCode,
  originDay: isoDay.optional(),
  suppliers: z.array(z.string().trim().min(1)).min(1).optional(),
  skus: z.array(z.string().trim().min(1)).min(1).max(2000).optional().meta({ description: 'only the lines of these products (the lines a person selected)' }),
});
const listQuery = z.strictObject({
  status: statuses.optional(),
  location: locationCode.optional(),
  supplier: z.string().trim().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
const idParams = z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'a purchase order id is a whole number').transform(Number) });

const lineSchema = z.strictObject({
  sku: z.string(),
  name: z.string(),
  unit: z.enum(['unit', 'kg', 'l']),
  barcode: z.string().nullable(),
  packs: z.int(),
  packSize: decimalString,
  quantity: decimalString,
  unitCost: decimalString.nullable(),
  amount: decimalString.nullable(),
});
const stampSchema = z.strictObject({ at: timestamp, by: z.string() }).nullable();
const orderFields = {
  id: z.int(),
  supplier: z.string(),
  location: z.string(),
  originDay: isoDayOut,
  status: statuses,
  lineCount: z.int(),
  createdAt: timestamp,
  updatedAt: timestamp,
  ordered: stampSchema,
  cancelled: stampSchema,
};
const orderSummarySchema = z.strictObject(orderFields).meta({ id: 'PurchaseOrderSummary' });
const orderSchema = z
  .strictObject({
    ...orderFields,
    lines: z.array(lineSchema),
    estimatedTotal: decimalString,
    linesWithoutCost: z.int(),
    events: z.array(z.strictObject({ from: z.string(), to: z.string(), by: z.strictObject({ ref: z.string(), name: z.string() }), at: timestamp })),
  })
  .meta({ id: 'PurchaseOrder' });
const draftsSchema = z
  .strictObject({
    location: z.string(),
    originDay: isoDayOut,
    drafts: z.array(z.strictObject({ id: z.int(), supplier: z.string(), status: statuses, lines: z.array(lineSchema) })),
  })
  .meta({ id: 'PurchaseOrderDrafts' });

/** Who is asking, as stored on a state change: the principal's stable reference and name. */
function actorOf(req: Request): Actor {
  const p = req.principal;
  if (!p) throw new UnauthorizedError();
  if (p.kind === 'session') return { ref: `user:${p.user.id}`, name: p.user.displayName };
  return { ref: `key:${p.keyId}`, name: p.name };
}

/** `/v1/purchase-orders`: drafts from reorder suggestions, then ordered or cancelled. */
export function purchaseOrdersRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/purchase-orders');

  api.route('post', '/drafts', {
    summary: 'Purchase-order drafts grouped by supplier from the current reorder suggestions (optionally only some suppliers or SKUs). The same request again returns the same open drafts',
    roles: ['negocio', 'ml_service'],
    body: draftBody,
    responses: { 201: draftsSchema },
    errors: [404, 422],
  }, async (_req, res, { body }) => {
    res.status(201).json(await createPurchaseOrderDrafts(db, body));
  });

  api.route('get', '/', {
    summary: 'Purchase orders (drafts, ordered, cancelled), newest first',
    query: listQuery,
    responses: { 200: z.strictObject({ items: z.array(orderSummarySchema), nextCursor }) },
  }, async (_req, res, { query }) => {
    const page = await listPurchaseOrders(db, { ...query, beforeId: decodeCursor(query.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('get', '/:id', {
    summary: 'A purchase order: lines with pack size, quantity and estimated cost; who ordered or cancelled it and when',
    params: idParams,
    responses: { 200: orderSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const order = await getPurchaseOrder(db, params.id);
    if (!order) throw new NotFoundError('purchase order', String(params.id));
    res.json(order);
  });

  api.route('post', '/:id/order', {
    summary: 'Mark a draft ordered (its quantities count as on order in the next suggestions). Already ordered: unchanged',
    roles: ['negocio'],
    params: idParams,
    responses: { 200: orderSchema },
    errors: [404, 409],
  }, async (req, res, { params }) => {
    res.json((await changePurchaseOrderStatus(db, params.id, 'ordered', actorOf(req))).order);
  });

  api.route('post', '/:id/cancel', {
    summary: 'Cancel a draft or an ordered purchase order. Already cancelled: unchanged',
    roles: ['negocio'],
    params: idParams,
    responses: { 200: orderSchema },
    errors: [404, 409],
  }, async (req, res, { params }) => {
    res.json((await changePurchaseOrderStatus(db, params.id, 'cancelled', actorOf(req))).order);
  });

  return api.router;
}
