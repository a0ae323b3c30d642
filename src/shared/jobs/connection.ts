import { createPostgresBackend, createRedisBackend, runMigrations, type BackendFactory, type ConnectionOptions, type RedisQueueBackend } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { logger } from '../logging.js';

const log = logger.child({ component: 'queue-backend' });

export type RedisRole = 'producer' | 'worker';
export type QueueBackendKind = 'redis' | 'postgres';

/** BullMQ's own schema in the data's database on the PostgreSQL backend (its default namespace). */
export const BULLMQ_SCHEMA = 'bullmq';

/**
 * Redis connections differ by role: producers fail fast (the API answers 503 instead of
 * hanging, also when Redis is alive but not answering: `commandTimeout`), workers wait for Redis to come back (`maxRetriesPerRequest: null`, which BullMQ
 * requires for blocking connections).
 */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    connectionName: `gondola-${role}`,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    ...extra,
  };
  const options: RedisOptions =
    role === 'producer'
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 5000 }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, options);
  // Connection errors are reported through readiness and job failures, not as crashes; logged
  // once per outage, not once per reconnect attempt.
  let down = false;
  redis.on('error', (err) => {
    if (!down) log.warn('redis connection lost', { role, err: err.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis connection back', { role });
    down = false;
  });
  return redis;
}

/** What BullMQ's constructors take besides the queue name: the connection, the key prefix, the backend. */
export interface BullOptions {
  connection: ConnectionOptions;
  prefix: string;
  /**
   * The backend factory. Typed as Redis's so queues keep one type whichever backend runs them (the
   * PostgreSQL backend implements the same interface; Redis-only escape hatches are not used).
   */
  factory: BackendFactory<RedisQueueBackend>;
}

/**
 * The store BullMQ keeps its jobs in, for one process part (the api's or the workers'): Redis, or
 * the data's PostgreSQL (BullMQ's schema `bullmq`). Everything that builds queues, workers, flows and
 * queue events asks it for their options; nothing else picks a backend.
 */
export interface QueueBackend {
  readonly kind: QueueBackendKind;
  readonly prefix: string;
  /** The producer-role Redis client (rate limits); only on the Redis backend. */
  readonly redis?: Redis;
  /** Options for queues and flow producers (fail fast). */
  producer(): BullOptions;
  /** Options for workers and queue events (wait for the store to come back). */
  blocking(): BullOptions;
  /** Throws when the store does not answer. */
  ping(): Promise<void>;
  /** Whether the store is usable right now (enqueueing never waits for an offline store). */
  isReady(): boolean;
  /** Deletes every job of this prefix (tests, chaos: the same as the store losing them). Returns how many keys/rows went. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

/** Opens the backend `kind` for one process part. Redis: a producer and a blocking connection; PostgreSQL: one pool. */
export function openQueueBackend(options: { kind: QueueBackendKind; redisUrl: string; databaseUrl: string; prefix: string; poolMax: number; name: string }): QueueBackend {
  return options.kind === 'redis' ? redisBackend(options) : postgresBackend(options);
}

function redisBackend({ redisUrl, prefix }: { redisUrl: string; prefix: string }): QueueBackend {
  const producer = createRedis(redisUrl, 'producer');
  let blocking: Redis | undefined;
  return {
    kind: 'redis',
    prefix,
    redis: producer,
    producer: () => ({ connection: producer, prefix, factory: createRedisBackend }),
    blocking: () => ({ connection: (blocking ??= createRedis(redisUrl, 'worker')), prefix, factory: createRedisBackend }),
    ping: async () => {
      await producer.ping();
    },
    isReady: () => producer.status === 'ready',
    flush: async () => {
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
        return keys.length;
      } finally {
        redis.disconnect();
      }
    },
    close: async () => {
      producer.disconnect();
      blocking?.disconnect();
    },
  };
}

function postgresBackend({ databaseUrl, prefix, poolMax, name }: { databaseUrl: string; prefix: string; poolMax: number; name: string }): QueueBackend {
  // BullMQ uses a pool it is given as-is: its connections must resolve BullMQ's unqualified names.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolMax,
    options: `-c search_path=${BULLMQ_SCHEMA}`,
    application_name: `gondola-${name}-queues`,
    keepAlive: true,
  });
  let down = false;
  pool.on('error', (err) => {
    if (!down) log.warn('queue database connection lost', { err: err.message });
    down = true;
  });
  pool.on('connect', () => {
    down = false;
  });
  const options = (): BullOptions => ({ connection: pool as unknown as ConnectionOptions, prefix, factory: createPostgresBackend as unknown as BackendFactory<RedisQueueBackend> });
  return {
    kind: 'postgres',
    prefix,
    producer: options,
    blocking: options,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    isReady: () => !down,
    flush: async () => {
      const { rows } = await pool.query<{ name: string }>(
        `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND table_name NOT IN ('migration', 'meta')`,
        [BULLMQ_SCHEMA],
      );
      const { rows: count } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM job');
      if (rows.length) await pool.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} CASCADE`);
      return count[0]?.n ?? 0;
    },
    close: async () => {
      await pool.end();
    },
  };
}

/**
 * Creates or upgrades BullMQ's schema in the database (idempotent, serialized across processes by
 * BullMQ's advisory lock). Applied with the project's migrations, whichever backend is in use, so
 * switching a shop to the PostgreSQL backend needs no extra step.
 */
export async function migrateQueueSchema(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'gondola-migrate' });
  await client.connect();
  try {
    return await runMigrations(client, BULLMQ_SCHEMA);
  } finally {
    await client.end();
  }
}
