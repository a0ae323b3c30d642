import test from 'ava';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { newLocation, newProduct, receiveStock } from '../../helpers/factories.js';
import { applyMovementGroup, recordBatch } from '../../../src/shared/db/repositories/movements.repository.js';
import { withTransaction } from '../../../src/shared/db/transaction.js';

// Requests and ledger rows refer to products, locations, batches and requests without per-row
// foreign-key checks (migration 0133): what keeps those references whole is that the rows they
// point to are never deleted, truncated or renumbered.
let database: TestDatabase;
test.before(async () => {
  database = await createTestDatabase();
});
test.after.always(async () => {
  await database?.drop();
});

test('products, locations, batches and requests that movements refer to cannot be deleted, truncated or renumbered', async (t) => {
  const db = database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await receiveStock(db, product.id, loc.id, '3');
  const batch = await recordBatch(db, `refs-${product.sku}`, false, [
    { type: 'receipt', productId: product.id, locationId: loc.id, toLocationId: null, quantity: '2', unitCostCents: null, reason: null, reference: null, occurredAt: new Date() },
  ]);
  await withTransaction(db, (trx) => applyMovementGroup(trx, [{ batchId: batch.value.id }]));
  const request = await db.selectFrom('movement_requests').select('id').where('batch_id', '=', batch.value.id).executeTakeFirstOrThrow();

  const refused = { message: /kept for good: movements refer to them/ };
  await t.throwsAsync(sql`DELETE FROM products WHERE id = ${product.id}`.execute(db), refused);
  await t.throwsAsync(sql`UPDATE products SET id = DEFAULT WHERE id = ${product.id}`.execute(db), refused);
  await t.throwsAsync(sql`DELETE FROM locations WHERE id = ${loc.id}`.execute(db), refused);
  await t.throwsAsync(sql`DELETE FROM movement_batches WHERE id = ${batch.value.id}`.execute(db), refused);
  await t.throwsAsync(sql`DELETE FROM movement_requests WHERE id = ${request.id}`.execute(db), refused);
  for (const table of ['products', 'locations', 'movement_batches', 'movement_requests']) {
    await t.throwsAsync(sql`TRUNCATE ${sql.table(table)} CASCADE`.execute(db), refused, `TRUNCATE ${table}`);
  }
  // Renaming stays possible: only the id is fixed.
  await sql`UPDATE products SET name = 'renombrado' WHERE id = ${product.id}`.execute(db);

  // Every reference is whole: each ledger row has its request, each request its product, location and batch.
  const { rows } = await sql<{ dangling: number }>`
    SELECT (SELECT count(*) FROM stock_movements m WHERE NOT EXISTS (SELECT 1 FROM movement_requests r WHERE r.id = m.movement_id))
         + (SELECT count(*) FROM movement_requests r WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = r.product_id)
                                                      OR NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = r.location_id)
                                                      OR (r.batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM movement_batches b WHERE b.id = r.batch_id)))::int AS dangling`.execute(db);
  t.is(rows[0]!.dangling, 0);
  const level = await db.selectFrom('stock_levels').select('quantity').where('product_id', '=', product.id).executeTakeFirstOrThrow();
  t.is(Number(level.quantity), 5);
});
