import { Router } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { isoDay } from '../../shared/validation.js';
import { NotFoundError, UnprocessableError } from '../../shared/errors.js';
import { enqueueForecastRun, enqueueTraining } from '../../producers/demand-forecasts.producer.js';
import type { ApiDeps } from '../deps.js';
import { registerOperations } from '../openapi.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import type { Database } from '../../shared/db/database.js';
import { withTransaction } from '../../shared/db/transaction.js';

const locationCode = z.string().trim().toUpperCase().min(1).max(32);
/** Products without a supplier are grouped under this code in drafts. */
export const NO_SUPPLIER = 'SIN-PROVEEDOR';

const forecastQuery = z.strictObject({ sku: z.string().trim().min(1), location: locationCode.optional() });
const suggestionQuery = z.strictObject({
  location: locationCode.optional(),
  supplier: z.string().trim().min(1).optional(),
  originDay: isoDay.optional(),
  all: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
const draftBody = z.strictObject({
  location: locationCode,
  originDay: isoDay.optional(),
  suppliers: z.array(z.string().trim().min(1)).min(1).optional(),
});
const runBody = z.strictObject({ originDay: isoDay.optional() });
const trainBody = z.strictObject({ trainedThrough: isoDay.optional() });

async function locationId(db: Database, code: string): Promise<number> {
  const loc = await db.selectFrom('locations').select('id').where('code', '=', code).executeTakeFirst();
  if (!loc) throw new NotFoundError('location', code);
  return loc.id;
}

async function latestSuggestionDay(db: Database, location?: number): Promise<string | undefined> {
  let q = db.selectFrom('reorder_suggestions').select(sql<string | null>`max(origin_day)::text`.as('day'));
  if (location !== undefined) q = q.where('location_id', '=', location);
  return (await q.executeTakeFirst())?.day ?? undefined;
}

/** Forecasts, reorder suggestions, purchase-order drafts and model versions. */
export function forecastsRouter({ db, producer }: ApiDeps): Router {
  const router = Router();

  router.get('/forecasts', async (req, res) => {
    const f = parseInput(forecastQuery, req.query, 'query');
    const product = await db.selectFrom('products').select(['id', 'sku', 'name', 'unit']).where('sku', '=', f.sku).executeTakeFirst();
    if (!product) throw new NotFoundError('product', f.sku);
    const loc = f.location ? await locationId(db, f.location) : undefined;
    // The newest run's forecasts: its model version, from its origin on.
    const latest = await db
      .selectFrom('forecasts')
      .select(['model_version', sql<string>`origin_day::text`.as('origin_day')])
      .where('product_id', '=', product.id)
      .$if(loc !== undefined, (q) => q.where('location_id', '=', loc!))
      .orderBy('origin_day', 'desc')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest) {
      res.json({ sku: product.sku, name: product.name, unit: product.unit, modelVersion: null, originDay: null, items: [] });
      return;
    }
    const rows = await db
      .selectFrom('forecasts as f')
      .innerJoin('locations as l', 'l.id', 'f.location_id')
      .select(['l.code as location', sql<string>`f.day::text`.as('day'), 'f.horizon', 'f.mean', 'f.p50', 'f.p90', 'f.method', 'f.product_class'])
      .where('f.product_id', '=', product.id)
      .where('f.model_version', '=', latest.model_version)
      .where('f.day', '>', latest.origin_day)
      .$if(loc !== undefined, (q) => q.where('f.location_id', '=', loc!))
      .orderBy('l.code')
      .orderBy('f.day')
      .execute();
    res.json({
      sku: product.sku,
      name: product.name,
      unit: product.unit,
      modelVersion: latest.model_version,
      originDay: latest.origin_day,
      items: rows.map((r) => ({ location: r.location, day: r.day, horizon: r.horizon, mean: r.mean, p50: r.p50, p90: r.p90, method: r.method, productClass: r.product_class })),
    });
  });

  router.get('/reorder-suggestions', async (req, res) => {
    const f = parseInput(suggestionQuery, req.query, 'query');
    const loc = f.location ? await locationId(db, f.location) : undefined;
    const day = f.originDay ?? (await latestSuggestionDay(db, loc));
    if (!day) {
      res.json({ originDay: null, items: [] });
      return;
    }
    const rows = await db
      .selectFrom('reorder_suggestions as r')
      .innerJoin('products as p', 'p.id', 'r.product_id')
      .innerJoin('locations as l', 'l.id', 'r.location_id')
      .select(['p.sku', 'p.name', 'p.unit', 'l.code as location', 'r.supplier_code', 'r.demand', 'r.safety_stock', 'r.on_hand', 'r.on_order', 'r.pack_size', 'r.packs', 'r.quantity', 'r.model_version'])
      .where('r.origin_day', '=', day)
      .$if(loc !== undefined, (q) => q.where('r.location_id', '=', loc!))
      .$if(f.supplier !== undefined, (q) => (f.supplier === NO_SUPPLIER ? q.where('r.supplier_code', 'is', null) : q.where('r.supplier_code', '=', f.supplier!)))
      .$if(!f.all, (q) => q.where('r.packs', '>', 0))
      .orderBy('r.supplier_code')
      .orderBy('p.sku')
      .execute();
    res.json({
      originDay: day,
      items: rows.map((r) => ({
        sku: r.sku,
        name: r.name,
        unit: r.unit,
        location: r.location,
        supplier: r.supplier_code ?? NO_SUPPLIER,
        demand: r.demand,
        safetyStock: r.safety_stock,
        onHand: r.on_hand,
        onOrder: r.on_order,
        packSize: r.pack_size,
        packs: r.packs,
        quantity: r.quantity,
        modelVersion: r.model_version,
      })),
    });
  });

  // Drafts group the day's suggestions by supplier; one draft per (location, day, supplier), so a retry returns the same drafts.
  router.post('/purchase-orders/drafts', requireRole('negocio', 'ml_service'), async (req, res) => {
    const b = parseInput(draftBody, req.body);
    const loc = await locationId(db, b.location);
    const day = b.originDay ?? (await latestSuggestionDay(db, loc));
    if (!day) throw new UnprocessableError('no_reorder_suggestions', `there are no reorder suggestions for ${b.location} yet; run a forecast first (POST /v1/forecasts/runs)`);
    const drafts = await withTransaction(db, async (trx) => {
      const lines = await trx
        .selectFrom('reorder_suggestions')
        .select(['product_id', 'supplier_code', 'packs', 'quantity'])
        .where('origin_day', '=', day)
        .where('location_id', '=', loc)
        .where('packs', '>', 0)
        .orderBy('product_id')
        .execute();
      const bySupplier = new Map<string, typeof lines>();
      for (const l of lines) {
        const s = l.supplier_code ?? NO_SUPPLIER;
        if (b.suppliers && !b.suppliers.includes(s)) continue;
        bySupplier.set(s, [...(bySupplier.get(s) ?? []), l]);
      }
      const out = [];
      for (const [supplier, supplierLines] of [...bySupplier.entries()].sort(([a], [c]) => a.localeCompare(c))) {
        const key = `${b.location}:${day}:${supplier}`;
        await trx.insertInto('purchase_order_drafts').values({ draft_key: key, supplier_code: supplier, location_id: loc, origin_day: day }).onConflict((oc) => oc.column('draft_key').doNothing()).execute();
        const draft = await trx.selectFrom('purchase_order_drafts').select(['id', 'status', 'created_at']).where('draft_key', '=', key).executeTakeFirstOrThrow();
        await trx
          .insertInto('purchase_order_draft_lines')
          .values(supplierLines.map((l) => ({ draft_id: draft.id, product_id: l.product_id, packs: l.packs, quantity: l.quantity })))
          .onConflict((oc) => oc.columns(['draft_id', 'product_id']).doNothing())
          .execute();
        out.push({ id: draft.id, supplier, status: draft.status });
      }
      return out;
    });
    const lines = drafts.length
      ? await db
          .selectFrom('purchase_order_draft_lines as l')
          .innerJoin('products as p', 'p.id', 'l.product_id')
          .select(['l.draft_id', 'p.sku', 'p.name', 'l.packs', 'l.quantity'])
          .where('l.draft_id', 'in', drafts.map((d) => d.id))
          .orderBy('p.sku')
          .execute()
      : [];
    res.status(201).json({
      location: b.location,
      originDay: day,
      drafts: drafts.map((d) => ({ ...d, lines: lines.filter((l) => l.draft_id === d.id).map(({ draft_id: _, ...l }) => l) })),
    });
  });

  router.get('/models', async (_req, res) => {
    const rows = await db
      .selectFrom('model_versions')
      .select(['version', 'kind', 'active', sql<string>`trained_from::text`.as('trained_from'), sql<string>`trained_through::text`.as('trained_through'), 'training_rows', 'training_ms', 'activation_reason', 'validation', 'serving_plan', 'created_at', 'activated_at', 'onnx_sha256', sql<number>`octet_length(onnx)`.as('onnx_bytes')])
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    res.json({
      items: rows.map((r) => {
        const v = r.validation as { overall?: unknown; byClass?: unknown; bestBaseline?: string; parityMaxRelDiff?: number };
        return {
          version: r.version,
          kind: r.kind,
          active: r.active,
          trainedFrom: r.trained_from,
          trainedThrough: r.trained_through,
          trainingRows: r.training_rows,
          trainingMs: r.training_ms,
          activationReason: r.activation_reason,
          servingPlan: r.serving_plan,
          validation: { overall: v.overall, byClass: v.byClass, bestBaseline: v.bestBaseline, onnxParityMaxRelDiff: v.parityMaxRelDiff },
          onnxBytes: r.onnx_bytes,
          onnxSha256: r.onnx_sha256,
          createdAt: r.created_at,
          activatedAt: r.activated_at,
        };
      }),
    });
  });

  router.post('/forecasts/runs', requireRole('negocio', 'ml_service'), async (req, res) => {
    const b = parseInput(runBody, req.body ?? {});
    const jobId = await enqueueForecastRun(producer, b.originDay);
    res.status(202).json({ jobId, queue: 'demand-forecasts', job: 'plan-forecasts', originDay: b.originDay ?? null });
  });

  router.post('/models/train', requireRole('ml_service'), async (req, res) => {
    const b = parseInput(trainBody, req.body ?? {});
    const jobId = await enqueueTraining(producer, b.trainedThrough);
    res.status(202).json({ jobId, queue: 'demand-forecasts', job: 'train-model', trainedThrough: b.trainedThrough ?? null });
  });

  return router;
}

registerOperations('/v1/forecasts', { get: { summary: 'Forecasts (p50, p90) for the next 14 days', query: ['sku', 'location'], responses: { 200: 'forecasts' } } });
registerOperations('/v1/forecasts/runs', { post: { summary: 'Start a forecast run now', role: 'negocio or ml_service', responses: { 202: 'run queued' } } });
registerOperations('/v1/reorder-suggestions', { get: { summary: 'What to order, from whom and how much', query: ['location', 'supplier'], responses: { 200: 'suggestions' } } });
registerOperations('/v1/purchase-orders/drafts', { post: { summary: 'Purchase-order drafts grouped by supplier from the current suggestions', role: 'negocio or ml_service', responses: { 201: 'drafts' } } });
registerOperations('/v1/models', { get: { summary: 'Model versions with training window and validation scores', responses: { 200: 'models' } } });
registerOperations('/v1/models/train', { post: { summary: 'Train a new model version', role: 'ml_service', responses: { 202: 'training queued' } } });
