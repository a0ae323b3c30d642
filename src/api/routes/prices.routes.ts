import type { Request, Router } from 'express';
import { z } from 'zod';
import { categoryName, categoryProblem, MAX_MONEY_CENTS, MAX_MONEY_PESOS } from '../../shared/validation.js';
import { recordAudit } from '../../shared/db/repositories/audit.repository.js';
import { auditActorOf, auditHookOf } from '../audit-actor.js';
import { NotFoundError, UnprocessableError, ValidationError } from '../../shared/errors.js';
import { withTransaction } from '../../shared/db/transaction.js';
import { listCostAlerts } from '../../shared/db/repositories/pricing-costs.repository.js';
import { changeProductPricing, startRepricingRun } from '../../shared/use-cases/pricing.js';
import { DEFAULT_RULE_CATEGORY, deleteRule, listRules, readRuleRow, upsertRule } from '../../shared/db/repositories/pricing-rules.repository.js';
import { getRun, listRuns } from '../../shared/db/repositories/pricing-runs.repository.js';
import { getProductPricing, listMargins, listPriceHistory } from '../../shared/db/repositories/pricing-views.repository.js';
import { findProductId } from '../../shared/db/repositories/catalog.repository.js';
import { parsePercentBp } from '../../shared/domain/pricing/rates.js';
import { parseMoney, parseQuantity } from '../../shared/domain/quantity.js';
import { priceRecalculationsContract, runIdSchema, runJobId } from '../../shared/jobs/price-recalculations.contract.js';
import { enqueueRepricing, enqueueRunFlow } from '../../producers/price-recalculations.producer.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const percent = (what: string, min: number, max: number, maxInclusive = true) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const bp = parsePercentBp(v);
    if (bp === undefined || bp < min * 100 || (maxInclusive ? bp > max * 100 : bp >= max * 100)) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a percent from ${min} to ${maxInclusive ? max : `below ${max}`} with at most 2 decimals` });
      return z.NEVER;
    }
    return bp;
  });
const pesos = (what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const cents = parseMoney(v);
    if (cents === undefined || cents > MAX_MONEY_CENTS) {
      ctx.addIssue({ code: 'custom', message: `${what} must be an amount from 0 to ${MAX_MONEY_PESOS} pesos with at most 2 decimals` });
      return z.NEVER;
    }
    return cents;
  });

export const recalculateSchema = z
  .strictObject({
    skus: z.array(z.string().trim().min(1).max(64)).min(1).max(10_000).optional(),
    category: categoryName.optional(),
    all: z.literal(true).optional(),
    reason: z.string().trim().min(1).max(200),
    /** Ignore each rule's maximum change per run. */
    force: z.boolean().default(false),
    /** Your own run id (same id again → same run); otherwise one is made. */
    runId: runIdSchema.optional(),
  })
  .refine((v) => [v.skus, v.category, v.all].filter((x) => x !== undefined).length === 1, { message: 'send exactly one of skus, category or all: true', path: ['skus'] });

export const productPricingSchema = z
  .strictObject({
    replacementCost: pesos('replacementCost').optional(),
    ivaRate: percent('ivaRate', 0, 27).refine((bp) => [0, 250, 500, 1050, 2100, 2700].includes(bp), 'IVA is one of 0, 2.5, 5, 10.5, 21 or 27').optional(),
    internalTaxRate: percent('internalTaxRate', 0, 100, false).optional(),
    netContent: z
      .strictObject({
        quantity: z.union([z.string(), z.number()]).refine((v) => { const q = parseQuantity(v); return q !== undefined && q > 0n; }, 'must be > 0 with at most 3 decimals'),
        unit: z.enum(['kg', 'l']),
      })
      .nullable()
      .optional(),
    /** Where a replacement cost comes from (e.g. "supplier price list"). */
    source: z.string().trim().min(1).max(200).default('manual'),
    /** Reprice the product now (one small run) after the change. */
    reprice: z.boolean().default(false),
  })
  .refine((v) => v.replacementCost !== undefined || v.ivaRate !== undefined || v.internalTaxRate !== undefined || v.netContent !== undefined, 'send at least one of replacementCost, ivaRate, internalTaxRate, netContent');

export const ruleSchema = z
  .strictObject({
    markupPct: percent('markupPct', 0, 1000),
    minMarginPct: percent('minMarginPct', 0, 100, false),
    /** Price points are k × roundingStep + ending, in pesos (e.g. step 10, ending 9 → …9, …19, …29). */
    roundingStep: pesos('roundingStep').refine((c) => c >= 1, 'roundingStep must be at least 0.01'),
    ending: pesos('ending').default(0),
    maxChangePct: percent('maxChangePct', 0.01, 100).nullable().default(null),
    priceAheadDays: z.number().int().min(1).max(120).nullable().default(null),
  })
  .refine((r) => r.ending < r.roundingStep, { message: 'ending must be below roundingStep', path: ['ending'] });

const pageSchema = { limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() };

const money = decimalString.meta({ description: 'pesos, 2 decimals' });
const percentOut = decimalString.meta({ description: 'percent' });

const pricingSchema = z
  .strictObject({
    sku: z.string(),
    name: z.string(),
    category: z.string(),
    unit: z.enum(['unit', 'kg', 'l']),
    replacementCost: money.nullable(),
    ivaRatePct: percentOut,
    internalTaxPct: percentOut,
    price: money.nullable(),
    priceWithoutNationalTaxes: money.nullable(),
    ivaContained: money.nullable(),
    internalTaxesContained: money.nullable(),
    unitPrice: z.strictObject({ price: money, per: z.enum(['kg', 'l']) }).nullable(),
    netContent: z.strictObject({ quantity: decimalString, unit: z.enum(['kg', 'l']) }).nullable(),
    marginPct: percentOut.nullable(),
    minMarginPct: percentOut,
    belowMinimumMargin: z.boolean(),
    costUpdatedAt: timestamp.nullable(),
    priceUpdatedAt: timestamp.nullable(),
  })
  .meta({ id: 'ProductPricing' });

const runSchema = z
  .strictObject({
    id: z.string(),
    trigger: z.enum(['api', 'invoice', 'index', 'seed']),
    status: z.enum(['planned', 'running', 'completed', 'failed']),
    scope: z.strictObject({ kind: z.enum(['all', 'category', 'products']), category: z.string().optional(), products: z.int().optional() }),
    reason: z.string(),
    forced: z.boolean(),
    forwardRate: z.strictObject({ period: z.string(), ratePct: percentOut }).nullable(),
    chunks: z.strictObject({ total: z.int(), done: z.int() }),
    progress: z.int().min(0).max(100),
    productsExamined: z.int(),
    productsChanged: z.int(),
    productsCapped: z.int().meta({ description: 'prices the change limit held back' }),
    productsAtFloor: z.int().meta({ description: 'prices the minimum margin raised' }),
    labelBatchId: z.int().nullable(),
    requestedBy: z.string().nullable(),
    createdAt: timestamp,
    completedAt: timestamp.nullable(),
    failure: z.strictObject({ reason: z.string(), at: timestamp }).nullable(),
  })
  .meta({ id: 'PriceRun' });

const jobLinkSchema = z.strictObject({ queue: z.literal('price-recalculations'), id: z.string(), href: z.string() });

const historySchema = z
  .strictObject({
    id: z.int(),
    runId: z.string(),
    oldPrice: money.nullable(),
    newPrice: money,
    cost: money,
    reason: z.string(),
    ruleCategory: z.string().nullable(),
    priceWithoutNationalTaxes: money,
    changedAt: timestamp,
  })
  .meta({ id: 'PriceChange' });

const ruleViewSchema = z
  .strictObject({
    category: z.string(),
    isDefault: z.boolean(),
    markupPct: percentOut,
    minMarginPct: percentOut,
    roundingStep: money,
    ending: money,
    maxChangePct: percentOut.nullable(),
    priceAheadDays: z.int().nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'PricingRule' });

const marginSchema = z.strictObject({
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  replacementCost: money.nullable(),
  price: money.nullable(),
  priceWithoutNationalTaxes: money.nullable(),
  marginPct: percentOut.nullable(),
  minMarginPct: percentOut,
  belowMinimumMargin: z.boolean(),
});
const categoryMarginSchema = z.strictObject({ category: z.string(), products: z.int(), marginPct: percentOut.nullable(), minMarginPct: percentOut, belowMinimum: z.int() });

const costAlertSchema = z
  .strictObject({
    id: z.int(),
    sku: z.string(),
    name: z.string(),
    category: z.string(),
    previousCost: money.nullable(),
    newCost: money,
    changePct: percentOut.nullable(),
    bandPct: z.int().nullable(),
    sellingAtLoss: z.boolean(),
    price: money.nullable(),
    source: z.string(),
    createdAt: timestamp,
  })
  .meta({ id: 'CostAlert' });

const skuParams = z.strictObject({ sku: z.string() });
const categoryParams = z.strictObject({ category: z.string().meta({ description: 'a category, or "default"' }) });
const keyHeader = z.strictObject({ 'Idempotency-Key': z.string().optional().meta({ description: 'same key → same run' }) });

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw new ValidationError('the Idempotency-Key header must be 1 to 200 visible ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
  return key;
}

const jobLink = (runId: string) => {
  const id = runJobId(runId);
  return { queue: priceRecalculationsContract.queue, id, href: `/v1/jobs/${priceRecalculationsContract.queue}/${id}` };
};

/** `/v1/prices`: repricing runs, a product's pricing and its history. */
export function pricesRouter({ db, producer, config }: ApiDeps): Router {
  const api = new ApiRouter('/v1/prices');
  const queue = {
    isReady: () => producer.isReady(),
    enqueueRunFlow: (run: Parameters<typeof enqueueRunFlow>[1]) => enqueueRunFlow(producer, run),
    enqueueRepricing: (job: Parameters<typeof enqueueRepricing>[1]) => enqueueRepricing(producer, job),
  };

  api.route('post', '/recalculate', {
    summary: 'Start a repricing run over skus, a category or all products',
    description: 'Header Idempotency-Key (or body runId): same key → same run. Answers 202 with the run and its job (progress at /v1/jobs/…).',
    roles: ['negocio'],
    headers: keyHeader,
    body: recalculateSchema,
    responses: { 202: { description: 'run planned and queued', schema: z.strictObject({ run: runSchema, job: jobLinkSchema }), headers: { Location: 'the run', 'Idempotent-Replayed': 'true when the key or runId was seen before' } } },
    errors: [422, 503],
  }, async (req, res, { body: input }) => {
    const request = { ...input, idempotencyKey: idempotencyKeyOf(req) ?? null, requestedBy: req.principal?.name ?? null };
    const { run, created } = await startRepricingRun(db, queue, request, config.PRICING_CHUNK_SIZE);
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(`/v1/price-runs/${run.id}`).json({ run, job: jobLink(run.id) });
  });

  api.route('get', '/:sku', {
    summary: "A product's cost, taxes, price, price without national taxes, unit price and margin",
    params: skuParams,
    responses: { 200: pricingSchema },
    errors: [404],
  }, async (_req, res, { params }) => {
    const view = await getProductPricing(db, params.sku);
    if (!view) throw new NotFoundError('product', params.sku);
    const { id: _id, ...rest } = view;
    res.json(rest);
  });

  api.route('patch', '/:sku', {
    summary: 'Set replacement cost (records cost history and alerts), IVA, internal taxes or net content; reprice: true reprices now',
    roles: ['negocio'],
    params: skuParams,
    body: productPricingSchema,
    responses: {
      200: pricingSchema.extend({
        costAlert: z.strictObject({ id: z.int(), bandPct: z.int().nullable(), sellingAtLoss: z.boolean() }).nullable(),
        repricing: z.strictObject({ runId: z.string(), href: z.string() }).nullable(),
      }),
    },
    errors: [404, 503],
  }, async (req, res, { params: { sku }, body: p }) => {
    const change = {
      replacementCostCents: p.replacementCost,
      ivaRateBp: p.ivaRate,
      internalTaxRateBp: p.internalTaxRate,
      netContent: p.netContent === undefined ? undefined : p.netContent && { quantity: String(p.netContent.quantity), unit: p.netContent.unit },
      source: p.source,
      reprice: p.reprice,
    };
    res.json(await changeProductPricing(db, queue, sku, change, { bandsPct: config.COST_ALERT_BANDS_PCT }, auditHookOf(req)));
  });

  api.route('get', '/:sku/history', {
    summary: 'Price changes of a product, newest first (old, new, reason, rule, run)',
    params: skuParams,
    query: z.strictObject(pageSchema),
    responses: { 200: z.strictObject({ items: z.array(historySchema), nextCursor }) },
    errors: [404],
  }, async (_req, res, { params, query: f }) => {
    const productId = await findProductId(db, params.sku);
    if (productId === undefined) throw new NotFoundError('product', params.sku);
    const page = await listPriceHistory(db, productId, { limit: f.limit, beforeId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  return api.router;
}

/** `/v1/price-runs`: what a run did and how far it is. */
export function priceRunsRouter({ db, producer }: ApiDeps): Router {
  const api = new ApiRouter('/v1/price-runs');
  api.route('get', '/', {
    summary: 'Repricing runs, newest first',
    query: z.strictObject({ status: z.enum(['planned', 'running', 'completed', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    responses: { 200: z.strictObject({ items: z.array(runSchema) }) },
  }, async (_req, res, { query: f }) => {
    res.json({ items: await listRuns(db, f) });
  });
  api.route('get', '/:id', {
    summary: 'A run: status, chunks done, products changed, label batch; a failed run says why (failure.reason)',
    params: z.strictObject({ id: z.string() }),
    responses: {
      200: runSchema.extend({
        job: jobLinkSchema.extend({ state: z.string().nullable().meta({ description: 'the job state; null once the run completed' }) }),
        labelBatch: z.string().nullable(),
      }),
    },
    errors: [404],
  }, async (_req, res, { params }) => {
    const run = await getRun(db, params.id);
    if (!run) throw new NotFoundError('price run', params.id);
    // The run row is the record; the job state tells a run whose chunk failed for good (the parent fails with it).
    const job = run.status === 'completed' ? undefined : await producer.queue(priceRecalculationsContract).getJob(runJobId(run.id)).catch(() => undefined);
    const jobState = job ? await job.getState().catch(() => 'unknown') : null;
    res.json({ ...run, job: { ...jobLink(run.id), state: jobState }, labelBatch: run.labelBatchId === null ? null : `/v1/label-batches/${run.labelBatchId}` });
  });
  return api.router;
}

const categoryParam = (raw: string) => {
  const category = raw.trim().toLowerCase();
  const problem = categoryProblem(category);
  if (problem) throw new ValidationError(`the category in the path is invalid: ${problem}`, [{ path: 'category', message: problem }]);
  return category === 'default' ? DEFAULT_RULE_CATEGORY : category;
};

/** `/v1/pricing-rules`: one rule per category; `default` applies to every other category. */
export function pricingRulesRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/pricing-rules');
  api.route('get', '/', { summary: 'Pricing rules per category and the default', responses: { 200: z.strictObject({ items: z.array(ruleViewSchema) }) } }, async (_req, res) => {
    res.json({ items: await listRules(db) });
  });
  api.route('put', '/:category', {
    summary: 'Create or replace the rule of a category ("default" for the default rule)',
    roles: ['negocio'],
    params: categoryParams,
    body: ruleSchema,
    responses: { 200: ruleViewSchema },
  }, async (req, res, { params, body: r }) => {
    const category = categoryParam(params.category);
    await withTransaction(db, async (trx) => {
      const before = await readRuleRow(trx, category, { forUpdate: true });
      await upsertRule(trx, category, { markupBp: r.markupPct, minMarginBp: r.minMarginPct, stepCents: r.roundingStep, endingCents: r.ending, maxChangeBp: r.maxChangePct, priceAheadDays: r.priceAheadDays });
      const after = await readRuleRow(trx, category);
      await recordAudit(trx, auditActorOf(req), { action: before ? 'pricing_rule.changed' : 'pricing_rule.created', entityType: 'pricing_rule', entityId: category, before, after });
    });
    const view = (await listRules(db)).find((x) => x.category === (category === DEFAULT_RULE_CATEGORY ? 'default' : category));
    res.json(view);
  });
  api.route('delete', '/:category', {
    summary: 'Delete a category rule (its products fall back to the default)',
    roles: ['negocio'],
    params: categoryParams,
    responses: { 204: { description: 'deleted' } },
    errors: [404, 422],
  }, async (req, res, { params }) => {
    const category = categoryParam(params.category);
    if (category === DEFAULT_RULE_CATEGORY) throw new UnprocessableError('default_rule_required', 'the default rule cannot be deleted; PUT /v1/pricing-rules/default to change it');
    const deleted = await withTransaction(db, async (trx) => {
      const before = await readRuleRow(trx, category, { forUpdate: true });
      if (!(await deleteRule(trx, category))) return false;
      await recordAudit(trx, auditActorOf(req), { action: 'pricing_rule.deleted', entityType: 'pricing_rule', entityId: category, before });
      return true;
    });
    if (!deleted) throw new NotFoundError('pricing rule', category);
    res.status(204).end();
  });
  return api.router;
}

/** `/v1/margins`: current margin per product and category; `belowMinimum=true` lists the products under their rule's minimum. */
export function marginsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/margins');
  api.route('get', '/', {
    summary: 'Current margin per product and per category; belowMinimum=true lists products under their minimum margin',
    query: z.strictObject({ category: z.string().trim().toLowerCase().optional(), belowMinimum: z.enum(['true', 'false']).transform((v) => v === 'true').optional(), ...pageSchema }),
    responses: { 200: z.strictObject({ items: z.array(marginSchema), categories: z.array(categoryMarginSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listMargins(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, categories: page.categories, nextCursor: encodeCursor(page.lastId, page.more) });
  });
  return api.router;
}

/** `/v1/cost-alerts`: replacement costs that moved past a band or above the price. */
export function costAlertsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/cost-alerts');
  api.route('get', '/', {
    summary: 'Cost alerts (band reached, selling at a loss), newest first',
    query: z.strictObject({
      band: z.coerce.number().int().min(1).optional(),
      sellingAtLoss: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      sku: z.string().trim().optional(),
      ...pageSchema,
    }),
    responses: { 200: z.strictObject({ items: z.array(costAlertSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listCostAlerts(db, { bandPct: f.band, sellingAtLoss: f.sellingAtLoss, sku: f.sku, limit: f.limit, beforeId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });
  return api.router;
}
