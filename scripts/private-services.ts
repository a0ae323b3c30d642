/**
 * Private PostgreSQL and Redis instances for drills that restart, pause or lose them (chaos,
 * backup/restore). Each lives in its own temp directory on its own port and is torn down at the
 * end; the shared services are never touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port in [from, to], starting at a random offset so parallel drills rarely collide. */
export async function freePort(from: number, to: number): Promise<number> {
  const span = to - from + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = from + ((start + i) % span);
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

export async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${ms} ms`);
}

const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] as const : [args[0]!, args.slice(1)] as const);

function runPg(args: string[]): string {
  const [cmd, rest] = asPostgres(args);
  return execFileSync(cmd, [...rest], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PrivatePostgres {
  port: number;
  url: (db?: string) => string;
  /** `pg_ctl restart -m immediate`: every connection dropped, crash recovery on start. */
  restartImmediate: () => Promise<void>;
  stop: () => void;
  dir: string;
}

/** initdb into a temp dir and start a PostgreSQL 15 on a port in [from, to] (trust auth). */
export async function startPrivatePostgres(from = 25432, to = 25499): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gondola-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  execFileSync('chown', ['postgres', dir]);
  runPg([`${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort(from, to);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=64MB`;
  const ctl = (...args: string[]) => runPg([`${PG_BIN}/pg_ctl`, '-D', data, '-l', path.join(dir, 'log'), '-o', opts, '-w', '-t', '60', ...args]);
  ctl('start');
  let stopped = false;
  return {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    restartImmediate: async () => {
      ctl('restart', '-m', 'immediate');
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        ctl('stop', '-m', 'immediate');
      } catch {
        /* already down */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Kill -9 and start again empty (no persistence): every queued job is gone. */
  restartEmpty: () => Promise<void>;
  /** SIGSTOP for `ms`, then SIGCONT: connections stay open, nothing answers. */
  pause: (ms: number) => Promise<void>;
  stop: () => void;
}

export async function startPrivateRedis(from = 26379, to = 26399): Promise<PrivateRedis> {
  const port = await freePort(from, to);
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restartEmpty: async () => {
      await kill();
      await start();
    },
    pause: async (ms) => {
      child!.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, ms));
      child!.kill('SIGCONT');
    },
    stop: () => {
      child?.kill('SIGCONT');
      child?.kill('SIGKILL');
    },
  };
}
