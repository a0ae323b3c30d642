import { randomUUID } from 'node:crypto';
import type { Database, Unit } from '../../src/shared/db/database.js';
import { applyMovementGroup } from '../../src/shared/db/repositories/movements.repository.js';
import { createApiKey } from '../../src/shared/db/repositories/api-keys.repository.js';
import { createUser } from '../../src/shared/use-cases/users.js';
import { withTransaction } from '../../src/shared/db/transaction.js';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function newLocation(db: Database, code = `L${next()}`.toUpperCase().slice(0, 32)) {
  return db.insertInto('locations').values({ code, name: `Location ${code}` }).returning(['id', 'code']).executeTakeFirstOrThrow();
}

export async function newProduct(db: Database, { unit = 'unit' as Unit, allowNegative = false, sku = `SKU-${next()}`, category = 'almacen', reorderPoint = '0' } = {}) {
  return db
    .insertInto('products')
    .values({ sku, name: `Product ${sku}`, category, unit, allow_negative_stock: allowNegative, reorder_point: reorderPoint })
    .returning(['id', 'sku', 'unit'])
    .executeTakeFirstOrThrow();
}

/** Puts stock on hand through the ledger (a receipt), so integrity holds. */
export async function receiveStock(db: Database, productId: number, locationId: number, quantity: string) {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('movement_requests')
      .values({ id, idempotency_key: `factory-${id}`, type: 'receipt', product_id: productId, location_id: locationId, quantity, occurred_at: new Date() })
      .execute();
    await applyMovementGroup(trx, [{ movementId: id }]);
  });
  return id;
}

export async function newApiKey(db: Database, role: Parameters<typeof createApiKey>[2] = 'admin') {
  return (await createApiKey(db, `test ${role}`, role)).key;
}

/** A user who signs in with `password` (default: a valid one). */
export async function newUser(db: Database, { role = 'viewer' as Parameters<typeof createApiKey>[2], password = 'correct horse battery', username = `u${next()}`.toLowerCase() } = {}) {
  const user = await createUser(db, { username, displayName: `User ${username}`, role, password });
  return { ...user, password };
}

/** Records and applies one movement through the ledger path (as the worker would), at `occurredAt`. */
export async function applyMovement(
  db: Database,
  m: { type: 'sale' | 'receipt' | 'adjustment' | 'count' | 'transfer'; productId: number; locationId: number; toLocationId?: number; quantity: string; occurredAt?: Date; unitCostCents?: number; reason?: string },
) {
  const id = randomUUID();
  await withTransaction(db, async (trx) => {
    await trx
      .insertInto('movement_requests')
      .values({
        id,
        idempotency_key: `factory-${id}`,
        type: m.type,
        product_id: m.productId,
        location_id: m.locationId,
        to_location_id: m.toLocationId ?? null,
        quantity: m.quantity,
        unit_cost_cents: m.unitCostCents ?? null,
        reason: m.reason ?? null,
        occurred_at: m.occurredAt ?? new Date(),
      })
      .execute();
    await applyMovementGroup(trx, [{ movementId: id }]);
  });
  return id;
}
