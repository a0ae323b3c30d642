import { Router } from 'express';
import { z } from 'zod';
import { withTransaction } from '../../shared/db/transaction.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf } from '../audit-actor.js';
import { categoryName } from '../../shared/validation.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { getProduct, listProducts } from '../../shared/db/repositories/catalog.repository.js';
import { productKardex, productStockHistory } from '../../shared/db/repositories/reports.repository.js';
import { parseQuantity } from '../../shared/domain/quantity.js';
import { pgErrorCode } from '../../shared/db/transaction.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
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
  q: z.string().trim().min(1).max(100).optional(),
  barcode: z.string().trim().optional(),
  category: z.string().trim().toLowerCase().optional(),
  location: z.string().trim().toUpperCase().optional(),
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
  from: timeBound.optional(),
  to: timeBound.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

const stockHistorySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(90) });

async function productOr404(db: ApiDeps['db'], sku: string) {
  const product = await db.selectFrom('products').select(['id', 'unit']).where('sku', '=', sku).executeTakeFirst();
  if (!product) throw new NotFoundError('product', sku);
  return product;
}

export function productsRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const f = parseInput(listSchema, req.query, 'query');
    if (f.q) {
      const page = await listProducts(db, { ...f, offset: decodeOffsetCursor(f.cursor) });
      res.json({ items: page.items, nextCursor: encodeOffsetCursor(page.lastId, page.more) });
      return;
    }
    const page = await listProducts(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  router.post('/', requireRole('negocio'), async (req, res) => {
    const p = parseInput(createProductSchema, req.body);
    try {
      await withTransaction(db, async (trx) => {
        const values = { sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode ?? null, reorder_point: p.reorderPoint ?? '0', allow_negative_stock: p.allowNegativeStock ?? false };
        const row = await trx.insertInto('products').values(values).returning('id').executeTakeFirstOrThrow();
        await recordAudit(trx, auditActorOf(req), { action: 'product.created', entityType: 'product', entityId: p.sku, after: { id: row.id, ...values } });
      });
    } catch (err) {
      if (pgErrorCode(err) === '23505') throw new ConflictError('sku_taken', `a product with sku ${p.sku} already exists; PATCH /v1/products/${p.sku} to change it`);
      throw err;
    }
    res.status(201).location(`/v1/products/${encodeURIComponent(p.sku)}`).json(await getProduct(db, p.sku));
  });

  router.get('/:sku', async (req, res) => {
    const product = await getProduct(db, req.params.sku);
    if (!product) throw new NotFoundError('product', req.params.sku);
    res.json(product);
  });

  router.get('/:sku/kardex', async (req, res) => {
    const f = parseInput(kardexSchema, req.query, 'query');
    const product = await productOr404(db, req.params.sku);
    const page = await productKardex(db, { productId: product.id, location: f.location, type: f.type, from: f.from, to: f.to, beforeId: decodeCursor(f.cursor), limit: f.limit });
    res.json({ sku: req.params.sku, unit: product.unit, items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  router.get('/:sku/stock-history', async (req, res) => {
    const f = parseInput(stockHistorySchema, req.query, 'query');
    const product = await productOr404(db, req.params.sku);
    res.json({ sku: req.params.sku, days: f.days, ...(await productStockHistory(db, product.id, product.unit, f.days)) });
  });

  router.patch('/:sku', requireRole('negocio'), async (req, res) => {
    const sku = String(req.params.sku);
    const p = parseInput(updateProductSchema, req.body);
    const updated = await withTransaction(db, async (trx) => {
      const before = await trx.selectFrom('products').select(['name', 'category', 'barcode', 'reorder_point', 'allow_negative_stock']).where('sku', '=', sku).forUpdate().executeTakeFirst();
      if (!before) return { numUpdatedRows: 0n };
      const r = await trx
      .updateTable('products')
      .set({
        ...(p.name !== undefined && { name: p.name }),
        ...(p.category !== undefined && { category: p.category }),
        ...(p.barcode !== undefined && { barcode: p.barcode }),
        ...(p.reorderPoint !== undefined && { reorder_point: p.reorderPoint }),
        ...(p.allowNegativeStock !== undefined && { allow_negative_stock: p.allowNegativeStock }),
        updated_at: new Date(),
      })
      .where('sku', '=', sku)
      .returning(['name', 'category', 'barcode', 'reorder_point', 'allow_negative_stock'])
      .executeTakeFirstOrThrow();
      await recordAudit(trx, auditActorOf(req), { action: 'product.changed', entityType: 'product', entityId: sku, before, after: r });
      return { numUpdatedRows: 1n };
    });
    if (!updated.numUpdatedRows) throw new NotFoundError('product', sku);
    res.json(await getProduct(db, sku));
  });

  return router;
}
