import { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { getProduct, listProducts } from '../../shared/db/repositories/catalog.repository.js';
import { parseQuantity } from '../../shared/domain/quantity.js';
import { pgErrorCode } from '../../shared/db/transaction.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const nonNegativeQuantity = z
  .union([z.string(), z.number()])
  .refine((v) => { const q = parseQuantity(v); return q !== undefined && q >= 0n; }, 'must be a number ≥ 0 with at most 3 decimals')
  .transform(String);

const productFields = {
  name: z.string().trim().min(1).max(200),
  category: z.string().trim().toLowerCase().min(1).max(60),
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
  belowReorderPoint: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

export function productsRouter({ db }: ApiDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const f = parseInput(listSchema, req.query, 'query');
    const page = await listProducts(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  router.post('/', requireRole('negocio'), async (req, res) => {
    const p = parseInput(createProductSchema, req.body);
    try {
      await db
        .insertInto('products')
        .values({ sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode ?? null, reorder_point: p.reorderPoint ?? '0', allow_negative_stock: p.allowNegativeStock ?? false })
        .execute();
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

  router.patch('/:sku', requireRole('negocio'), async (req, res) => {
    const sku = String(req.params.sku);
    const p = parseInput(updateProductSchema, req.body);
    const updated = await db
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
      .executeTakeFirst();
    if (!updated.numUpdatedRows) throw new NotFoundError('product', sku);
    res.json(await getProduct(db, sku));
  });

  return router;
}
