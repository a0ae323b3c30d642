import { sql, type Transaction } from 'kysely';
import type { DB, Unit, Database } from '../database.js';
import type { PriceRunScope, PriceRunStatus, PriceRunTrigger } from '../database.js';
import { computePrice, taxBreakdown, unitPrice, type ContentUnit } from '../../domain/pricing/price.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';
import { parseQuantity } from '../../domain/quantity.js';
import { PermanentError } from '../../errors.js';
import { effectiveExpected } from './pricing-index.repository.js';
import { loadRuleSet, ruleFor, type RuleSet } from './pricing-rules.repository.js';
import { PriceConflictError } from '../../errors.js';

/** `processed_jobs.queue` of chunk markers (the queue that runs them). */
const MARKER_QUEUE = 'price-recalculations';

export type RunScope = { kind: 'all' } | { kind: 'category'; category: string } | { kind: 'products'; productIds: number[] };

export interface NewRun {
  id: string;
  idempotencyKey?: string | null;
  trigger: PriceRunTrigger;
  scope: RunScope;
  reason: string;
  forced?: boolean;
  requestedBy?: string | null;
  /** Overrides the effective expected rate (an index run prices with the rate it was started for). */
  forward?: { period: string; rateBp: number } | null;
}

export interface PlannedRun {
  id: string;
  trigger: PriceRunTrigger;
  status: PriceRunStatus;
  /** Inclusive product id ranges, one per chunk job. */
  chunks: [number, number][];
  /** false: the id or idempotency key existed; this is that run. */
  created: boolean;
  idempotencyKey: string | null;
}

function scopeFilter(scope: { scope_kind: PriceRunScope; category: string | null; product_ids: number[] | null }) {
  if (scope.scope_kind === 'category') return sql`AND p.category = ${scope.category}`;
  if (scope.scope_kind === 'products') return sql`AND p.id = ANY(${scope.product_ids}::bigint[])`;
  return sql``;
}

/**
 * Records a run and plans its chunks in the caller's transaction: snapshots the rules and the
 * expected rate (so every chunk prices alike) and splits the products in scope into id ranges of
 * `chunkSize`. An existing id or idempotency key returns that run unchanged (`created: false`).
 */
export async function createRun(trx: Transaction<DB>, run: NewRun, chunkSize: number, now = new Date()): Promise<PlannedRun> {
  const existing = await findRun(trx, run.id, run.idempotencyKey ?? null);
  if (existing) return { ...existing, created: false };
  const rules = await loadRuleSet(trx);
  const forward = run.forward === undefined ? await effectiveExpected(trx, now) : run.forward;
  const scope = {
    scope_kind: run.scope.kind,
    category: run.scope.kind === 'category' ? run.scope.category : null,
    product_ids: run.scope.kind === 'products' ? [...new Set(run.scope.productIds)].sort((a, b) => a - b) : null,
  };
  const { rows: ranges } = await sql<{ lo: number; hi: number }>`
    SELECT min(id) AS lo, max(id) AS hi
      FROM (SELECT p.id, (row_number() OVER (ORDER BY p.id) - 1) / ${chunkSize} AS g
              FROM products p WHERE p.replacement_cost_cents IS NOT NULL ${scopeFilter(scope)}) s
     GROUP BY g ORDER BY g`.execute(trx);
  const chunks = ranges.map((r): [number, number] => [Number(r.lo), Number(r.hi)]);
  const inserted = await trx
    .insertInto('price_runs')
    .values({
      id: run.id,
      idempotency_key: run.idempotencyKey ?? null,
      trigger: run.trigger,
      ...scope,
      reason: run.reason,
      forced: run.forced ?? false,
      forward_rate_bp: forward?.rateBp ?? 0,
      forward_period: forward?.period ?? null,
      rules: JSON.stringify(rules),
      chunks: JSON.stringify(chunks),
      chunks_total: chunks.length,
      requested_by: run.requestedBy ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    // Created concurrently by another request with the same id or key.
    const again = await findRun(trx, run.id, run.idempotencyKey ?? null);
    if (!again) throw new Error(`run ${run.id} conflicted but cannot be found`);
    return { ...again, created: false };
  }
  return { id: run.id, trigger: run.trigger, status: 'planned', chunks, created: true, idempotencyKey: run.idempotencyKey ?? null };
}

async function findRun(db: Database, id: string, idempotencyKey: string | null): Promise<Omit<PlannedRun, 'created'> | undefined> {
  const row = await db
    .selectFrom('price_runs')
    .select(['id', 'trigger', 'status', 'chunks', 'idempotency_key'])
    .where((eb) => (idempotencyKey ? eb.or([eb('id', '=', id), eb('idempotency_key', '=', idempotencyKey)]) : eb('id', '=', id)))
    .executeTakeFirst();
  return row && { id: row.id, trigger: row.trigger, status: row.status, chunks: row.chunks, idempotencyKey: row.idempotency_key };
}

/** Whether a stored run was asked for with this scope, reason and force flag (an idempotency key replay). */
export async function runMatches(db: Database, id: string, run: Pick<NewRun, 'scope' | 'reason' | 'forced'>): Promise<boolean> {
  const row = await db.selectFrom('price_runs').select(['scope_kind', 'category', 'product_ids', 'reason', 'forced']).where('id', '=', id).executeTakeFirst();
  if (!row || row.scope_kind !== run.scope.kind || row.reason !== run.reason || row.forced !== (run.forced ?? false)) return false;
  if (run.scope.kind === 'category') return row.category === run.scope.category;
  if (run.scope.kind === 'products') {
    const want = [...new Set(run.scope.productIds)].sort((a, b) => a - b);
    const have = (row.product_ids ?? []).map(Number);
    return want.length === have.length && want.every((v, i) => v === have[i]);
  }
  return true;
}

export async function markEnqueued(db: Database, runId: string): Promise<void> {
  await db.updateTable('price_runs').set({ enqueued_at: new Date() }).where('id', '=', runId).where('enqueued_at', 'is', null).execute();
}

export interface ChunkResult {
  examined: number;
  changed: number;
  /** Held back by the change limit / raised to the margin floor (0 in markers written before these counts). */
  capped: number;
  atFloor: number;
  /** true: this chunk was applied before (a redelivered job); nothing was written now. */
  replayed: boolean;
}

interface ProductRow {
  id: number;
  category: string;
  unit: Unit;
  replacement_cost_cents: number;
  iva_rate_pct: string;
  internal_tax_pct: string;
  price_cents: number | null;
  net_content: string | null;
  net_content_unit: ContentUnit | null;
}

/**
 * Reprices one chunk of a run in the caller's transaction: reads the products of the range (in
 * the run's scope), computes prices with the run's rules and expected rate, and writes changed
 * prices and their history rows in one statement. The update is guarded on the values the
 * prices were computed from; a product changed concurrently fails the chunk with
 * `PriceConflictError` (retried, re-reading). A marker in `processed_jobs` makes a second
 * delivery of the same chunk a no-op that reports the first result. A chunk of a run that has
 * failed writes nothing and fails permanently (`price_run_failed`).
 */
export async function repriceChunk(trx: Transaction<DB>, runId: string, chunk: number, fromId: number, toId: number, now = new Date()): Promise<ChunkResult> {
  const key = `${runId}#${chunk}`;
  const done = await trx.selectFrom('processed_jobs').select('result').where('queue', '=', MARKER_QUEUE).where('job_key', '=', key).executeTakeFirst();
  if (done) {
    const first = done.result as Partial<ChunkResult> & Pick<ChunkResult, 'examined' | 'changed'>;
    return { examined: first.examined, changed: first.changed, capped: first.capped ?? 0, atFloor: first.atFloor ?? 0, replayed: true };
  }

  const run = await trx
    .selectFrom('price_runs')
    .select(['id', 'status', 'scope_kind', 'category', 'product_ids', 'rules', 'forced', 'forward_rate_bp', 'reason'])
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!run) throw new PermanentError(`no price run ${runId}`, 'price_run_not_found');
  if (run.status === 'failed') throw runClosed(runId, chunk, run.status);
  const rules = run.rules as RuleSet;
  const scope = { ...run, product_ids: run.product_ids?.map(Number) ?? null };

  const { rows: products } = await sql<ProductRow>`
    SELECT p.id, p.category, p.unit, p.replacement_cost_cents, p.iva_rate_pct, p.internal_tax_pct, p.price_cents, p.net_content, p.net_content_unit
      FROM products p
     WHERE p.id BETWEEN ${fromId} AND ${toId} AND p.replacement_cost_cents IS NOT NULL ${scopeFilter(scope)}
     ORDER BY p.id`.execute(trx);

  const cols = {
    id: [] as number[], old: [] as (number | null)[], price: [] as number[], cost: [] as number[], iva: [] as string[], internal: [] as string[],
    rule: [] as number[], without: [] as number[], ivaCents: [] as number[], internalCents: [] as number[], unitPrice: [] as (number | null)[], unitPer: [] as (string | null)[],
  };
  let capped = 0;
  let atFloor = 0;
  for (const p of products) {
    const rule = ruleFor(rules, p.category);
    const ivaBp = percentColumnBp(p.iva_rate_pct);
    const internalTaxBp = percentColumnBp(p.internal_tax_pct);
    const decision = computePrice(rule, { costCents: p.replacement_cost_cents, ivaBp, internalTaxBp, currentPriceCents: p.price_cents }, { forwardRateBp: run.forward_rate_bp, force: run.forced });
    const { priceCents } = decision;
    if (decision.capped) capped++;
    if (decision.atFloor) atFloor++;
    if (priceCents === p.price_cents) continue;
    const taxes = taxBreakdown(priceCents, ivaBp, internalTaxBp);
    const perUnit = unitPrice(priceCents, p.unit, p.net_content === null ? null : parseQuantity(p.net_content)!, p.net_content_unit);
    cols.id.push(p.id);
    cols.old.push(p.price_cents);
    cols.price.push(priceCents);
    cols.cost.push(p.replacement_cost_cents);
    cols.iva.push(p.iva_rate_pct);
    cols.internal.push(p.internal_tax_pct);
    cols.rule.push(rule.id);
    cols.without.push(taxes.withoutNationalTaxesCents);
    cols.ivaCents.push(taxes.ivaCents);
    cols.internalCents.push(taxes.internalTaxesCents);
    cols.unitPrice.push(perUnit?.cents ?? null);
    cols.unitPer.push(perUnit?.per ?? null);
  }

  if (cols.id.length) {
    // The id range keeps the join on the primary key (a seq scan per chunk would not scale).
    const { rows } = await sql<{ n: number }>`
      WITH v AS (
        SELECT * FROM unnest(${cols.id}::bigint[], ${cols.old}::bigint[], ${cols.price}::bigint[], ${cols.cost}::bigint[],
                             ${cols.iva}::numeric[], ${cols.internal}::numeric[], ${cols.rule}::bigint[], ${cols.without}::bigint[],
                             ${cols.ivaCents}::bigint[], ${cols.internalCents}::bigint[], ${cols.unitPrice}::bigint[], ${cols.unitPer}::text[])
          AS v(product_id, old_price, new_price, cost, iva, internal, rule_id, without_taxes, iva_cents, internal_cents, unit_price, unit_per)
      ),
      upd AS (
        UPDATE products p SET price_cents = v.new_price, price_updated_at = ${now}
          FROM v
         WHERE p.id = v.product_id AND p.id BETWEEN ${fromId} AND ${toId}
           AND p.price_cents IS NOT DISTINCT FROM v.old_price AND p.replacement_cost_cents = v.cost
           AND p.iva_rate_pct = v.iva AND p.internal_tax_pct = v.internal
        RETURNING p.id
      ),
      ins AS (
        INSERT INTO price_history (run_id, product_id, old_price_cents, new_price_cents, cost_cents, rule_id, reason, iva_rate_pct,
                                   internal_tax_pct, without_national_taxes_cents, iva_cents, internal_taxes_cents, unit_price_cents,
                                   unit_price_per, changed_at)
        SELECT ${runId}, v.product_id, v.old_price, v.new_price, v.cost, v.rule_id, ${run.reason}, v.iva, v.internal, v.without_taxes,
               v.iva_cents, v.internal_cents, v.unit_price, v.unit_per, ${now}
          FROM v JOIN upd ON upd.id = v.product_id
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`.execute(trx);
    const written = rows[0]?.n ?? 0;
    if (written !== cols.id.length) throw new PriceConflictError(runId, cols.id.length, written);
  }

  const result = { examined: products.length, changed: cols.id.length, capped, atFloor };
  await trx.insertInto('processed_jobs').values({ queue: MARKER_QUEUE, job_key: key, result: JSON.stringify(result) }).execute();
  const counted = await trx
    .updateTable('price_runs')
    .set((eb) => ({
      status: 'running',
      chunks_done: eb('chunks_done', '+', 1),
      products_examined: eb('products_examined', '+', result.examined),
      products_changed: eb('products_changed', '+', result.changed),
      products_capped: eb('products_capped', '+', result.capped),
      products_at_floor: eb('products_at_floor', '+', result.atFloor),
    }))
    .where('id', '=', runId)
    .where('status', 'in', ['planned', 'running'])
    .executeTakeFirst();
  // The run row is locked from here to commit, so `failRun` and this chunk are ordered: a run that
  // failed meanwhile rolls this chunk back, and the failed run's label batch lists every change.
  if (counted.numUpdatedRows === 0n) {
    const current = await trx.selectFrom('price_runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
    throw runClosed(runId, chunk, current.status);
  }
  return { ...result, replayed: false };
}

const runClosed = (runId: string, chunk: number, status: PriceRunStatus) =>
  new PermanentError(`run ${runId} is ${status}; chunk ${chunk} was not applied`, status === 'failed' ? 'price_run_failed' : 'price_run_closed');

/** Records the label batch of a run (its price history rows); a second call keeps the first. */
async function recordLabelBatch(trx: Transaction<DB>, runId: string, now: Date): Promise<number> {
  await sql`
    INSERT INTO label_batches (run_id, product_count, created_at)
    SELECT ${runId}, count(*), ${now} FROM price_history WHERE run_id = ${runId}
    ON CONFLICT (run_id) DO NOTHING`.execute(trx);
  const batch = await trx.selectFrom('label_batches').select(['id']).where('run_id', '=', runId).executeTakeFirstOrThrow();
  return batch.id;
}

/**
 * Marks a run that cannot finish (a chunk failed for good) `failed` with the reason, and records
 * the label batch of the prices its committed chunks did change: those shelves need labels too.
 * Returns false when the run was already finished or failed (the first reason stays).
 */
export async function failRun(trx: Transaction<DB>, runId: string, reason: string, now = new Date()): Promise<boolean> {
  const failed = await trx
    .updateTable('price_runs')
    .set({ status: 'failed', failed_at: now, failure_reason: reason.slice(0, 2000) })
    .where('id', '=', runId)
    .where('status', 'in', ['planned', 'running'])
    .returning('id')
    .executeTakeFirst();
  if (!failed) return false;
  await recordLabelBatch(trx, runId, now);
  return true;
}

export interface FinishedRun {
  runId: string;
  trigger: PriceRunTrigger;
  labelBatchId: number;
  productsChanged: number;
  productsExamined: number;
  /** Seconds from planning to completion; set only when this call completed the run. */
  durationS: number | null;
}

/**
 * Completes a run after its last chunk: marks it completed and records its label batch (the
 * run's price history rows). Idempotent: a second call returns the same batch.
 */
export async function finishRun(trx: Transaction<DB>, runId: string, now = new Date()): Promise<FinishedRun> {
  const run = await trx.selectFrom('price_runs').select(['id', 'trigger', 'status', 'created_at', 'chunks_total', 'chunks_done']).where('id', '=', runId).forUpdate().executeTakeFirst();
  if (!run) throw new PermanentError(`no price run ${runId}`, 'price_run_not_found');
  if (run.status === 'failed') throw new PermanentError(`run ${runId} has failed and cannot complete`, 'price_run_failed');
  if (run.status !== 'completed' && run.chunks_done < run.chunks_total) {
    throw new Error(`run ${runId} has ${run.chunks_total - run.chunks_done} chunks still to apply`);
  }
  const fresh = run.status !== 'completed';
  if (fresh) await trx.updateTable('price_runs').set({ status: 'completed', completed_at: now }).where('id', '=', runId).execute();
  const labelBatchId = await recordLabelBatch(trx, runId, now);
  const counts = await trx.selectFrom('price_runs').select(['products_changed', 'products_examined']).where('id', '=', runId).executeTakeFirstOrThrow();
  return {
    runId,
    trigger: run.trigger,
    labelBatchId,
    productsChanged: counts.products_changed,
    productsExamined: counts.products_examined,
    durationS: fresh ? Math.max(0, now.getTime() - run.created_at.getTime()) / 1000 : null,
  };
}

/**
 * A whole small run in the caller's transaction (repricing after an invoice): plan, every
 * chunk, finish. The same run id again returns the first outcome and changes nothing.
 */
export async function runRepricingInline(trx: Transaction<DB>, run: NewRun, chunkSize: number, now = new Date()): Promise<FinishedRun & { created: boolean }> {
  const planned = await createRun(trx, run, chunkSize, now);
  for (const [i, [from, to]] of planned.chunks.entries()) await repriceChunk(trx, planned.id, i, from, to, now);
  return { ...(await finishRun(trx, planned.id, now)), created: planned.created };
}

/** Runs still `planned` after `graceMs` whose flow may never have reached Redis. */
export async function findUnstartedRuns(db: Database, graceMs: number, limit = 100): Promise<Omit<PlannedRun, 'created'>[]> {
  const rows = await db
    .selectFrom('price_runs')
    .select(['id', 'trigger', 'status', 'chunks', 'idempotency_key'])
    .where('status', '=', 'planned')
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${graceMs / 1000})`)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, trigger: r.trigger, status: r.status, chunks: r.chunks, idempotencyKey: r.idempotency_key }));
}

/** Runs sent to the queue more than `graceMs` ago and not finished: the reconciler checks their jobs. */
export async function findUnfinishedRuns(db: Database, graceMs: number, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom('price_runs')
    .select('id')
    .where('status', 'in', ['planned', 'running'])
    .where('enqueued_at', '<', sql<Date>`now() - make_interval(secs => ${graceMs / 1000})`)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface RunView {
  id: string;
  trigger: PriceRunTrigger;
  status: PriceRunStatus;
  scope: { kind: PriceRunScope; category?: string; products?: number };
  reason: string;
  forced: boolean;
  forwardRate: { period: string; ratePct: string } | null;
  chunks: { total: number; done: number };
  progress: number;
  productsExamined: number;
  productsChanged: number;
  /** The change limit held these prices back (a forced run holds none). */
  productsCapped: number;
  /** The minimum margin raised these prices above the rule's price. */
  productsAtFloor: number;
  labelBatchId: number | null;
  requestedBy: string | null;
  createdAt: Date;
  completedAt: Date | null;
  /** Why and when the run failed (status `failed`), else null. */
  failure: { reason: string; at: Date } | null;
}

function runQuery(db: Database) {
  return db
    .selectFrom('price_runs as r')
    .leftJoin('label_batches as b', 'b.run_id', 'r.id')
    .select([
      'r.id', 'r.trigger', 'r.status', 'r.scope_kind', 'r.category', 'r.product_ids', 'r.reason', 'r.forced', 'r.forward_rate_bp', 'r.forward_period',
      'r.chunks_total', 'r.chunks_done', 'r.products_examined', 'r.products_changed', 'r.products_capped', 'r.products_at_floor', 'r.requested_by', 'r.created_at', 'r.completed_at', 'r.failed_at', 'r.failure_reason', 'b.id as label_batch_id',
    ]);
}

type RunRow = Awaited<ReturnType<ReturnType<typeof runQuery>['executeTakeFirstOrThrow']>>;

function toRunView(r: RunRow): RunView {
  return {
    id: r.id,
    trigger: r.trigger,
    status: r.status,
    scope: { kind: r.scope_kind, ...(r.category !== null && { category: r.category }), ...(r.product_ids !== null && { products: r.product_ids.length }) },
    reason: r.reason,
    forced: r.forced,
    forwardRate: r.forward_period === null ? null : { period: r.forward_period, ratePct: formatPercent(r.forward_rate_bp) },
    chunks: { total: r.chunks_total, done: r.chunks_done },
    progress: r.status === 'completed' ? 100 : r.chunks_total ? Math.floor((100 * r.chunks_done) / r.chunks_total) : 0,
    productsExamined: r.products_examined,
    productsChanged: r.products_changed,
    productsCapped: r.products_capped,
    productsAtFloor: r.products_at_floor,
    labelBatchId: r.label_batch_id ?? null,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    completedAt: r.completed_at,
    failure: r.failure_reason === null || r.failed_at === null ? null : { reason: r.failure_reason, at: r.failed_at },
  };
}

export async function getRun(db: Database, id: string): Promise<RunView | undefined> {
  const row = await runQuery(db).where('r.id', '=', id).executeTakeFirst();
  return row && toRunView(row);
}

/** Runs, newest first. */
export async function listRuns(db: Database, f: { status?: PriceRunStatus; limit: number }): Promise<RunView[]> {
  let q = runQuery(db);
  if (f.status) q = q.where('r.status', '=', f.status);
  const rows = await q.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(f.limit).execute();
  return rows.map(toRunView);
}
