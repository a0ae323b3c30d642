import type { Router } from 'express';
import { z } from 'zod';
import { categoryName } from '../../shared/validation.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { withTransaction } from '../../shared/db/transaction.js';
import { auditActorOf } from '../audit-actor.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { createProduct, findProductSummary, getProduct, listProducts, readProductAuditColumns, updateProduct } from '../../shared/db/repositories/catalog.repository.js';
import { productKardex, productStockHistory } from '../../shared/db/repositories/reports.repository.js';
import { parseQuantity } from '../../shared/domain/quantity.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, isoDay, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, decodeOffsetCursor, encodeCursor, encodeOffsetCursor } from '../pagination.js';

const nonNegativeQuantity = z
  .union([z.string(), z.number()])
  .refine((v) => { const q = parseQuantity(v); return q !== undefined && q >= 0n; }, 'must be a number ≥ 0 with at most 3 decimals')
  .transform(String);

const productFields = {
  name: z.string().trim().min(1).max(200),
  category: categoryName,
  barcode: z.string().trim().regex(/^\d{6,14}$/, 'must be 6 to 14 digits (EAN/UPC)').nullable().optional(),
  reorderPoint: nonNegativeQuantity.optional(),
  allowNegativeStock: z.boolean().optional(),
};

export const createProductSchema = z.strictObject({
  sku: z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, 'letters, digits, "_", "-" and "." only'),
  unit: z.enum(['unit', 'kg', 'l']).default('unit'),
  ...productFields,
});

export const updateProductSchema = z
  .strictObject({ ...productFields, name: productFields.name.optional(), category: productFields.category.optional() })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');

const listSchema = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().meta({ description: 'search as you type: name, SKU, barcode; accents and case ignored' }),
  barcode: z.string().trim().optional(),
  category: z.string().trim().toLowerCase().optional(),
  location: z.string().trim().toUpperCase().optional().meta({ description: 'only products with a balance at this location' }),
  belowReorderPoint: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

const shopDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');
/** A shop day ('2026-03-01', Buenos Aires) or an instant with its offset. */
const timeBound = z.union([shopDay.transform((day) => ({ day })), z.iso.datetime({ offset: true }).transform((v) => ({ at: new Date(v) }))]);

const kardexSchema = z.strictObject({
  location: z.string().trim().toUpperCase().optional(),
  type: z.enum(['sale', 'receipt', 'adjustment', 'count', 'transfer']).optional(),
  from: timeBound.optional().meta({ description: 'a shop day YYYY-MM-DD (Buenos Aires) or an ISO instant' }),
  to: timeBound.optional().meta({ description: 'a shop day (inclusive) or an ISO instant' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

const stockHistorySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(90) });

const units = z.enum(['unit', 'kg', 'l']);

export const productSchema = z
  .strictObject({
    sku: z.string(),
    barcode: z.string().nullable(),
    name: z.string(),
    category: z.string(),
    unit: units,
    reorderPoint: decimalString,
    allowNegativeStock: z.boolean(),
    onHand: decimalString.meta({ description: 'sum over every location' }),
    stock: z.array(z.strictObject({ location: z.string(), quantity: decimalString })).meta({ description: 'balance per location that ever had a movement of it' }),
    belowReorderPoint: z.boolean(),
    price: decimalString.nullable(),
    replacementCost: decimalString.nullable(),
    marginPct: decimalString.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Product' });

const kardexRowSchema = z
  .strictObject({
    ledgerId: z.int(),
    movementId: z.uuid(),
    type: z.enum(['sale', 'receipt', 'adjustment', 'count', 'transfer']),
    location: z.string(),
    counterpartLocation: z.string().nullable().meta({ description: 'the other side of a transfer' }),
    quantity: decimalString,
    balanceAfter: decimalString,
    unitCost: decimalString.nullable(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    occurredAt: timestamp,
    recordedAt: timestamp,
  })
  .meta({ id: 'KardexRow' });

const stockHistoryResponse = z.strictObject({
  sku: z.string(),
  days: z.int(),
  unit: units,
  timeZone: z.string(),
  locations: z.array(z.string()),
  points: z.array(z.strictObject({ day: isoDay, total: decimalString, byLocation: z.record(z.string(), decimalString) })),
});

const skuParams = z.strictObject({ sku: z.string() });

async function productOr404(db: ApiDeps['db'], sku: string) {
  const product = await findProductSummary(db, sku);
  if (!product) throw new NotFoundError('product', sku);
  return product;
}

export function productsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/products');

  api.route('get', '/', {
    summary: 'List products with stock per location, price, replacement cost and margin',
    description: 'q searches as you type (name, SKU, barcode; accents and case ignored): exact SKU/barcode first, then prefixes, then contains. Cursor pagination.',
    query: listSchema,
    responses: { 200: z.strictObject({ items: z.array(productSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    if (f.q) {
      const page = await listProducts(db, { ...f, offset: decodeOffsetCursor(f.cursor) });
      res.json({ items: page.items, nextCursor: encodeOffsetCursor(page.lastId, page.more) });
      return;
    }
    const page = await listProducts(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('post', '/', {
    summary: 'Create a product',
    roles: ['negocio'],
    body: createProductSchema,
    responses: { 201: productSchema },
    errors: [409],
  }, async (req, res, { body: p }) => {
    const created = await withTransaction(db, async (trx) => {
      const values = { sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode ?? null, reorderPoint: p.reorderPoint ?? '0', allowNegativeStock: p.allowNegativeStock ?? false };
      if (!(await createProduct(trx, values))) return false;
      await recordAudit(trx, auditActorOf(req), { action: 'product.created', entityType: 'product', entityId: p.sku, after: values });
      return true;
    });
    if (!created) throw new ConflictError('sku_taken', `a product with sku ${p.sku} already exists; PATCH /v1/products/${p.sku} to change it`);
    res.status(201).location(`/v1/products/${encodeURIComponent(p.sku)}`).json(await getProduct(db, p.sku));
  });

  api.route('get', '/:sku', {
    summary: 'One product with its stock on hand',
    params: skuParams,
    responses: { 200: productSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const product = await getProduct(db, params.sku);
    if (!product) throw new NotFoundError('product', params.sku);
    res.json(product);
  });

  api.route('get', '/:sku/kardex', {
    summary: "The product's ledger, newest first, with the running balance per location after each row (balanceAfter)",
    params: skuParams,
    query: kardexSchema,
    responses: { 200: z.strictObject({ sku: z.string(), unit: units, items: z.array(kardexRowSchema), nextCursor }) },
    errors: [404],
  }, async (_req, res, { params, query: f }) => {
    const product = await productOr404(db, params.sku);
    const page = await productKardex(db, { productId: product.id, location: f.location, type: f.type, from: f.from, to: f.to, beforeId: decodeCursor(f.cursor), limit: f.limit });
    res.json({ sku: params.sku, unit: product.unit, items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('get', '/:sku/stock-history', {
    summary: 'Daily closing stock of the product over the last `days` shop days (default 90, at most 366), per location and in all',
    params: skuParams,
    query: stockHistorySchema,
    responses: { 200: stockHistoryResponse },
    errors: [404],
  }, async (_req, res, { params, query: f }) => {
    const product = await productOr404(db, params.sku);
    res.json({ sku: params.sku, days: f.days, ...(await productStockHistory(db, product.id, product.unit, f.days)) });
  });

  api.route('patch', '/:sku', {
    summary: 'Change a product',
    roles: ['negocio'],
    params: skuParams,
    body: updateProductSchema,
    responses: { 200: productSchema },
    errors: [404],
  }, async (req, res, { params: { sku }, body }) => {
    const updated = await withTransaction(db, async (trx) => {
      const before = await readProductAuditColumns(trx, sku, { forUpdate: true });
      if (!before || !(await updateProduct(trx, sku, body))) return false;
      const after = await readProductAuditColumns(trx, sku);
      await recordAudit(trx, auditActorOf(req), { action: 'product.changed', entityType: 'product', entityId: sku, before, after });
      return true;
    });
    if (!updated) throw new NotFoundError('product', sku);
    res.json(await getProduct(db, sku));
  });

  return api.router;
}
