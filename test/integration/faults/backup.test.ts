import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import pg from 'pg';
import { backupDatabase, restoreDatabase } from '../../../src/shared/backup.js';
import { createTestDatabase } from '../../helpers/db.js';
import { newLocation, newProduct, receiveStock } from '../../helpers/factories.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gondola-backup-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

async function snapshot(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ledger = (await c.query('SELECT movement_id, leg, product_id, location_id, quantity::text FROM stock_movements ORDER BY id')).rows;
    const balances = (await c.query('SELECT product_id, location_id, quantity::text FROM stock_levels ORDER BY 1, 2')).rows;
    return { ledger, balances };
  } finally {
    await c.end();
  }
}

// Encryption is covered with the live-database case below; one drop → restore run keeps the file short.
for (const encrypted of [false]) {
  test.serial(`backup → drop → restore gives the same ledger and balances${encrypted ? ' (encrypted)' : ''}`, async (t) => {
    const database = await createTestDatabase();
    const key = encrypted ? randomBytes(32).toString('hex') : undefined;
    let dropped = false;
    try {
      const loc = await newLocation(database.db);
      for (let i = 0; i < 3; i++) {
        const p = await newProduct(database.db, { unit: 'kg' });
        await receiveStock(database.db, p.id, loc.id, `${10 + i}.125`);
      }
      const before = await snapshot(database.url);
      t.is(before.ledger.length, 3);
      const manifest = await backupDatabase({ databaseUrl: database.url, dir, retentionDays: 14, encryptionKey: key });
      t.is(manifest.rowCounts.stock_movements, 3);
      t.is(manifest.encrypted, encrypted);
      t.true(readdirSync(dir).includes(manifest.file));

      await database.db.destroy();
      const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE ${database.name} WITH (FORCE)`);
      await admin.end();
      dropped = true;

      if (encrypted) await t.throwsAsync(restoreDatabase({ databaseUrl: database.url, file: path.join(dir, manifest.file) }), { message: /encrypted/ });
      const result = await restoreDatabase({ databaseUrl: database.url, file: path.join(dir, manifest.file), encryptionKey: key });
      t.true(result.switched);
      t.is(result.restoredInto, database.name);
      t.is(result.previousRenamedTo, null);
      t.deepEqual(await snapshot(database.url), before);
    } finally {
      if (!dropped) await database.drop();
      else {
        const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
        await admin.connect();
        const leftovers = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${database.name}%`]);
        for (const r of leftovers.rows) await admin.query(`DROP DATABASE "${r.datname}" WITH (FORCE)`);
        await admin.end();
      }
    }
  });
}

test.serial('an encrypted backup restored over a live database: the old one is kept renamed', async (t) => {
  const database = await createTestDatabase();
  try {
    const loc = await newLocation(database.db);
    const p = await newProduct(database.db);
    await receiveStock(database.db, p.id, loc.id, '5');
    const key = randomBytes(32).toString('base64');
    const manifest = await backupDatabase({ databaseUrl: database.url, dir, retentionDays: 0, encryptionKey: key });
    t.true(manifest.encrypted);
    await receiveStock(database.db, p.id, loc.id, '7');
    await database.db.destroy();
    await t.throwsAsync(restoreDatabase({ databaseUrl: database.url, file: path.join(dir, manifest.file) }), { message: /encrypted/ });
    const result = await restoreDatabase({ databaseUrl: database.url, file: path.join(dir, manifest.file), encryptionKey: key });
    t.truthy(result.previousRenamedTo);
    const after = await snapshot(database.url);
    t.deepEqual(after.balances.map((b) => b.quantity), ['5.000'], 'the backup, not the later receipt');
  } finally {
    const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    const leftovers = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${database.name}%`]);
    for (const r of leftovers.rows) await admin.query(`DROP DATABASE "${r.datname}" WITH (FORCE)`);
    await admin.end();
  }
});
