/**
 * Stock movement semantics, pure: given the balances before and the movements in order, decide
 * each movement's outcome and the ledger legs to write. The worker locks the balances, calls
 * this, and writes the result in the same transaction.
 */
import { formatQuantity as fmt, MAX_QUANTITY_MILLI } from './quantity.js';

export type MovementType = 'sale' | 'receipt' | 'adjustment' | 'count' | 'transfer';

export interface MovementToApply {
  id: string;
  type: MovementType;
  productId: number;
  locationId: number;
  toLocationId: number | null;
  /** Thousandths. Sale, receipt, transfer: > 0. Adjustment: signed delta. Count: absolute ≥ 0. */
  quantity: bigint;
  allowNegative: boolean;
}

/** One submission: a single movement, or a batch that may be all-or-nothing. */
export interface MovementUnit {
  atomic: boolean;
  movements: MovementToApply[];
}

export type RejectionReason = 'insufficient_stock' | 'batch_rejected' | 'balance_out_of_bounds';

export type MovementOutcome =
  | { status: 'applied'; balanceAfter: bigint; toBalanceAfter: bigint | null }
  | { status: 'rejected'; reason: RejectionReason; detail: Record<string, string> };

export interface LedgerLeg {
  movementId: string;
  leg: 0 | 1;
  productId: number;
  locationId: number;
  /** Signed thousandths. */
  quantity: bigint;
}

export interface MovementPlan {
  outcomes: Map<string, MovementOutcome>;
  legs: LedgerLeg[];
  /** Net change per balance key, for the balances that changed. */
  deltas: Map<string, bigint>;
}

export const balanceKey = (productId: number, locationId: number): string => `${productId}:${locationId}`;

/** Legs of one movement given the balance it sees; count's delta depends on that balance. */
function legsOf(m: MovementToApply, balanceAt: (p: number, l: number) => bigint): LedgerLeg[] {
  switch (m.type) {
    case 'sale':
      return [{ movementId: m.id, leg: 0, productId: m.productId, locationId: m.locationId, quantity: -m.quantity }];
    case 'receipt':
    case 'adjustment':
      return [{ movementId: m.id, leg: 0, productId: m.productId, locationId: m.locationId, quantity: m.quantity }];
    case 'count':
      return [{ movementId: m.id, leg: 0, productId: m.productId, locationId: m.locationId, quantity: m.quantity - balanceAt(m.productId, m.locationId) }];
    case 'transfer':
      return [
        { movementId: m.id, leg: 0, productId: m.productId, locationId: m.locationId, quantity: -m.quantity },
        { movementId: m.id, leg: 1, productId: m.productId, locationId: m.toLocationId!, quantity: m.quantity },
      ];
  }
}

/**
 * Applies units in order against `balances` (thousandths by `balanceKey`; missing = 0).
 * A movement that would take a balance below zero is rejected unless the product allows
 * negative stock; a count never is (it states what is there). In an atomic unit one rejection
 * rejects the whole unit and leaves its balances untouched.
 */
export function planMovements(balances: ReadonlyMap<string, bigint>, units: MovementUnit[]): MovementPlan {
  const current = new Map(balances);
  const get = (p: number, l: number) => current.get(balanceKey(p, l)) ?? 0n;
  const outcomes = new Map<string, MovementOutcome>();
  const legs: LedgerLeg[] = [];

  for (const unit of units) {
    const scratch = new Map<string, bigint>();
    const read = (p: number, l: number) => scratch.get(balanceKey(p, l)) ?? get(p, l);
    const unitOutcomes = new Map<string, MovementOutcome>();
    const unitLegs: LedgerLeg[] = [];
    let failed: { id: string; index: number } | undefined;

    unit.movements.forEach((m, index) => {
      if (failed && unit.atomic) return;
      const mLegs = legsOf(m, read);
      const short = mLegs.find((leg) => leg.quantity < 0n && !m.allowNegative && m.type !== 'count' && read(leg.productId, leg.locationId) + leg.quantity < 0n);
      if (short) {
        unitOutcomes.set(m.id, {
          status: 'rejected',
          reason: 'insufficient_stock',
          detail: { available: fmt(read(short.productId, short.locationId)), requested: fmt(-short.quantity) },
        });
        failed ??= { id: m.id, index };
        return;
      }
      // A balance or ledger row outside what numeric(14,3) holds can never be written: reject
      // with a reason instead of failing (and being retried) forever.
      const outOfBounds = mLegs.find((leg) => {
        const after = read(leg.productId, leg.locationId) + leg.quantity;
        return leg.quantity > MAX_QUANTITY_MILLI || -leg.quantity > MAX_QUANTITY_MILLI || after > MAX_QUANTITY_MILLI || -after > MAX_QUANTITY_MILLI;
      });
      if (outOfBounds) {
        unitOutcomes.set(m.id, {
          status: 'rejected',
          reason: 'balance_out_of_bounds',
          detail: { balance: fmt(read(outOfBounds.productId, outOfBounds.locationId)), change: fmt(outOfBounds.quantity), maximum: fmt(MAX_QUANTITY_MILLI) },
        });
        failed ??= { id: m.id, index };
        return;
      }
      for (const leg of mLegs) scratch.set(balanceKey(leg.productId, leg.locationId), read(leg.productId, leg.locationId) + leg.quantity);
      unitLegs.push(...mLegs);
      unitOutcomes.set(m.id, {
        status: 'applied',
        balanceAfter: read(m.productId, m.locationId),
        toBalanceAfter: m.type === 'transfer' ? read(m.productId, m.toLocationId!) : null,
      });
    });

    if (failed && unit.atomic) {
      for (const m of unit.movements) {
        outcomes.set(
          m.id,
          m.id === failed.id
            ? unitOutcomes.get(m.id)!
            : { status: 'rejected', reason: 'batch_rejected', detail: { failedMovementId: failed.id, failedIndex: String(failed.index) } },
        );
      }
      continue;
    }
    for (const [k, v] of scratch) current.set(k, v);
    for (const [id, o] of unitOutcomes) outcomes.set(id, o);
    legs.push(...unitLegs);
  }

  const deltas = new Map<string, bigint>();
  for (const leg of legs) {
    const k = balanceKey(leg.productId, leg.locationId);
    deltas.set(k, (deltas.get(k) ?? 0n) + leg.quantity);
  }
  return { outcomes, legs, deltas };
}
