import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { eventually } from '../helpers/wait.js';

const root = path.resolve('.');

/**
 * `npm start` in `cwd` with DATABASE_URL, REDIS_URL and QUEUE_BACKEND unset and the local
 * PostgreSQL and Redis probes pointed at closed ports: a machine with only Node.
 */
function startAllInOne(cwd: string, port: number, adminKey: string): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.QUEUE_BACKEND;
  delete env.RATE_LIMIT_STORE;
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/main.ts')], {
    cwd,
    env: {
      ...env,
      LOCAL_POSTGRES_PROBE: '127.0.0.1:1',
      LOCAL_REDIS_PROBE: '127.0.0.1:2',
      LOAD_DEMO_DATA: 'false',
      GONDOLA_ADMIN_API_KEY: adminKey,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(port + 1),
      QUEUE_PREFIX: `{gemb-${port}}`,
      LOG_LEVEL: 'info',
      NODE_PATH: path.join(root, 'node_modules'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitReady(base: string, run: { child: ChildProcess; output: () => string }) {
  const until = Date.now() + 180_000;
  for (;;) {
    const ready = await fetch(`${base}/ready`).then((r) => r.status === 200, () => false);
    if (ready && /gondola ready/.test(run.output())) return;
    if (Date.now() > until || run.child.exitCode !== null) throw new Error(`did not become ready:\n${run.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

function postmasterRunning(dataDir: string): boolean {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
    return true;
  } catch {
    return false;
  }
}

test('with no PostgreSQL or Redis reachable, npm start runs PostgreSQL from npm packages in .data/postgres with the queues in it, applies a movement, stops it on exit, and finds the data on the next start', async (t) => {
  // Three starts of the all-in-one process (the first one runs initdb): longer than ava's default on a loaded machine.
  t.timeout(10 * 60_000);
  const cwd = mkdtempSync(path.join(tmpdir(), 'gondola-embedded-'));
  chmodSync(cwd, 0o755); // as root the database runs as user postgres, which must reach .data/
  const dataDir = path.join(cwd, '.data/postgres');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  const key = randomBytes(24).toString('hex');
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let run = startAllInOne(cwd, port, key);
  try {
    await waitReady(base, run);
    t.regex(run.output(), /"database":"embedded"/, 'startup says the embedded database is in use');
    t.regex(run.output(), /"queueBackend":"postgres"[^\n]*no Redis answers at 127\.0\.0\.1:2/, 'startup says the queues run on PostgreSQL, and why');
    t.like(await (await fetch(`${base}/ready`)).json(), { status: 'ready', queueBackend: 'postgres', checks: { postgres: 'ok', queue: 'ok' } });
    t.true(existsSync(path.join(dataDir, 'PG_VERSION')), 'the cluster lives in .data/postgres');
    t.is((await fetch(`${base}/v1/locations`, { method: 'POST', headers: auth, body: JSON.stringify({ code: 'SALON', name: 'Salón' }) })).status, 201);
    const product = await fetch(`${base}/v1/products`, { method: 'POST', headers: auth, body: JSON.stringify({ sku: 'EMB-1', name: 'Arroz 1 kg', category: 'almacen', unit: 'unit' }) });
    t.is(product.status, 201);
    const receipt = await fetch(`${base}/v1/stock-movements`, {
      method: 'POST',
      headers: { ...auth, prefer: 'wait=20', 'idempotency-key': 'emb-receipt-1' },
      body: JSON.stringify({ sku: 'EMB-1', location: 'SALON', type: 'receipt', quantity: '12' }),
    });
    t.is(receipt.status, 201);
    t.like(await receipt.json(), { status: 'applied', balanceAfter: '12' });

    t.is(await stop(run.child), 0, `clean exit\n${run.output().slice(-2000)}`);
    t.false(postmasterRunning(dataDir), 'the embedded database stops with the app');

    run = startAllInOne(cwd, port, key);
    await waitReady(base, run);
    const stock = (await (await fetch(`${base}/v1/stock?sku=EMB-1`, { headers: auth })).json()) as { items: { quantity: string }[] };
    t.deepEqual(stock.items.map((i) => i.quantity), ['12'], 'the balance survived the restart');
    const again = await fetch(`${base}/v1/stock-movements`, {
      method: 'POST',
      headers: { ...auth, prefer: 'wait=20', 'idempotency-key': 'emb-receipt-1' },
      body: JSON.stringify({ sku: 'EMB-1', location: 'SALON', type: 'receipt', quantity: '12' }),
    });
    t.is(again.headers.get('idempotent-replayed'), 'true', 'the idempotency key is remembered across restarts');
    // A movement queued without waiting just before a stop is applied after the next start (the jobs live in the same database).
    const queued = await fetch(`${base}/v1/stock-movements`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': 'emb-sale-1' },
      body: JSON.stringify({ sku: 'EMB-1', location: 'SALON', type: 'sale', quantity: '2' }),
    });
    t.true([201, 202].includes(queued.status));
    t.is(await stop(run.child), 0, `clean exit\n${run.output().slice(-2000)}`);
    run = startAllInOne(cwd, port, key);
    await waitReady(base, run);
    const level = async () => ((await (await fetch(`${base}/v1/stock?sku=EMB-1`, { headers: auth })).json()) as { items: { quantity: string }[] }).items.map((i) => i.quantity);
    await eventually(async () => (await level())[0] === '10', 'the queued sale to apply after the restart');
    t.deepEqual(await level(), ['10'], 'the queued sale applied once after the restart');
  } finally {
    await stop(run.child);
    if (postmasterRunning(dataDir)) process.kill(Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]), 'SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(cwd, { recursive: true, force: true });
  }
});
