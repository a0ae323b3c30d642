/**
 * `npm run chaos`: the fault drill. Separate api and worker processes against a PostgreSQL and a
 * Redis of the drill's own; a load of receipts, each with its own Idempotency-Key and retried on
 * 5xx/503/network errors; meanwhile worker `kill -9`s, an api `kill -9`, a Redis restart without
 * persistence, a PostgreSQL immediate restart and a paused Redis. Then a repricing run through a worker kill.
 * Prints one JSON line: accepted, applied, lost, doubled, processes that died, seconds to drain
 * after the last fault. `runChaos({ short: true })` is the version `npm test` runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, startPrivatePostgres, startPrivateRedis, waitForPort, type PrivatePostgres, type PrivateRedis } from './private-services.js';

export interface ChaosOptions {
  /** Short drill for `npm test`: fewer requests and faults. */
  short?: boolean;
  log?: (line: string) => void;
}

export interface ChaosResult {
  accepted: number;
  applied: number;
  rejected: number;
  lost: number;
  doubled: number;
  processesDied: number;
  faults: Record<string, number>;
  drainSecondsAfterLastFault: number;
  /** Seconds from the last answered request of the load to no request left queued. */
  drainSecondsAfterLoad: number;
  clientRetries: number;
  statusCounts: Record<string, number>;
  integrityOk: boolean;
  balanceOk: boolean;
  repricing: { runStatus: string; productsPriced: number; historyRows: number; doubled: number } | null;
  invoicePost: { answer: number; status: string; lines: number; receipts: number; ledgerRows: number } | null;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  name: string;
  child: ChildProcess;
  expectedExit: boolean;
  output: string[];
}

export async function runChaos({ short = false, log = (l) => console.error(l) }: ChaosOptions = {}): Promise<ChaosResult> {
  const profile = short
    ? { requests: 300, concurrency: 12, workerKills: 3, products: 4, pauseMs: 50 }
    : { requests: 3000, concurrency: 16, workerKills: 10, products: 10, pauseMs: 25 };
  let pgServer: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  const procs: Proc[] = [];
  let died = 0;
  const adminKey = `chaos-admin-${randomBytes(16).toString('hex')}`;
  try {
    pgServer = await startPrivatePostgres();
    redis = await startPrivateRedis();
    const databaseUrl = pgServer.url('gondola_chaos');
    const apiPort = await freePort(21500, 21549);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: '{chaos}',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOAD_DEMO_DATA: 'false',
      GONDOLA_ADMIN_API_KEY: adminKey,
      // Every process of the drill shares one throwaway data key (none written to .data/).
      DATA_KEYS: `chaos:${randomBytes(32).toString('base64')}`,
      RECONCILE_GRACE_MS: '2000',
      RECONCILE_INTERVAL_MS: '1000',
      WORKER_LOCK_DURATION_MS: '4000',
      DATABASE_POOL_MAX: '8',
      OCR_POOL_SIZE: '1',
    };
    log(`chaos: postgres :${pgServer.port}, redis :${redis.port}, api :${apiPort}`);
    await runToEnd('npx', ['tsx', 'scripts/migrate.ts'], env);

    const start = (name: string, entry: string, extra: NodeJS.ProcessEnv = {}): Proc => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      const proc: Proc = { name, child, expectedExit: false, output: [] };
      const keep = (d: Buffer) => {
        proc.output.push(d.toString());
        if (proc.output.length > 200) proc.output.shift();
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.once('exit', (code, signal) => {
        if (!proc.expectedExit) {
          died++;
          log(`chaos: ${name} DIED (code ${code}, signal ${signal}):\n${proc.output.join('').slice(-3000)}`);
        }
      });
      procs.push(proc);
      return proc;
    };
    const workerPorts = [await freePort(21550, 21574), await freePort(21575, 21599)];
    const startWorker = (i: number) => start(`worker-${i}`, 'src/workers/main.ts', { WORKER_METRICS_PORT: String(workerPorts[i]), WORKER_QUEUES: 'stock-movements,price-recalculations,invoice-ingest' });
    let api = start('api', 'src/api/server.ts');
    const workers = [startWorker(0), startWorker(1)];
    await waitForPort(apiPort, 60_000);
    const base = `http://127.0.0.1:${apiPort}`;

    const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      let json: any = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, body: json };
    };
    /** Retries on 5xx, 429 and network errors, like a well-behaved client. */
    const statusCounts: Record<string, number> = {};
    let clientRetries = 0;
    const reliably = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}, deadlineMs = 240_000) => {
      const until = Date.now() + deadlineMs;
      for (;;) {
        let status = 0;
        try {
          const r = await call(method, p, body, headers);
          status = r.status;
          statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
          if (r.status < 500 && r.status !== 429) return r;
        } catch {
          statusCounts.network = (statusCounts.network ?? 0) + 1;
        }
        if (Date.now() > until) throw new Error(`${method} ${p} kept failing (last status ${status})`);
        clientRetries++;
        await sleep(200 + Math.random() * 300);
      }
    };

    await reliably('POST', '/v1/locations', { code: 'SALON', name: 'Salón' });
    const skus = Array.from({ length: profile.products }, (_, i) => `CHAOS-${i}`);
    for (const sku of skus) await reliably('POST', '/v1/products', { sku, name: `Producto ${sku}`, category: 'almacen', unit: 'unit' });

    // The load: receipts of 1 unit, each with its own key; accepted = answered 201/202. It runs
    // until every fault has happened (and `requests` were sent): each fault hits a system under
    // load. Each client pauses between requests so the drill's size follows its length.
    const accepted = new Set<string>();
    let next = 0;
    let loadDone = false;
    let faultsDone = false;
    const client = async () => {
      while (next < profile.requests || !faultsDone) {
        if (next > 0) await sleep(profile.pauseMs);
        const i = next++;
        const key = `chaos-${i}`;
        const r = await reliably('POST', '/v1/stock-movements', { sku: skus[i % skus.length], location: 'SALON', type: 'receipt', quantity: '1' }, { 'idempotency-key': key });
        if (r.status === 201 || r.status === 202 || r.status === 200) accepted.add(key);
        else log(`chaos: ${key} answered ${r.status} ${JSON.stringify(r.body)}`);
      }
    };
    const load = Promise.all(Array.from({ length: profile.concurrency }, client)).finally(() => (loadDone = true));

    // The faults, while the load runs.
    const faults: Record<string, number> = { workerKill9: 0, apiKill9: 0, redisRestartEmpty: 0, postgresRestartImmediate: 0, redisPaused: 0 };
    const killWorker = async (i: number) => {
      const w = workers[i]!;
      w.expectedExit = true;
      const exited = new Promise((r) => w.child.once('exit', r));
      w.child.kill('SIGKILL');
      await exited;
      faults.workerKill9!++;
      await sleep(300);
      workers[i] = startWorker(i);
    };
    // The api dies with requests in flight: some committed and not yet answered, some answered
    // with their group's job not yet enqueued. Clients retry with their keys; the reconciler sends
    // what no job carries.
    const killApi = async () => {
      api.expectedExit = true;
      const exited = new Promise((r) => api.child.once('exit', r));
      api.child.kill('SIGKILL');
      await exited;
      faults.apiKill9!++;
      api = start('api', 'src/api/server.ts');
      await waitForPort(apiPort, 60_000);
    };
    const plan: (() => Promise<void>)[] = [];
    for (let k = 0; k < profile.workerKills; k++) plan.push(() => killWorker(k % 2));
    plan.splice(2, 0, killApi);
    plan.splice(1, 0, async () => {
      await redis!.restartEmpty();
      faults.redisRestartEmpty!++;
    });
    plan.splice(3, 0, async () => {
      await pgServer!.restartImmediate();
      faults.postgresRestartImmediate!++;
    });
    plan.splice(5, 0, async () => {
      await redis!.pause(short ? 3000 : 8000);
      faults.redisPaused!++;
    });
    const gap = short ? 800 : 2500;
    for (const fault of plan) {
      await sleep(gap);
      const f = plan.indexOf(fault);
      log(`chaos: fault ${f + 1}/${plan.length} (accepted so far ${accepted.size})`);
      await fault();
    }
    const lastFaultAt = Date.now();
    faultsDone = true;
    await load;
    const loadEndedAt = Date.now();
    log(`chaos: load done, ${accepted.size} accepted; waiting for the drain`);

    // Drain: every accepted movement applied (or rejected with a reason), no request left queued.
    const admin = new pg.Client({ connectionString: databaseUrl });
    admin.on('error', (err) => log(`chaos: drain connection error: ${err.message}`));
    await admin.connect();
    const q = async <T,>(text: string, values: unknown[] = []) => (await admin.query(text, values)).rows as T[];
    const drainDeadline = Date.now() + (short ? 90_000 : 240_000);
    let queued = Infinity;
    while (Date.now() < drainDeadline) {
      queued = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM movement_requests WHERE status = 'queued'`))[0]!.n;
      if (queued === 0) break;
      await sleep(250);
    }
    const drainSecondsAfterLastFault = Math.round((Date.now() - lastFaultAt) / 100) / 10;
    const drainSecondsAfterLoad = Math.round((Date.now() - loadEndedAt) / 100) / 10;
    void loadDone;

    const keys = [...accepted];
    const rows = await q<{ idempotency_key: string; status: string; legs: number }>(
      `SELECT r.idempotency_key, r.status, (SELECT count(*)::int FROM stock_movements m WHERE m.movement_id = r.id) AS legs
         FROM movement_requests r WHERE r.idempotency_key = ANY($1)`,
      [keys],
    );
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    const applied = rows.filter((r) => r.status === 'applied' && r.legs === 1).length;
    const rejected = rows.filter((r) => r.status === 'rejected').length;
    const lost = keys.filter((k) => !byKey.has(k) || byKey.get(k)!.status === 'queued').length;
    const doubled = rows.filter((r) => r.legs > 1).length + (await q<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT idempotency_key FROM movement_requests GROUP BY 1 HAVING count(*) > 1) d`))[0]!.n;
    const integrity = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM stock_levels l FULL JOIN (SELECT product_id, location_id, sum(quantity) AS s FROM stock_movements GROUP BY 1, 2) m USING (product_id, location_id)
        WHERE coalesce(l.quantity, 0) <> coalesce(m.s, 0)`,
    );
    const total = (await q<{ s: string | null }>(`SELECT sum(quantity)::text AS s FROM stock_levels`))[0]!.s;

    // Repricing through a worker kill: give each product a cost, run, kill a worker mid-run.
    let repricing: ChaosResult['repricing'] = null;
    for (const [i, sku] of skus.entries()) await reliably('PATCH', `/v1/prices/${sku}`, { replacementCost: String(1000 + i * 10) });
    const run = await reliably('POST', '/v1/prices/recalculate', { all: true, reason: 'chaos drill', force: true }, { 'idempotency-key': 'chaos-reprice-1' });
    if (run.status === 202 || run.status === 200 || run.status === 201) {
      const runId: string = run.body?.runId ?? run.body?.run?.id ?? run.body?.id;
      await sleep(150);
      await killWorker(0);
      const until = Date.now() + 90_000;
      let status = 'unknown';
      while (Date.now() < until) {
        const r = await reliably('GET', `/v1/price-runs/${encodeURIComponent(runId)}`);
        status = r.body?.status ?? r.body?.run?.status ?? 'unknown';
        if (['finished', 'completed', 'done', 'failed'].includes(status)) break;
        await sleep(300);
      }
      const hist = await q<{ n: number; products: number; doubled: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT product_id)::int AS products,
                (SELECT count(*)::int FROM (SELECT product_id FROM price_history WHERE run_id = $1 GROUP BY 1 HAVING count(*) > 1) d) AS doubled
           FROM price_history WHERE run_id = $1`,
        [runId],
      );
      repricing = { runStatus: status, productsPriced: hist[0]!.products, historyRows: hist[0]!.n, doubled: hist[0]!.doubled };
    } else log(`chaos: repricing answered ${run.status} ${JSON.stringify(run.body)}`);
    // An invoice post through a worker kill: a reviewed invoice of one line per product, posted
    // by the api, a worker killed right after; the receipts must land once each.
    let invoicePost: ChaosResult['invoicePost'] = null;
    {
      const content = Buffer.from(`%PDF-1.4 chaos ${Date.now()}`);
      const key = createHash('sha256').update(content).digest('hex');
      const invoiceId = randomUUID();
      const loc = (await q<{ id: number }>(`SELECT id FROM locations WHERE code = 'SALON'`))[0]!.id;
      await q(`INSERT INTO invoice_files (content_key, mime_type, size_bytes, content) VALUES ($1, 'application/pdf', $2, $3)`, [key, content.length, content]);
      await q(`INSERT INTO invoices (id, file_key, status, location_id) VALUES ($1, $2, 'ready', $3)`, [invoiceId, key, loc]);
      for (const [i, sku] of skus.entries()) {
        await q(
          `INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit, unit_price_cents, amount_cents, confidence, arithmetic_ok, product_id, match_by, match_score)
           SELECT $1, $2, 'PRODUCTO ' || $3, 2, 'u', 1000 + $2 * 10, 2 * (1000 + $2 * 10), 1, true, id, 'manual', 1 FROM products WHERE sku = $3`,
          [invoiceId, i + 1, sku],
        );
      }
      const post = await reliably('POST', `/v1/invoices/${invoiceId}/post`);
      await sleep(100);
      await killWorker(1);
      const until = Date.now() + 90_000;
      let status = 'unknown';
      while (Date.now() < until) {
        status = (await q<{ status: string }>(`SELECT status FROM invoices WHERE id = $1`, [invoiceId]))[0]!.status;
        const queuedReceipts = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM movement_requests WHERE reference = $1 AND status = 'queued'`, [`invoice:${invoiceId}`]))[0]!.n;
        if (status === 'posted' && queuedReceipts === 0) break;
        await sleep(300);
      }
      const receipts = (await q<{ n: number; legs: number }>(
        `SELECT count(*)::int AS n, (SELECT count(*)::int FROM stock_movements m JOIN movement_requests r ON r.id = m.movement_id WHERE r.reference = $1) AS legs
           FROM movement_requests WHERE reference = $1`,
        [`invoice:${invoiceId}`],
      ))[0]!;
      invoicePost = { answer: post.status, status, lines: skus.length, receipts: receipts.n, ledgerRows: receipts.legs };
    }
    const integrityAfter = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM stock_levels l FULL JOIN (SELECT product_id, location_id, sum(quantity) AS s FROM stock_movements GROUP BY 1, 2) m USING (product_id, location_id)
        WHERE coalesce(l.quantity, 0) <> coalesce(m.s, 0)`,
    );
    await admin.end();

    return {
      accepted: accepted.size,
      applied,
      rejected,
      lost,
      doubled,
      processesDied: died,
      faults,
      drainSecondsAfterLastFault,
      drainSecondsAfterLoad,
      clientRetries,
      statusCounts,
      integrityOk: integrity[0]!.n === 0 && integrityAfter[0]!.n === 0,
      balanceOk: Number(total) === applied,
      repricing,
      invoicePost,
    };
  } finally {
    for (const p of procs) {
      p.expectedExit = true;
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }
    redis?.stop();
    pgServer?.stop();
  }
}

function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`))));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runChaos({ short: process.argv.includes('--short') });
  console.log(JSON.stringify({ chaos: result }));
  const ok = result.lost === 0 && result.doubled === 0 && result.processesDied === 0 && result.integrityOk;
  process.exit(ok ? 0 : 1);
}
