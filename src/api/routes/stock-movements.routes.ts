import { auditActorOf } from '../audit-actor.js';
import type { AuditActor } from '../../shared/db/repositories/audit.repository.js';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { isoDateTime, MAX_MONEY_CENTS, MAX_MONEY_PESOS, MAX_MOVEMENT_QUANTITY } from '../../shared/validation.js';
import { ValidationError, NotFoundError } from '../../shared/errors.js';
import { getBatch, getBatchMovements, getMovement, listLedger, type MovementView, type SubmittedMovement } from '../../shared/db/repositories/movements.repository.js';
import { formatQuantity, parseMoney, parseQuantity } from '../../shared/domain/quantity.js';
import { batchJobId } from '../../shared/jobs/stock-movements.contract.js';
import { createMovementIntake, generatedKey, type BatchItemView } from '../../shared/use-cases/movements.js';
import { enqueueBatch, enqueueMovement, enqueueMovementGroup } from '../../producers/stock-movements.producer.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, nextCursor, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const MAX_MOVEMENT_MILLI = BigInt(MAX_MOVEMENT_QUANTITY) * 1000n;


export const MOVEMENT_TYPES = ['sale', 'receipt', 'adjustment', 'count', 'transfer'] as const;
const locationCode = z.string().trim().toUpperCase().min(1).max(32);
const decimal = z.union([z.string(), z.number()]);

/** One movement as clients send it. Quantities: JSON numbers or decimal strings, ≤ 3 decimals. */
export const movementInputSchema = z
  .strictObject({
    type: z.enum(MOVEMENT_TYPES),
    sku: z.string().trim().min(1).max(64),
    location: locationCode,
    toLocation: locationCode.optional(),
    quantity: decimal,
    unitCost: decimal.optional(),
    reason: z.string().trim().min(1).max(200).optional(),
    reference: z.string().trim().max(200).optional(),
    occurredAt: isoDateTime.optional(),
  })
  .superRefine((m, ctx) => {
    const q = parseQuantity(m.quantity);
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (q === undefined) issue('quantity', 'must be a decimal number with at most 3 decimals, e.g. "2" or "0.125"');
    else if (['sale', 'receipt', 'transfer'].includes(m.type) && q <= 0n) issue('quantity', `must be greater than 0 for a ${m.type}`);
    else if (m.type === 'adjustment' && q === 0n) issue('quantity', 'an adjustment is a signed change and cannot be 0');
    else if (m.type === 'count' && q < 0n) issue('quantity', 'a count is the quantity on the shelf and cannot be negative');
    else if (q > MAX_MOVEMENT_MILLI || q < -MAX_MOVEMENT_MILLI) issue('quantity', `must be at most ${MAX_MOVEMENT_QUANTITY} in size`);
    if (m.type === 'transfer' && !m.toLocation) issue('toLocation', 'a transfer needs toLocation');
    if (m.type !== 'transfer' && m.toLocation) issue('toLocation', `only transfers have toLocation, not a ${m.type}`);
    if (m.type === 'transfer' && m.toLocation && m.toLocation === m.location) issue('toLocation', 'must differ from location');
    if (m.type === 'adjustment' && !m.reason) issue('reason', 'an adjustment needs a reason (e.g. "rotura", "vencimiento", "robo")');
    const cost = m.unitCost === undefined ? undefined : parseMoney(m.unitCost);
    if (m.unitCost !== undefined && cost === undefined) issue('unitCost', 'must be an amount ≥ 0 in pesos with at most 2 decimals');
    else if (cost !== undefined && cost > MAX_MONEY_CENTS) issue('unitCost', `must be at most ${MAX_MONEY_PESOS} pesos`);
    if (m.unitCost !== undefined && !['receipt', 'adjustment'].includes(m.type)) issue('unitCost', 'only receipts and adjustments carry a unit cost');
  });
type MovementInput = z.infer<typeof movementInputSchema>;

export const batchInputSchema = z.strictObject({
  atomic: z.boolean().default(false),
  movements: z.array(movementInputSchema).min(1, 'send at least one movement').max(1000, 'at most 1000 movements per batch'),
});

const ledgerQuerySchema = z.strictObject({
  sku: z.string().optional(),
  location: locationCode.optional(),
  type: z.enum(MOVEMENT_TYPES).optional(),
  from: isoDateTime.transform((v) => new Date(v)).optional(),
  to: isoDateTime.transform((v) => new Date(v)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

const movementSchema = z
  .strictObject({
    id: z.uuid(),
    idempotencyKey: z.string(),
    batchId: z.uuid().nullable(),
    status: z.enum(['queued', 'applied', 'rejected']),
    reason: z.string().nullable().meta({ description: 'why it was rejected (insufficient_stock, batch_rejected), else null' }),
    detail: z.record(z.string(), z.unknown()).nullable(),
    type: z.enum(MOVEMENT_TYPES),
    sku: z.string(),
    location: z.string(),
    toLocation: z.string().nullable(),
    quantity: decimalString,
    unitCost: decimalString.nullable(),
    adjustmentReason: z.string().nullable(),
    reference: z.string().nullable(),
    occurredAt: timestamp,
    createdAt: timestamp,
    processedAt: timestamp.nullable(),
    balanceAfter: decimalString.nullable(),
    toBalanceAfter: decimalString.nullable(),
  })
  .meta({ id: 'Movement' });

const batchSchema = z
  .strictObject({
    id: z.uuid(),
    status: z.enum(['queued', 'completed']),
    atomic: z.boolean(),
    count: z.int(),
    applied: z.int(),
    rejected: z.int(),
    movements: z.array(
      z.strictObject({ id: z.uuid(), seq: z.int(), status: z.enum(['queued', 'applied', 'rejected']), reason: z.string().nullable(), detail: z.record(z.string(), z.unknown()).nullable(), sku: z.string(), balanceAfter: decimalString.nullable() }),
    ),
  })
  .meta({ id: 'MovementBatch' });

const ledgerRowSchema = z
  .strictObject({
    ledgerId: z.int(),
    movementId: z.uuid(),
    leg: z.int(),
    type: z.enum(MOVEMENT_TYPES),
    sku: z.string(),
    location: z.string(),
    quantity: decimalString,
    unitCost: decimalString.nullable(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    occurredAt: timestamp,
    recordedAt: timestamp,
  })
  .meta({ id: 'LedgerRow' });

const intakeHeaders = z.strictObject({
  'Idempotency-Key': z.string().optional().meta({ description: 'same key → same movement; 1 to 200 visible ASCII characters' }),
  Prefer: z.string().optional().meta({ description: 'wait=N: wait up to N seconds (capped) for the outcome' }),
});
const intakeResponseHeaders = { Location: 'where the movement can be read', 'Idempotent-Replayed': 'true when the key was seen before', 'Preference-Applied': 'wait=N when the request waited' };
const idParams = z.strictObject({ id: z.string().meta({ description: 'UUID' }) });

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationError('the Idempotency-Key header must be 1 to 200 visible ASCII characters', [{ path: 'Idempotency-Key', message: 'invalid' }]);
  }
  return key;
}

/** `Prefer: wait=N` (RFC 7240), capped by configuration. */
function preferWait(req: Request, max: number): number {
  const m = /(?:^|[,;\s])wait=(\d+)/i.exec(req.header('prefer') ?? '');
  return m ? Math.min(Number(m[1]), max) : 0;
}

function toSubmitted(m: MovementInput, actor: AuditActor): SubmittedMovement {
  return {
    actor,
    type: m.type,
    sku: m.sku,
    location: m.location,
    toLocation: m.toLocation ?? null,
    quantity: formatQuantity(parseQuantity(m.quantity)!),
    unitCostCents: m.unitCost === undefined ? null : parseMoney(m.unitCost)!,
    reason: m.reason ?? null,
    reference: m.reference ?? null,
    occurredAt: m.occurredAt ? new Date(m.occurredAt) : new Date(),
  };
}

const statusCode = (v: MovementView) => (v.status === 'applied' ? 201 : v.status === 'rejected' ? 409 : 202);

function batchView(id: string, atomic: boolean | undefined, movements: BatchItemView[]) {
  const count = (s: string) => movements.filter((m) => m.status === s).length;
  return {
    id,
    status: count('queued') ? 'queued' : 'completed',
    atomic,
    count: movements.length,
    applied: count('applied'),
    rejected: count('rejected'),
    movements: movements.map((m, seq) => ({ id: m.id, seq, status: m.status, reason: m.reason, detail: m.detail, sku: m.sku, balanceAfter: m.balanceAfter })),
  };
}

export function stockMovementsRouter({ db, producer, waiter, config }: ApiDeps): Router {
  const api = new ApiRouter('/v1/stock-movements');
  const intake = createMovementIntake(db, {
    isReady: () => producer.isReady(),
    enqueueMovementGroup: (group, ids) => enqueueMovementGroup(producer, group, ids),
    enqueueMovement: (id) => enqueueMovement(producer, id),
    enqueueBatch: (id) => enqueueBatch(producer, id),
  });

  /** `Prefer: wait=N`: waits (at most N s) until `check` says the job's outcome is recorded. */
  const waitOutcome = async (req: Request, res: Response, jobId: string, check: () => Promise<boolean>) => {
    const wait = preferWait(req, config.MAX_PREFER_WAIT_S);
    if (wait <= 0) return;
    res.setHeader('Preference-Applied', `wait=${wait}`);
    await waiter.waitFor(jobId, wait * 1000, async () => ((await check()) ? true : undefined));
  };

  api.route('post', '/', {
    summary: 'Submit a movement',
    description: 'Answers 202 (queued) at once; with `Prefer: wait=N` 201 (applied) or 409 (rejected, with the reason) once the worker decided. A fraction of a product counted in units is a 400 `invalid_quantity`; an unknown SKU or location a 422 `unknown_reference`.',
    roles: ['deposito'],
    headers: intakeHeaders,
    body: movementInputSchema,
    responses: {
      201: { description: 'applied (with Prefer: wait)', schema: movementSchema, headers: intakeResponseHeaders },
      202: { description: 'queued', schema: movementSchema, headers: intakeResponseHeaders },
      409: { description: 'rejected, with the reason (with Prefer: wait)', schema: movementSchema, headers: intakeResponseHeaders },
    },
    errors: [422, 503],
  }, async (req, res, { body }) => {
    const submitted = await intake.submitMovement(idempotencyKeyOf(req) ?? generatedKey(), toSubmitted(body, auditActorOf(req)));
    let view = submitted.view;
    await waitOutcome(req, res, submitted.jobId, async () => (view = (await getMovement(db, submitted.id))!).status !== 'queued');
    if (submitted.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(statusCode(view)).location(`/v1/stock-movements/${submitted.id}`).json(view);
  });

  api.route('post', '/batch', {
    summary: 'Submit up to 1000 movements as one job; atomic: true makes it all-or-nothing',
    roles: ['deposito'],
    headers: intakeHeaders,
    body: batchInputSchema,
    responses: {
      200: { description: 'completed (with Prefer: wait)', schema: batchSchema, headers: intakeResponseHeaders },
      202: { description: 'queued', schema: batchSchema, headers: intakeResponseHeaders },
    },
    errors: [422, 503],
  }, async (req, res, { body }) => {
    const { id, replayed, queued } = await intake.submitBatch(idempotencyKeyOf(req) ?? generatedKey(), body.atomic, body.movements.map((m) => toSubmitted(m, auditActorOf(req))));
    let items: BatchItemView[] = queued ?? (await getBatchMovements(db, id));
    await waitOutcome(req, res, batchJobId(id), async () => !(items = await getBatchMovements(db, id)).some((m) => m.status === 'queued'));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    const view = batchView(id, body.atomic, items);
    res.status(view.status === 'queued' ? 202 : 200).location(`/v1/stock-movements/batches/${id}`).json(view);
  });

  api.route('get', '/batches/:id', {
    summary: 'A batch and the outcome of each movement',
    params: idParams,
    responses: { 200: batchSchema },
    errors: [404],
  }, async (_req, res, { params: { id } }) => {
    const batch = z.uuid().safeParse(id).success ? await getBatch(db, id) : undefined;
    if (!batch) throw new NotFoundError('batch', id);
    res.json(batchView(batch.id, batch.atomic, await getBatchMovements(db, id)));
  });

  api.route('get', '/', {
    summary: 'The ledger, oldest first (filters: sku, location, type, from, to; cursor pagination)',
    query: ledgerQuerySchema,
    responses: { 200: z.strictObject({ items: z.array(ledgerRowSchema), nextCursor }) },
  }, async (_req, res, { query: f }) => {
    const page = await listLedger(db, { ...f, afterId: decodeCursor(f.cursor) });
    res.json({ items: page.items, nextCursor: encodeCursor(page.lastId, page.more) });
  });

  api.route('get', '/:id', {
    summary: 'A movement: status, reason, balance after',
    params: idParams,
    responses: { 200: movementSchema },
    errors: [404],
  }, async (_req, res, { params: { id } }) => {
    const view = z.uuid().safeParse(id).success ? await getMovement(db, id) : undefined;
    if (!view) throw new NotFoundError('stock movement', id);
    res.json(view);
  });

  return api.router;
}
