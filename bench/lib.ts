/** Shared plumbing for benchmarks: a database of their own, child processes, RSS sampling, result files. */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../src/shared/config.js';
import { ensureServices } from '../src/shared/bootstrap.js';
import { createDatabase, type Database } from '../src/shared/db/database.js';
import { ensureTemplate, withDb } from '../scripts/test-template.js';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;

export interface BenchEnv {
  config: Config;
  db: Database;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/** A fresh migrated database and queue prefix for one benchmark run. */
export async function benchEnv(name: string, extra: Record<string, string> = {}): Promise<BenchEnv> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' } as Record<string, string>);
  await ensureServices(base);
  const template = await ensureTemplate(base.DATABASE_URL);
  const dbName = `gondola_bench_${name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDb(base.DATABASE_URL, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName} TEMPLATE ${template}`);
  await admin.end();
  const env = { DATABASE_URL: withDb(base.DATABASE_URL, dbName), REDIS_URL: base.REDIS_URL, QUEUE_PREFIX: `{gb-${randomBytes(3).toString('hex')}}`, LOG_LEVEL: 'warn', RATE_LIMIT_ENABLED: 'false', ...extra };
  const config = loadConfig(env);
  const db = createDatabase({ url: config.DATABASE_URL, max: 10 });
  return {
    config,
    db,
    env,
    cleanup: async () => {
      await db.destroy();
      const a = new pg.Client({ connectionString: withDb(base.DATABASE_URL, 'postgres') });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Runs a TypeScript entry point in a child process (as `npm run …` would, through tsx).
 * BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every child there (open it in a browser's devtools).
 */
export function spawnTs(entry: string, env: Record<string, string>): ChildProcess {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  return fork(path.join(root, entry), [], { env: { ...process.env, ...env }, execArgv: ['--import', tsxLoader, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** Peak resident memory of a process, sampled from /proc while `during` runs. */
export async function peakRssMb<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      /* process gone */
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await during();
    sample();
    return { result, peakMb: Math.round(peak) };
  } finally {
    clearInterval(timer);
  }
}

export async function waitUntil(what: string, fn: () => Promise<boolean>, ms = 300_000, every = 50): Promise<void> {
  const until = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

export async function waitForHttp(url: string, ms = 60_000): Promise<void> {
  await waitUntil(url, () => fetch(url).then((r) => r.ok, () => false), ms, 200);
}

/** Writes bench/results/<name>.json and prints the one closing JSON line. */
export function report(name: string, metrics: Record<string, unknown>, goals: Record<string, unknown>, met: boolean): void {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const line = { bench: name, metrics, goals, met };
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ ...line, measuredAt: new Date().toISOString() }, null, 2)}\n`);
  console.log(JSON.stringify(line));
}
