/**
 * bench:movements section E: `npm start` (src/main.ts) in an empty directory with DATABASE_URL,
 * REDIS_URL and QUEUE_BACKEND unset and both local probes at closed ports, as on a machine with only
 * Node: seconds from spawn to /ready answering 200 and "gondola ready", on the first start (initdb,
 * migrations, demo data) and on a restart of the same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.js';

function start(cwd: string, port: number): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'QUEUE_BACKEND', 'RATE_LIMIT_STORE', 'QUEUE_PREFIX']) delete env[k];
  const child = spawn(process.execPath, ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/main.ts')], {
    cwd,
    env: { ...env, LOCAL_POSTGRES_PROBE: '127.0.0.1:1', LOCAL_REDIS_PROBE: '127.0.0.1:2', PORT: String(port), HOST: '127.0.0.1', WORKER_METRICS_PORT: String(port + 1), LOG_LEVEL: 'info', NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function timeToReady(cwd: string, port: number): Promise<number> {
  const t0 = performance.now();
  const run = start(cwd, port);
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false);
      if (ok && /gondola ready/.test(run.output())) break;
      if (run.child.exitCode !== null || performance.now() - t0 > 300_000) throw new Error(`embedded start did not become ready:\n${run.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!/"queueBackend":"postgres"/.test(run.output())) throw new Error('the embedded start did not run its queues on PostgreSQL');
    return +((performance.now() - t0) / 1000).toFixed(2);
  } finally {
    if (run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await new Promise((r) => run.child.once('exit', r));
    }
  }
}

export async function embeddedStartToReady(port: number): Promise<{ firstS: number; restartS: number }> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'gondola-bench-embedded-'));
  chmodSync(cwd, 0o755); // as root the database runs as user postgres, which must reach .data/
  try {
    const firstS = await timeToReady(cwd, port);
    const restartS = await timeToReady(cwd, port);
    return { firstS, restartS };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
