import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { AuditHook } from '../db/repositories/audit.repository.js';
import { withTransaction } from '../db/transaction.js';
import { findProductId, findProductIdsBySku } from '../db/repositories/catalog.repository.js';
import { recordReplacementCost } from '../db/repositories/pricing-costs.repository.js';
import { createRun, getRun, markEnqueued, runMatches, type RunScope, type RunView } from '../db/repositories/pricing-runs.repository.js';
import { getProductPricing, readPricingColumns, updateProductTaxes, type ProductPricingView } from '../db/repositories/pricing-views.repository.js';
import { formatPercent } from '../domain/pricing/rates.js';
import { NotFoundError, ServiceUnavailableError, UnprocessableError } from '../errors.js';
import { logger } from '../logging.js';

const log = logger.child({ component: 'pricing' });

/** How repricing reaches the workers (the API passes its producer's typed enqueues). */
export interface RepricingQueue {
  isReady(): boolean;
  enqueueRunFlow(run: { id: string; chunks: readonly (readonly [number, number])[] }): Promise<unknown>;
  enqueueRepricing(job: { productIds: number[]; reason: string; runId: string }): Promise<unknown>;
}

export interface RunRequest {
  skus?: string[];
  category?: string;
  reason: string;
  force: boolean;
  /** The client's own run id (same id again → same run); otherwise one is made. */
  runId?: string;
  idempotencyKey: string | null;
  requestedBy: string | null;
}

/**
 * Plans a repricing run over SKUs, a category or everything, durably, and sends its flow (chunks
 * under a parent) to the workers. The same key or run id again returns the same run; the same key
 * for a different request is refused. A flow that could not be sent is sent by the reconciler.
 */
export async function startRepricingRun(db: Database, queue: RepricingQueue, r: RunRequest, chunkSize: number): Promise<{ run: RunView; created: boolean }> {
  if (!queue.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; retry with the same Idempotency-Key');
  let scope: RunScope;
  if (r.skus) {
    const skus = [...new Set(r.skus)];
    const found = await findProductIdsBySku(db, skus);
    const missing = skus.filter((s) => !found.has(s));
    if (missing.length) throw new UnprocessableError('unknown_sku', `no products with sku ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`, { missing });
    scope = { kind: 'products', productIds: [...found.values()] };
  } else if (r.category) scope = { kind: 'category', category: r.category };
  else scope = { kind: 'all' };

  const plan = await withTransaction(db, (trx) =>
    createRun(trx, { id: r.runId ?? randomUUID(), idempotencyKey: r.idempotencyKey, trigger: 'api', scope, reason: r.reason, forced: r.force, requestedBy: r.requestedBy }, chunkSize),
  );
  if (!plan.created && !(await runMatches(db, plan.id, { scope, reason: r.reason, forced: r.force }))) {
    throw new UnprocessableError('idempotency_key_reused', `run ${plan.id} was started with this ${r.idempotencyKey ? 'Idempotency-Key' : 'runId'} for a different request; use a new one for a new run`);
  }
  if (plan.status === 'planned') {
    try {
      await queue.enqueueRunFlow(plan);
      await markEnqueued(db, plan.id);
    } catch (err) {
      // The run is durable; the scheduled reconciler sends it when Redis is back.
      log.warn('price run flow not enqueued; the reconciler will send it', { runId: plan.id, err });
    }
  }
  return { run: (await getRun(db, plan.id))!, created: plan.created };
}

export interface PricingChange {
  replacementCostCents?: number;
  ivaRateBp?: number;
  internalTaxRateBp?: number;
  netContent?: { quantity: string; unit: 'kg' | 'l' } | null;
  source: string;
  reprice: boolean;
}

export type ChangedPricing = Omit<ProductPricingView, never> & {
  costAlert: { id: number; bandPct: number | null; sellingAtLoss: boolean } | null;
  repricing: { runId: string; href: string } | null;
};

/**
 * Changes a product's taxes, net content and replacement cost in one transaction (the cost keeps
 * its history and raises an alert past a band); with `reprice`, queues a one-product run after commit.
 */
export async function changeProductPricing(db: Database, queue: RepricingQueue, sku: string, c: PricingChange, opts: { bandsPct: readonly number[] }, audit?: AuditHook): Promise<ChangedPricing> {
  const productId = await findProductId(db, sku);
  if (productId === undefined) throw new NotFoundError('product', sku);
  const recorded = await withTransaction(db, async (trx) => {
    const before = audit && (await readPricingColumns(trx, productId, { forUpdate: true }));
    await updateProductTaxes(trx, productId, {
      ...(c.ivaRateBp !== undefined && { ivaRatePct: formatPercent(c.ivaRateBp) }),
      ...(c.internalTaxRateBp !== undefined && { internalTaxPct: formatPercent(c.internalTaxRateBp) }),
      ...(c.netContent !== undefined && { netContent: c.netContent }),
    });
    const cost = c.replacementCostCents === undefined ? null : await recordReplacementCost(trx, productId, c.replacementCostCents, c.source, { bandsPct: opts.bandsPct });
    await audit?.(trx, { action: 'product_pricing.changed', entityType: 'product', entityId: sku, before, after: await readPricingColumns(trx, productId) });
    return cost;
  });
  let repricing = null;
  if (c.reprice) {
    if (!queue.isReady()) throw new ServiceUnavailableError('saved, but the job queue is unreachable to reprice now; send reprice again or run POST /v1/prices/recalculate');
    const runId = `manual-${randomUUID()}`;
    await queue.enqueueRepricing({ productIds: [productId], reason: `manual change of ${sku}`, runId });
    repricing = { runId, href: `/v1/price-runs/${runId}` };
  }
  const { id: _id, ...view } = (await getProductPricing(db, sku))!;
  return { ...view, costAlert: recorded?.alertId ? { id: recorded.alertId, bandPct: recorded.change.bandPct, sellingAtLoss: recorded.change.sellingAtLoss } : null, repricing };
}
