import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.js';
import { resolveCatalogRefs } from '../db/repositories/catalog.repository.js';
import {
  getMovement,
  insertSubmittedMovements,
  recordBatch,
  recordMovement,
  type MovementView,
  type NewMovement,
  type SubmittedMovement,
} from '../db/repositories/movements.repository.js';
import { breaksWholeUnits, formatMoney, parseQuantity } from '../domain/quantity.js';
import { InvalidQuantityError, ServiceUnavailableError, UnprocessableError, type FieldError } from '../errors.js';
import { GroupCommitter } from '../group-commit.js';
import { MOVEMENT_JOB_MAX_IDS, movementJobId } from '../jobs/stock-movements.contract.js';
import { logger } from '../logging.js';

const log = logger.child({ component: 'movements' });

/** How recorded movements reach the workers (the API passes its producer's typed enqueues). */
export interface MovementQueue {
  /** Whether the queue is reachable now: intake refuses before writing anything when it is not. */
  isReady(): boolean;
  /** Queues requests recorded together (intake group `group`) as one job; its id at once, the enqueue settling later. */
  enqueueMovementGroup(group: string, ids: string[]): { jobId: string; sent: Promise<unknown> };
  /** Queues one request as its own job; resolves to the job's id. */
  enqueueMovement(id: string): Promise<string>;
  enqueueBatch(id: string): Promise<unknown>;
}

export interface Submitted {
  id: string;
  /** The key was seen before for the same request: nothing new was recorded. */
  replayed: boolean;
  /** The movement as recorded (status `queued` unless it was decided already). */
  view: MovementView;
  /** The job that applies it (`Prefer: wait` listens for its end). */
  jobId: string;
}

/**
 * Resolves SKUs and locations of submitted movements. A fraction of a product counted in units
 * is a 400 `invalid_quantity`; unknown SKUs or locations are a 422 `unknown_reference`; both list
 * each field (`pathOf(i)` prefixes the fields of the i-th movement).
 */
async function resolve(db: Database, inputs: SubmittedMovement[], pathOf: (i: number) => string): Promise<NewMovement[]> {
  const refs = await resolveCatalogRefs(db, inputs.map((m) => m.sku), inputs.flatMap((m) => [m.location, ...(m.toLocation ? [m.toLocation] : [])]));
  const unknown: FieldError[] = [];
  const fractions: FieldError[] = [];
  const out = inputs.map((m, i): NewMovement => {
    const product = refs.products.get(m.sku);
    const from = refs.locations.get(m.location);
    const to = m.toLocation ? refs.locations.get(m.toLocation) : null;
    if (!product) unknown.push({ path: `${pathOf(i)}sku`, message: `no product with sku ${m.sku}` });
    if (from === undefined) unknown.push({ path: `${pathOf(i)}location`, message: `no location ${m.location}` });
    if (to === undefined) unknown.push({ path: `${pathOf(i)}toLocation`, message: `no location ${m.toLocation}` });
    if (product && breaksWholeUnits(product.unit, parseQuantity(m.quantity)!)) {
      fractions.push({ path: `${pathOf(i)}quantity`, message: `${m.sku} is counted in units; the quantity must be a whole number, not ${m.quantity}` });
    }
    const { sku: _sku, location: _location, toLocation: _to, ...rest } = m;
    return { ...rest, productId: product?.id ?? 0, locationId: from ?? 0, toLocationId: to ?? null };
  });
  const list = (errors: FieldError[]) => errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  if (fractions.length) throw new InvalidQuantityError(`nothing recorded; fix these quantities: ${list(fractions)}`, fractions);
  if (unknown.length) throw new UnprocessableError('unknown_reference', `fix these and send again: ${list(unknown)}`, { errors: unknown });
  return out;
}

/** The representation of a just-recorded movement, the same as GET /v1/stock-movements/:id returns. */
const queuedView = (id: string, key: string, m: SubmittedMovement, createdAt: Date): MovementView => ({
  id,
  idempotencyKey: key,
  batchId: null,
  status: 'queued',
  reason: null,
  detail: null,
  type: m.type,
  sku: m.sku,
  location: m.location,
  toLocation: m.toLocation,
  quantity: m.quantity,
  unitCost: m.unitCostCents === null ? null : formatMoney(m.unitCostCents),
  adjustmentReason: m.type === 'adjustment' ? m.reason : null,
  reference: m.reference,
  occurredAt: m.occurredAt,
  createdAt,
  processedAt: null,
  balanceAfter: null,
  toBalanceAfter: null,
});

/** What a batch answer shows of each movement. */
export type BatchItemView = Pick<MovementView, 'id' | 'status' | 'reason' | 'detail' | 'sku' | 'balanceAfter'>;

/** After intake the request is durable in PostgreSQL: a failed enqueue is delivered by the reconciler. */
async function send<T>(what: string, sent: Promise<T>): Promise<T | undefined> {
  try {
    return await sent;
  } catch (err) {
    log.warn('enqueue failed after intake; the reconciler will deliver it', { what, err });
    return undefined;
  }
}

/**
 * Durable intake of stock movements: the one place that records a submitted movement or batch
 * (idempotency key, catalog references, the whole-units rule) and hands it to the workers.
 *
 * Single movements take a fast path: concurrent submissions are resolved and recorded with one
 * INSERT and enqueued as one `apply-movements` job (group commit), so under load the API pays one
 * database commit and one queued job per group. A submission the fast path does not record (an
 * unknown reference, a fraction of a unit product, a key seen before) takes the slow path, which
 * records it or says exactly what is wrong. A caller is answered only after its row is committed.
 */
export function createMovementIntake(db: Database, queue: MovementQueue) {
  type Item = { key: string; movement: SubmittedMovement };
  type Inserted = { id: string; createdAt: Date; jobId: string } | undefined;
  // Callers are answered once their rows are committed; the group's job is enqueued after that,
  // off the answer's path, so the next group's INSERT does not wait for the queue. An enqueue lost
  // to a crash in between is delivered by the reconciler (the row is durable and `queued`).
  // One job per group, not per movement: a job costs the API about as much CPU as the INSERT does.
  const record = async (items: Item[]): Promise<Inserted[]> => {
    // The group's id goes into its rows: the reconciler finds the job that carries a straggler.
    const group = items.length > 1 ? randomUUID() : null;
    const results = await insertSubmittedMovements(db, items, group);
    const ids = results.flatMap((r) => (r ? [r.id] : []));
    if (!ids.length) return results.map(() => undefined);
    const { jobId, sent } = group ? queue.enqueueMovementGroup(group, ids) : { jobId: movementJobId(ids[0]!), sent: queue.enqueueMovement(ids[0]!) };
    void send(`${ids.length} movements`, sent);
    return results.map((r) => r && { ...r, jobId });
  };
  const committer = new GroupCommitter<Item, Inserted>({ maxSize: MOVEMENT_JOB_MAX_IDS, maxWaitMs: 0, maxInFlight: 4 }, record, async (item) => (await record([item]))[0]);

  const requireQueue = () => {
    // Fail fast before writing anything: the client retries with the same Idempotency-Key.
    if (!queue.isReady()) throw new ServiceUnavailableError('the job queue is unreachable right now; retry with the same Idempotency-Key');
  };

  return {
    /** Records one movement under `key` (same key, same request → the same movement) and queues it. */
    async submitMovement(key: string, movement: SubmittedMovement): Promise<Submitted> {
      requireQueue();
      const inserted = await committer.submit({ key, movement });
      if (inserted) return { id: inserted.id, replayed: false, view: queuedView(inserted.id, key, movement, inserted.createdAt), jobId: inserted.jobId };
      const [resolved] = await resolve(db, [movement], () => '');
      const rec = await recordMovement(db, key, resolved!);
      if (rec.kind === 'key_reused') {
        throw new UnprocessableError('idempotency_key_reused', `Idempotency-Key ${key} was already used for a different request (${rec.value.id}); use a new key for a new movement`);
      }
      const id = rec.value.id;
      const jobId = await send(id, queue.enqueueMovement(id));
      return { id, replayed: rec.kind === 'replayed', view: (await getMovement(db, id))!, jobId: jobId ?? movementJobId(id) };
    },

    /** Records a batch (all or nothing when `atomic`) under `key` and queues it as one job. */
    async submitBatch(key: string, atomic: boolean, movements: SubmittedMovement[]): Promise<{ id: string; replayed: boolean; queued?: BatchItemView[] }> {
      requireQueue();
      const resolved = await resolve(db, movements, (i) => `movements.${i}.`);
      const rec = await recordBatch(db, key, atomic, resolved);
      if (rec.kind === 'key_reused') {
        throw new UnprocessableError('idempotency_key_reused', `Idempotency-Key ${key} was already used for a different batch (${rec.value.id}); use a new key`);
      }
      const id = rec.value.id;
      await send(id, queue.enqueueBatch(id));
      if (rec.kind === 'replayed') return { id, replayed: true };
      // Just recorded: every movement is queued, as submitted (no read-back of what was just written).
      const queued = rec.value.movementIds.map((mid, i): BatchItemView => ({ id: mid, status: 'queued', reason: null, detail: null, sku: movements[i]!.sku, balanceAfter: null }));
      return { id, replayed: false, queued };
    },
  };
}

/** A key for a submission that came without one: every such request is a new movement. */
export const generatedKey = () => `auto-${randomUUID()}`;
