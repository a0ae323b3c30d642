import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import test from 'ava';

const root = path.resolve('.');
const baseDb = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

test('the all-in-one process (npm start) migrates, loads demo data, prints a key, serves and applies movements, and stops on SIGTERM', async (t) => {
  const dbName = `gondola_e2e_${randomBytes(4).toString('hex')}`;
  const url = new URL(baseDb);
  url.pathname = `/${dbName}`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const cwd = mkdtempSync(path.join(tmpdir(), 'gondola-e2e-'));
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/main.ts')], {
    cwd,
    env: { ...process.env, DATABASE_URL: url.toString(), PORT: String(port), HOST: '127.0.0.1', WORKER_METRICS_PORT: String(port + 1), QUEUE_PREFIX: `{ge-${dbName}}`, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info', NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    const until = Date.now() + 120_000;
    for (;;) {
      const ready = await fetch(`${base}/ready`).then((r) => r.status === 200, () => false);
      if (ready && /gondola ready/.test(out)) break;
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not become ready:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const key = readFileSync(path.join(cwd, '.data/admin-api-key'), 'utf8').trim();
    t.true(out.includes(key), 'the admin key is printed');
    const auth = { authorization: `Bearer ${key}` };

    // People: user admin with the printed password, and one demo user per role beside it.
    const password = readFileSync(path.join(cwd, '.data/admin-password'), 'utf8').trim();
    t.true(password.length >= 10 && out.includes(password), 'the admin password is printed and saved');
    const signIn = (username: string, pw: string) =>
      fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: pw }) });
    const admin = await signIn('admin', password);
    t.is(admin.status, 201);
    t.like(await admin.json(), { user: { username: 'admin', role: 'admin' } });
    const demoUsers = readFileSync(path.join(cwd, '.data/demo-passwords'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    t.deepEqual(demoUsers.map(([u, role]) => `${u}:${role}`).sort(), ['consulta:viewer', 'deposito:deposito', 'negocio:negocio']);
    for (const [u, , pw] of demoUsers) t.is((await signIn(u!, pw!)).status, 201, `demo user ${u} signs in`);

    const products = (await (await fetch(`${base}/v1/products?limit=500`, { headers: auth })).json()) as any;
    t.true(products.items.length >= 150, `demo catalog has ${products.items.length} products`);
    t.true(new Set(products.items.map((p: { category: string }) => p.category)).size >= 6);
    const locations = (await (await fetch(`${base}/v1/locations`, { headers: auth })).json()) as any;
    t.deepEqual(locations.items.map((l: { code: string }) => l.code).sort(), ['DEPOSITO', 'SALON']);

    const ham = products.items.find((p: { unit: string }) => p.unit === 'kg');
    const sale = await fetch(`${base}/v1/stock-movements`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', prefer: 'wait=15', 'idempotency-key': 'e2e-1' },
      body: JSON.stringify({ sku: ham.sku, location: 'SALON', type: 'sale', quantity: '0.125' }),
    });
    t.is(sale.status, 201);
    const body = (await sale.json()) as any;
    t.is(body.status, 'applied');
    const integrity = (await (await fetch(`${base}/v1/stock/integrity`, { headers: auth })).json()) as any;
    t.like(integrity, { ok: true, mismatches: [] });
    t.true(integrity.checked > 300);
    const metrics = await (await fetch(`http://127.0.0.1:${port + 1}/metrics`)).text();
    t.regex(metrics, /gondola_jobs_processed_total\{queue="stock-movements",job_name="apply-movement",outcome="completed"\} 1/);
    t.is(statSync(path.join(cwd, '.data', 'data-keys.json')).mode & 0o777, 0o600, 'the first start created the data-key file, readable by its owner only');
  } finally {
    child.kill('SIGTERM');
    const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
    t.is(code, 0, `clean exit on SIGTERM\n${out.slice(-2000)}`);
    const admin = new pg.Client({ connectionString: baseDb });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
});
