import type { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { createProduct, getProduct, listProducts, updateProduct } from '../../shared/db/repositories/catalog.repository.js';
import { parseQuantity } from '../../shared/domain/quantity.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, nextCursor, timestamp } from '../openapi.js';
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

export const productSchema = z
  .strictObject({
    sku: z.string(),
    barcode: z.string().nullable(),
    name: z.string(),
    category: z.string(),
    unit: z.enum(['unit', 'kg', 'l']),
    reorderPoint: decimalString,
    allowNegativeStock: z.boolean(),
    onHand: decimalString.meta({ description: 'sum over every location' }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Product' });

const skuParams = z.strictObject({ sku: z.string() });

export function productsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/products');

  api.route('get', '/', {
    summary: 'List products (search, filters, cursor pagination)',
    query: listSchema,
    responses: { 200: z.strictObject({ items: z.array(productSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listProducts(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('post', '/', {
    summary: 'Create a product',
    roles: ['negocio'],
    body: createProductSchema,
    responses: { 201: productSchema },
    errors: [409],
  }, async (_req, res, { body: p }) => {
    const created = await createProduct(db, { sku: p.sku, name: p.name, category: p.category, unit: p.unit, barcode: p.barcode ?? null, reorderPoint: p.reorderPoint ?? '0', allowNegativeStock: p.allowNegativeStock ?? false });
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

  api.route('patch', '/:sku', {
    summary: 'Change a product',
    roles: ['negocio'],
    params: skuParams,
    body: updateProductSchema,
    responses: { 200: productSchema },
    errors: [404],
  }, async (_req, res, { params: { sku }, body }) => {
    if (!(await updateProduct(db, sku, body))) throw new NotFoundError('product', sku);
    res.json(await getProduct(db, sku));
  });

  return api.router;
}
