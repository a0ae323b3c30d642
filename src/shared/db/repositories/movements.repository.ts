import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database, DB, MovementStatus, MovementType } from '../database.js';
import { planMovements, balanceKey, type LedgerLeg, type MovementOutcome, type MovementUnit } from '../../domain/stock.js';
import { recordAudit, type AuditActor } from './audit.repository.js';
import { formatMoney, formatQuantity, normalizeQuantity, parseQuantity } from '../../domain/quantity.js';
import { withTransaction } from '../transaction.js';

/** A movement request as validated by the API, with catalog references resolved to ids. */
export interface NewMovement {
  type: MovementType;
  productId: number;
  locationId: number;
  toLocationId: number | null;
  /** Decimal string, up to 3 places; signed for adjustments. */
  quantity: string;
  unitCostCents: number | null;
  reason: string | null;
  reference: string | null;
  occurredAt: Date;
  /** Who submitted it; kept (for the audit trail) on manual corrections only. */
  actor?: AuditActor | null;
}

/** Adjustments and counts are manual corrections: their submitter is recorded for the audit event. */
const MANUAL_TYPES: readonly MovementType[] = ['adjustment', 'count'];
const actorColumn = (m: Pick<NewMovement, 'type' | 'actor'>): string | null => (m.actor && MANUAL_TYPES.includes(m.type) ? JSON.stringify(m.actor) : null);


const samePayload = (row: { type: string; product_id: number; location_id: number; to_location_id: number | null; quantity: string; reference: string | null }, m: NewMovement) =>
  row.type === m.type &&
  row.product_id === m.productId &&
  row.location_id === m.locationId &&
  row.to_location_id === m.toLocationId &&
  parseQuantity(row.quantity) === parseQuantity(m.quantity) &&
  (row.reference ?? null) === (m.reference ?? null);

export type RecordResult<T> = { kind: 'created'; value: T } | { kind: 'replayed'; value: T } | { kind: 'key_reused'; value: T };

/**
 * Durable intake of one movement. The idempotency key is unique: a second submission with the
 * same key returns the first request (or `key_reused` if the payload differs).
 */
export async function recordMovement(db: Database, idempotencyKey: string, m: NewMovement): Promise<RecordResult<{ id: string }>> {
  const inserted = await db
    .insertInto('movement_requests')
    .values({
      id: randomUUID(),
      idempotency_key: idempotencyKey,
      type: m.type,
      product_id: m.productId,
      location_id: m.locationId,
      to_location_id: m.toLocationId,
      quantity: m.quantity,
      unit_cost_cents: m.unitCostCents,
      reason: m.reason,
      reference: m.reference,
      occurred_at: m.occurredAt,
      actor: actorColumn(m),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { kind: 'created', value: inserted };
  const existing = await db
    .selectFrom('movement_requests')
    .select(['id', 'type', 'product_id', 'location_id', 'to_location_id', 'quantity', 'reference', 'batch_id'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirstOrThrow();
  return { kind: existing.batch_id === null && samePayload(existing, m) ? 'replayed' : 'key_reused', value: { id: existing.id } };
}

/** A movement as submitted, with catalog references still as SKU and location codes. */
export interface SubmittedMovement extends Omit<NewMovement, 'productId' | 'locationId' | 'toLocationId'> {
  sku: string;
  location: string;
  toLocation: string | null;
}

/**
 * The hot intake path: resolves SKUs and locations and inserts many requests in one statement
 * (the API groups concurrent requests). Per input, in order: the new row, or undefined when
 * nothing was inserted (unknown reference, a fraction of a unit-counted product, an existing
 * key) — the caller then takes the slow path that explains why.
 */
export async function insertSubmittedMovements(
  db: Database,
  items: { key: string; movement: SubmittedMovement }[],
  /** The job these requests share (`mg-<intakeGroup>`), or null: each has its own. */
  intakeGroup: string | null,
): Promise<({ id: string; createdAt: Date } | undefined)[]> {
  const ids = items.map(() => randomUUID());
  const col = <T>(f: (m: SubmittedMovement) => T) => items.map((i) => f(i.movement));
  const { rows } = await sql<{ id: string; created_at: Date }>`
    INSERT INTO movement_requests (id, idempotency_key, type, product_id, location_id, to_location_id, quantity, unit_cost_cents, reason, reference, occurred_at, actor, intake_group)
    SELECT v.id, v.key, v.type, p.id, l.id, t.id, v.quantity, v.cost, v.reason, v.reference, v.occurred_at, v.actor, ${intakeGroup}::uuid
      FROM unnest(${ids}::uuid[], ${items.map((i) => i.key)}::text[], ${col((m) => m.type)}::text[], ${col((m) => m.sku)}::text[],
                  ${col((m) => m.location)}::text[], ${col((m) => m.toLocation)}::text[], ${col((m) => m.quantity)}::numeric[],
                  ${col((m) => m.unitCostCents)}::bigint[], ${col((m) => m.reason)}::text[], ${col((m) => m.reference)}::text[],
                  ${col((m) => m.occurredAt.toISOString())}::timestamptz[], ${col(actorColumn)}::jsonb[])
           AS v(id, key, type, sku, location, to_location, quantity, cost, reason, reference, occurred_at, actor)
      JOIN products p ON p.sku = v.sku
      JOIN locations l ON l.code = v.location
      LEFT JOIN locations t ON t.code = v.to_location
     WHERE (v.to_location IS NULL OR t.id IS NOT NULL)
       AND (p.unit <> 'unit' OR v.quantity % 1 = 0)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, created_at`.execute(db);
  const byId = new Map(rows.map((r) => [r.id, r.created_at]));
  return ids.map((id) => (byId.has(id) ? { id, createdAt: byId.get(id)! } : undefined));
}

/** Durable intake of a batch: the batch row and every movement request in one transaction. */
export async function recordBatch(
  db: Database,
  idempotencyKey: string,
  atomic: boolean,
  movements: NewMovement[],
): Promise<RecordResult<{ id: string; movementIds: string[] }>> {
  return withTransaction(db, async (trx) => {
    const batchId = randomUUID();
    const inserted = await trx
      .insertInto('movement_batches')
      .values({ id: batchId, idempotency_key: idempotencyKey, atomic, movement_count: movements.length })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx.selectFrom('movement_batches').select(['id', 'atomic', 'movement_count']).where('idempotency_key', '=', idempotencyKey).executeTakeFirstOrThrow();
      const rows = await trx
        .selectFrom('movement_requests')
        .select(['id', 'type', 'product_id', 'location_id', 'to_location_id', 'quantity', 'reference'])
        .where('batch_id', '=', existing.id)
        .orderBy('batch_seq')
        .execute();
      const same = existing.atomic === atomic && rows.length === movements.length && rows.every((r, i) => samePayload(r, movements[i]!));
      return { kind: same ? 'replayed' : 'key_reused', value: { id: existing.id, movementIds: rows.map((r) => r.id) } };
    }
    // One statement for all requests (arrays, not thousands of bind parameters).
    const ids = movements.map(() => randomUUID());
    const col = <T>(f: (m: NewMovement) => T) => movements.map(f);
    await sql`
      INSERT INTO movement_requests (id, idempotency_key, batch_id, batch_seq, type, product_id, location_id, to_location_id,
                                     quantity, unit_cost_cents, reason, reference, occurred_at, actor)
      SELECT v.id, ${idempotencyKey} || '#' || (v.seq - 1), ${batchId}::uuid, v.seq - 1, v.type, v.product_id, v.location_id, v.to_location_id,
             v.quantity, v.cost, v.reason, v.reference, v.occurred_at, v.actor
        FROM unnest(${ids}::uuid[], ${col((m) => m.type)}::text[], ${col((m) => m.productId)}::bigint[], ${col((m) => m.locationId)}::bigint[],
                    ${col((m) => m.toLocationId)}::bigint[], ${col((m) => m.quantity)}::numeric[], ${col((m) => m.unitCostCents)}::bigint[],
                    ${col((m) => m.reason)}::text[], ${col((m) => m.reference)}::text[], ${col((m) => m.occurredAt.toISOString())}::timestamptz[], ${col(actorColumn)}::jsonb[])
             WITH ORDINALITY AS v(id, type, product_id, location_id, to_location_id, quantity, cost, reason, reference, occurred_at, actor, seq)`.execute(trx);
    return { kind: 'created', value: { id: batchId, movementIds: ids } };
  });
}

export type MovementRef = { movementId: string } | { batchId: string };

/** A straggler the reconciler found: a batch, or a movement and the intake group whose job carries it (if any). */
export type StaleRef = { movementId: string; intakeGroup: string | null } | { batchId: string };

export interface AppliedMovement {
  id: string;
  type: MovementType;
  status: MovementStatus;
  reason: string | null;
  balanceAfter: string | null;
  /** Decided by this call (false: processed earlier, e.g. a redelivered job). */
  fresh: boolean;
}

interface LockedRequest {
  id: string;
  batch_id: string | null;
  batch_seq: number | null;
  type: MovementType;
  product_id: number;
  location_id: number;
  to_location_id: number | null;
  quantity: string;
  status: MovementStatus;
  rejection_reason: string | null;
  balance_after: string | null;
  allow_negative_stock: boolean;
  atomic: boolean | null;
}

/** (product, location) pairs known to have a `stock_levels` row, so applying needs no insert first. */
const knownBalanceRows = new Set<string>();

/**
 * Applies a group of movement jobs in the caller's transaction: locks the requests (by id)
 * and then the balances (by product, location) — always in that order, so concurrent groups
 * never deadlock — skips requests already processed (a redelivered job has no second effect),
 * plans the outcomes, and writes ledger rows, balances and outcomes with one statement each.
 * Returns, per ref (in order), the movements it covers and their outcomes.
 */
export async function applyMovementGroup(trx: Transaction<DB>, refs: MovementRef[]): Promise<AppliedMovement[][]> {
  const movementIds = refs.flatMap((r) => ('movementId' in r ? [r.movementId] : []));
  const batchIds = refs.flatMap((r) => ('batchId' in r ? [r.batchId] : []));
  const { rows: locked } = await sql<LockedRequest>`
    SELECT r.id, r.batch_id, r.batch_seq, r.type, r.product_id, r.location_id, r.to_location_id, r.quantity,
           r.status, r.rejection_reason, r.balance_after, p.allow_negative_stock, b.atomic
      FROM movement_requests r
      JOIN products p ON p.id = r.product_id
      LEFT JOIN movement_batches b ON b.id = r.batch_id
     WHERE ${
       movementIds.length && batchIds.length
         ? sql`r.id = ANY(${movementIds}::uuid[]) OR r.batch_id = ANY(${batchIds}::uuid[])`
         : movementIds.length
           ? sql`r.id = ANY(${movementIds}::uuid[])`
           : sql`r.batch_id = ANY(${batchIds}::uuid[])`
     }
     ORDER BY r.id
       FOR UPDATE OF r`.execute(trx);

  const byId = new Map(locked.map((r) => [r.id, r]));
  const byBatch = new Map<string, LockedRequest[]>();
  for (const r of locked) if (r.batch_id) byBatch.set(r.batch_id, [...(byBatch.get(r.batch_id) ?? []), r]);
  for (const list of byBatch.values()) list.sort((a, b) => a.batch_seq! - b.batch_seq!);
  const rowsOf = (ref: MovementRef): LockedRequest[] =>
    'movementId' in ref ? (byId.has(ref.movementId) ? [byId.get(ref.movementId)!] : []) : (byBatch.get(ref.batchId) ?? []);

  const units: MovementUnit[] = [];
  const pairs = new Map<string, [number, number]>();
  const seen = new Set<string>();
  for (const ref of refs) {
    const pending = rowsOf(ref).filter((r) => r.status === 'queued' && !seen.has(r.id));
    if (!pending.length) continue;
    for (const r of pending) {
      seen.add(r.id);
      pairs.set(balanceKey(r.product_id, r.location_id), [r.product_id, r.location_id]);
      if (r.to_location_id !== null) pairs.set(balanceKey(r.product_id, r.to_location_id), [r.product_id, r.to_location_id]);
    }
    units.push({
      atomic: 'batchId' in ref && pending[0]!.atomic === true,
      movements: pending.map((r) => ({
        id: r.id,
        type: r.type,
        productId: r.product_id,
        locationId: r.location_id,
        toLocationId: r.to_location_id,
        quantity: parseQuantity(r.quantity)!,
        allowNegative: r.allow_negative_stock,
      })),
    });
  }

  const outcomes = new Map<string, MovementOutcome>();
  if (units.length) {
    const sorted = [...pairs.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const ps = sorted.map((p) => p[0]);
    const ls = sorted.map((p) => p[1]);
    const lockLevels = () =>
      sql<{ product_id: number; location_id: number; quantity: string }>`
        SELECT product_id, location_id, quantity FROM stock_levels
         WHERE (product_id, location_id) IN (SELECT * FROM unnest(${ps}::bigint[], ${ls}::bigint[]))
         ORDER BY product_id, location_id
           FOR UPDATE`.execute(trx);
    // Pairs this process has seen have a balance row (rows are never deleted): one round trip
    // locks them. A group with a pair not seen yet first inserts the missing rows and then locks
    // all in key order, so no group ever holds a balance lock while it inserts.
    const insertMissing = () =>
      sql`INSERT INTO stock_levels (product_id, location_id)
          SELECT * FROM unnest(${ps}::bigint[], ${ls}::bigint[]) ON CONFLICT DO NOTHING`.execute(trx);
    const allKnown = sorted.every(([p, l]) => knownBalanceRows.has(balanceKey(p, l)));
    if (!allKnown) await insertMissing();
    let { rows: levels } = await lockLevels();
    if (levels.length < sorted.length) {
      // Only if a row vanished behind this process's back (a restore): the slow path again.
      await insertMissing();
      ({ rows: levels } = await lockLevels());
    }
    if (knownBalanceRows.size > 200_000) knownBalanceRows.clear();
    for (const l of levels) knownBalanceRows.add(balanceKey(l.product_id, l.location_id));
    const balances = new Map(levels.map((l) => [balanceKey(l.product_id, l.location_id), parseQuantity(l.quantity)!]));

    const plan = planMovements(balances, units);
    for (const [id, o] of plan.outcomes) outcomes.set(id, o);

    // Ledger rows, balances and outcomes in one statement (one round trip): data-modifying CTEs
    // on three different tables, all seeing the snapshot taken after the locks above. A ledger
    // row's product and location come from its request row (leg 1 of a transfer: the destination),
    // never from the plan: the ledger has no foreign keys of its own to products and locations (0131).
    const legs = plan.legs;
    const deltas = [...plan.deltas.entries()].filter(([, d]) => d !== 0n);
    const ids = [...plan.outcomes.keys()];
    const os = [...plan.outcomes.values()];
    await sql`
      WITH ledger AS (
        INSERT INTO stock_movements (movement_id, leg, idempotency_key, type, product_id, location_id, quantity,
                                     unit_cost_cents, reason, reference, occurred_at)
        SELECT v.movement_id, v.leg, r.idempotency_key, r.type, r.product_id, CASE v.leg WHEN 0 THEN r.location_id ELSE r.to_location_id END,
               v.quantity, r.unit_cost_cents, r.reason, r.reference, r.occurred_at
          FROM unnest(${legs.map((l) => l.movementId)}::uuid[], ${legs.map((l) => l.leg)}::smallint[], ${legs.map((l) => formatQuantity(l.quantity))}::numeric[])
               WITH ORDINALITY AS v(movement_id, leg, quantity, ord)
          JOIN movement_requests r ON r.id = v.movement_id
         ORDER BY v.ord
      ), balances AS (
        UPDATE stock_levels s SET quantity = s.quantity + v.delta, updated_at = now()
          FROM unnest(${deltas.map(([k]) => Number(k.split(':')[0]))}::bigint[],
                      ${deltas.map(([k]) => Number(k.split(':')[1]))}::bigint[],
                      ${deltas.map(([, d]) => formatQuantity(d))}::numeric[]) AS v(product_id, location_id, delta)
         WHERE s.product_id = v.product_id AND s.location_id = v.location_id
      )
      UPDATE movement_requests r
         SET status = v.status, rejection_reason = v.reason, rejection_detail = v.detail::jsonb,
             balance_after = v.balance_after::numeric, to_balance_after = v.to_balance_after::numeric, processed_at = now()
        FROM unnest(${ids}::uuid[], ${os.map((o) => o.status)}::text[], ${os.map((o) => (o.status === 'rejected' ? o.reason : null))}::text[],
                    ${os.map((o) => (o.status === 'rejected' ? JSON.stringify(o.detail) : null))}::text[],
                    ${os.map((o) => (o.status === 'applied' ? formatQuantity(o.balanceAfter) : null))}::text[],
                    ${os.map((o) => (o.status === 'applied' && o.toBalanceAfter !== null ? formatQuantity(o.toBalanceAfter) : null))}::text[])
             AS v(id, status, reason, detail, balance_after, to_balance_after)
       WHERE r.id = v.id`.execute(trx);
    const typeOf = new Map(locked.map((r) => [r.id, r.type]));
    const manualIds = ids.filter((id) => MANUAL_TYPES.includes(typeOf.get(id)!));
    if (manualIds.length) await auditManualCorrections(trx, manualIds, plan.outcomes, plan.legs);
  }

  return refs.map((ref) =>
    rowsOf(ref).map((r): AppliedMovement => {
      const o = outcomes.get(r.id);
      if (!o) return { id: r.id, type: r.type, status: r.status, reason: r.rejection_reason, balanceAfter: r.balance_after === null ? null : normalizeQuantity(r.balance_after), fresh: false };
      return o.status === 'applied'
        ? { id: r.id, type: r.type, status: 'applied', reason: null, balanceAfter: formatQuantity(o.balanceAfter), fresh: true }
        : { id: r.id, type: r.type, status: 'rejected', reason: o.reason, balanceAfter: null, fresh: true };
    }),
  );
}

/**
 * The audit events of manual corrections decided in this transaction: who submitted them (kept
 * at intake), the balance before and after, and the outcome — a rejected correction is recorded
 * as rejected, never as a change. Written with the decision, so it is there exactly when it is.
 */
async function auditManualCorrections(trx: Transaction<DB>, ids: string[], outcomes: Map<string, MovementOutcome>, legs: LedgerLeg[]): Promise<void> {
  const manual = await trx
    .selectFrom('movement_requests as r')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .select(['r.id', 'r.type', 'r.quantity', 'r.reason', 'r.reference', 'r.actor', 'p.sku', 'l.code as location'])
    .where('r.id', 'in', ids)
    .where('r.actor', 'is not', null)
    .execute();
  for (const r of manual) {
    const o = outcomes.get(r.id)!;
    const change = legs.filter((l) => l.movementId === r.id).reduce((s, l) => s + l.quantity, 0n);
    const actor = r.actor as unknown as AuditActor;
    const what = { sku: r.sku, location: r.location, type: r.type, quantity: normalizeQuantity(r.quantity), reason: r.reason, reference: r.reference };
    if (o.status === 'applied') {
      await recordAudit(trx, actor, {
        action: r.type === 'count' ? 'stock.counted' : 'stock.adjusted',
        entityType: 'stock_movement',
        entityId: r.id,
        before: { ...what, balance: formatQuantity(o.balanceAfter - change) },
        after: { ...what, outcome: 'applied', balance: formatQuantity(o.balanceAfter), change: formatQuantity(change) },
      });
    } else {
      const seen = o.detail.available ?? o.detail.balance ?? null;
      await recordAudit(trx, actor, {
        action: r.type === 'count' ? 'stock.count_rejected' : 'stock.adjustment_rejected',
        entityType: 'stock_movement',
        entityId: r.id,
        before: { ...what, balance: seen },
        after: { ...what, outcome: 'rejected', reason: o.reason, detail: o.detail, balance: seen },
      });
    }
  }
}

/**
 * Requests still `queued` after `graceMs`: single movements and batches to enqueue again (on either
 * queue backend). Call it in the reconciler's READ COMMITTED transaction (it holds the reconcile
 * lock; each statement takes a new snapshot): it moves the watermark
 * `movement_reconcile_state.checked_until`.
 *
 * The outcome UPDATE is heap-only (migration 0132), so no index tells queued from decided; the scan
 * walks `created_at` from the watermark and reads each row's status. The watermark then moves to
 * the oldest request found still queued, or, when none was, to the horizon: the earlier of
 * now − grace and the start of the oldest transaction still running on this database. A request's
 * `created_at` is its inserting transaction's start, so a request committed later than the scan
 * (a slow intake transaction) is never behind the watermark. The horizon is read before the scan,
 * in its own statement: a transaction that ends between the two is visible to the scan. Only
 * sessions of this database role show their start (pg_stat_activity): intake runs as that role.
 */
/** Requests still `queued`: none is older than the reconciler's watermark (see findStaleQueued). */
const queuedSinceWatermark = sql`movement_requests r, movement_reconcile_state w WHERE r.created_at >= w.checked_until AND r.status = 'queued'`;

export async function findStaleQueued(trx: Transaction<DB>, graceMs: number, limit = 1000): Promise<{ refs: StaleRef[]; oldestTransaction?: OldestTransaction }> {
  const { rows: horizon } = await sql<{ horizon: string; pid: number | null; application: string | null; age_s: number | null }>`
    WITH oldest AS (
      SELECT pid, application_name, xact_start FROM pg_stat_activity
       WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
       ORDER BY xact_start LIMIT 1
    )
    SELECT least(now() - make_interval(secs => ${graceMs / 1000}), o.xact_start)::text AS horizon,
           o.pid, o.application_name AS application, extract(epoch FROM now() - o.xact_start)::float8 AS age_s
      FROM (SELECT 1) one LEFT JOIN oldest o ON true`.execute(trx);
  // The horizon comes back as text: PostgreSQL's microseconds survive (a JS Date keeps milliseconds).
  const h = horizon[0]!;
  const { rows } = await sql<{ id: string; batch_id: string | null; intake_group: string | null }>`
    WITH stale AS (
      SELECT r.id, r.batch_id, r.intake_group, r.created_at
        FROM ${queuedSinceWatermark} AND r.created_at < ${h.horizon}::timestamptz
       ORDER BY r.created_at
       LIMIT ${limit}
    ), moved AS (
      UPDATE movement_reconcile_state
         SET checked_until = greatest(checked_until, coalesce((SELECT min(created_at) FROM stale), ${h.horizon}::timestamptz))
    )
    SELECT id, batch_id, intake_group FROM stale ORDER BY created_at`.execute(trx);
  const refs = new Map<string, StaleRef>();
  for (const r of rows) {
    if (r.batch_id) refs.set(`b${r.batch_id}`, { batchId: r.batch_id });
    else refs.set(`m${r.id}`, { movementId: r.id, intakeGroup: r.intake_group });
  }
  const oldestTransaction = h.pid !== null ? { pid: h.pid, application: h.application ?? '', ageS: h.age_s ?? 0 } : undefined;
  return { refs: [...refs.values()], oldestTransaction };
}

/**
 * Movement requests still `queued`: the backlog in movements. Counted from the reconciler's
 * watermark (every older request was seen decided), so it reads the recent rows of the
 * `created_at` index, not the table (no index covers `status`, migration 0132).
 */
export async function countQueuedMovements(db: Database): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${queuedSinceWatermark}`.execute(db);
  return rows[0]?.n ?? 0;
}

/** The longest-running transaction on the database when the reconciler looked (it holds the watermark back). */
export interface OldestTransaction {
  pid: number;
  application: string;
  ageS: number;
}

export interface MovementView {
  id: string;
  idempotencyKey: string;
  batchId: string | null;
  status: MovementStatus;
  /** Why a movement was rejected (`insufficient_stock`, `batch_rejected`), else null. */
  reason: string | null;
  detail: Record<string, unknown> | null;
  type: MovementType;
  sku: string;
  location: string;
  toLocation: string | null;
  quantity: string;
  unitCost: string | null;
  adjustmentReason: string | null;
  reference: string | null;
  occurredAt: Date;
  createdAt: Date;
  processedAt: Date | null;
  balanceAfter: string | null;
  toBalanceAfter: string | null;
}

const cents = (c: number | null) => (c === null ? null : formatMoney(c));

function movementViewQuery(db: Database) {
  return db
    .selectFrom('movement_requests as r')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .innerJoin('locations as l', 'l.id', 'r.location_id')
    .leftJoin('locations as t', 't.id', 'r.to_location_id')
    .select([
      'r.id', 'r.idempotency_key', 'r.batch_id', 'r.batch_seq', 'r.status', 'r.rejection_reason', 'r.rejection_detail', 'r.type', 'p.sku',
      'l.code as location', 't.code as to_location', 'r.quantity', 'r.unit_cost_cents', 'r.reason', 'r.reference', 'r.occurred_at',
      'r.created_at', 'r.processed_at', 'r.balance_after', 'r.to_balance_after',
    ]);
}

type ViewRow = Awaited<ReturnType<ReturnType<typeof movementViewQuery>['executeTakeFirstOrThrow']>>;

const toMovementView = (r: ViewRow): MovementView => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  batchId: r.batch_id,
  status: r.status,
  reason: r.rejection_reason,
  detail: r.rejection_detail,
  type: r.type,
  sku: r.sku,
  location: r.location,
  toLocation: r.to_location,
  quantity: normalizeQuantity(r.quantity),
  unitCost: cents(r.unit_cost_cents),
  adjustmentReason: r.type === 'adjustment' ? r.reason : null,
  reference: r.reference,
  occurredAt: r.occurred_at,
  createdAt: r.created_at,
  processedAt: r.processed_at,
  balanceAfter: r.balance_after === null ? null : normalizeQuantity(r.balance_after),
  toBalanceAfter: r.to_balance_after === null ? null : normalizeQuantity(r.to_balance_after),
});

export async function getMovement(db: Database, id: string): Promise<MovementView | undefined> {
  const row = await movementViewQuery(db).where('r.id', '=', id).executeTakeFirst();
  return row && toMovementView(row);
}

export async function getBatchMovements(db: Database, batchId: string): Promise<MovementView[]> {
  const rows = await movementViewQuery(db).where('r.batch_id', '=', batchId).orderBy('r.batch_seq').execute();
  return rows.map(toMovementView);
}

export interface LedgerFilter {
  sku?: string;
  location?: string;
  type?: MovementType;
  from?: Date;
  to?: Date;
  afterId?: number;
  limit: number;
}

/** The ledger, oldest first, with cursor pagination on the ledger id. */
export async function listLedger(db: Database, f: LedgerFilter) {
  let q = db
    .selectFrom('stock_movements as m')
    .innerJoin('products as p', 'p.id', 'm.product_id')
    .innerJoin('locations as l', 'l.id', 'm.location_id')
    .select(['m.id', 'm.movement_id', 'm.leg', 'm.type', 'p.sku', 'l.code as location', 'm.quantity', 'm.unit_cost_cents', 'm.reason', 'm.reference', 'm.occurred_at', 'm.recorded_at']);
  if (f.sku) q = q.where('p.sku', '=', f.sku);
  if (f.location) q = q.where('l.code', '=', f.location);
  if (f.type) q = q.where('m.type', '=', f.type);
  if (f.from) q = q.where('m.occurred_at', '>=', f.from);
  if (f.to) q = q.where('m.occurred_at', '<', f.to);
  if (f.afterId) q = q.where('m.id', '>', f.afterId);
  const rows = await q.orderBy('m.id').limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      ledgerId: r.id,
      movementId: r.movement_id,
      leg: r.leg,
      type: r.type,
      sku: r.sku,
      location: r.location,
      quantity: normalizeQuantity(r.quantity),
      unitCost: cents(r.unit_cost_cents),
      reason: r.reason,
      reference: r.reference,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
    })),
    lastId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}

export async function getBatch(db: Database, id: string): Promise<{ id: string; atomic: boolean } | undefined> {
  return db.selectFrom('movement_batches').select(['id', 'atomic']).where('id', '=', id).executeTakeFirst();
}
