import { randomUUID } from 'node:crypto';
import test from 'ava';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { newLocation, newProduct } from '../../helpers/factories.js';
import { pgConstraint } from '../../../src/shared/db/transaction.js';
import type { Database } from '../../../src/shared/db/database.js';

let database: TestDatabase;
test.before(async () => {
  database = await createTestDatabase();
});
test.after.always(async () => {
  await database?.drop();
});

const request = (db: Database, productId: number, locationId: number, quantity: string) =>
  db.insertInto('movement_requests').values({ id: randomUUID(), idempotency_key: `whole-${randomUUID()}`, type: 'receipt', product_id: productId, location_id: locationId, quantity, occurred_at: new Date() }).execute();

/** A ledger row written directly (under a whole request of the product), as no code path would. */
async function ledgerRow(db: Database, productId: number, locationId: number, quantity: string) {
  const movementId = randomUUID();
  await db.insertInto('movement_requests').values({ id: movementId, idempotency_key: `whole-${movementId}`, type: 'receipt', product_id: productId, location_id: locationId, quantity: '1', occurred_at: new Date() }).execute();
  await db
    .insertInto('stock_movements')
    .values({ movement_id: movementId, leg: 0, idempotency_key: `whole-${movementId}`, type: 'receipt', product_id: productId, location_id: locationId, quantity, occurred_at: new Date() })
    .execute();
}

test('the database refuses a fraction of a unit-counted product in the intake and in the ledger, naming the check', async (t) => {
  const db = database.db;
  const loc = await newLocation(db);
  const unit = await newProduct(db, { unit: 'unit' });
  const kg = await newProduct(db, { unit: 'kg' });

  const intake = await t.throwsAsync(request(db, unit.id, loc.id, '1.5'));
  t.is(pgConstraint(intake), 'movement_requests_unit_quantity_whole');
  t.is((intake as { code?: string }).code, '23514');
  const ledger = await t.throwsAsync(ledgerRow(db, unit.id, loc.id, '-0.25'));
  t.is(pgConstraint(ledger), 'stock_movements_unit_quantity_whole');

  // Whole units, and any exact quantity of a weighed product, pass.
  await t.notThrowsAsync(request(db, unit.id, loc.id, '3'));
  await t.notThrowsAsync(request(db, kg.id, loc.id, '0.125'));
  await t.notThrowsAsync(ledgerRow(db, kg.id, loc.id, '0.125'));
  const stored = await db.selectFrom('movement_requests').select(sql<string>`quantity::text`.as('q')).where('product_id', 'in', [unit.id, kg.id]).orderBy('q').execute();
  t.deepEqual(stored.map((r) => r.q), ['0.125', '1.000', '1.000', '3.000']);
});
