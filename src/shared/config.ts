import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Every queue the worker process knows; `WORKER_QUEUES` picks a subset. */
export const ALL_QUEUES = [
  'stock-movements',
  'invoice-ingest',
  'price-recalculations',
  'inflation-updates',
  'demand-forecasts',
] as const;

const intFrom = (min: number, def: number) => z.coerce.number().int().min(min).default(def);
const boolFrom = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  /** Unset: the PostgreSQL at LOCAL_POSTGRES_PROBE if one answers, else (`npm start`) an embedded one. */
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/gondola'),
  /** Where `npm start` looks for a local PostgreSQL when DATABASE_URL is unset (`host:port`, or `off`). */
  LOCAL_POSTGRES_PROBE: z.string().regex(/^(off|[^:\s]+:\d+)$/, 'host:port or off').default('127.0.0.1:5432'),
  /** Data directory of the embedded PostgreSQL (used when DATABASE_URL is unset and no local server answers). */
  EMBEDDED_POSTGRES_DIR: z.string().min(1).default('.data/postgres'),
  DATABASE_POOL_MAX: intFrom(1, 10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /**
   * Where BullMQ keeps its jobs: `redis`, or `postgres` (the data's own database, BullMQ's schema
   * `bullmq`). Unset: `redis` when REDIS_URL is set or a Redis answers at LOCAL_REDIS_PROBE, else `postgres`.
   */
  QUEUE_BACKEND: z.enum(['redis', 'postgres']).optional(),
  /** Where the queue backend choice looks for a local Redis when REDIS_URL and QUEUE_BACKEND are unset (`host:port`, or `off`). */
  LOCAL_REDIS_PROBE: z.string().regex(/^(off|[^:\s]+:\d+)$/, 'host:port or off').default('127.0.0.1:6379'),
  /** Connections of the pool one process's queues and workers share on the PostgreSQL backend (each worker holds one for LISTEN). */
  QUEUE_POSTGRES_POOL_MAX: intFrom(2, 20),
  /** BullMQ key prefix; the hash tag keeps every queue in one Redis Cluster slot. */
  QUEUE_PREFIX: z.string().min(1).default('{gondola}'),
  PORT: intFrom(0, 8080),
  HOST: z.string().default('0.0.0.0'),
  /** Connections the kernel queues before the api accepts them: a burst of POS connections waits instead of being reset. */
  HTTP_LISTEN_BACKLOG: intFrom(1, 4096),
  WORKER_METRICS_PORT: intFrom(0, 9464),
  /**
   * Where the api serves /metrics (business figures: margins, cost alerts). Set a port to serve it
   * only there — an internal port the load balancer does not expose; unset = on PORT.
   */
  API_METRICS_PORT: z.coerce.number().int().min(0).optional(),
  /** When set, /metrics (api and workers) answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_QUEUES: z
    .string()
    .default('all')
    .transform((v, ctx) => {
      if (v.trim() === '' || v.trim() === 'all') return [...ALL_QUEUES];
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = names.filter((n) => !(ALL_QUEUES as readonly string[]).includes(n));
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `unknown queue(s) ${unknown.join(', ')}; known: ${ALL_QUEUES.join(', ')}` });
        return z.NEVER;
      }
      return names as (typeof ALL_QUEUES)[number][];
    }),
  GONDOLA_ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How many movement jobs one group commit takes at most, and how long it waits to fill. */
  MOVEMENT_GROUP_MAX: intFrom(1, 200),
  MOVEMENT_GROUP_WAIT_MS: intFrom(0, 0),
  MOVEMENT_WORKER_CONCURRENCY: intFrom(1, 400),
  /** Requests still `queued` after this long are re-enqueued by the reconciler. */
  RECONCILE_GRACE_MS: intFrom(100, 15_000),
  RECONCILE_INTERVAL_MS: intFrom(100, 10_000),
  SHUTDOWN_TIMEOUT_MS: intFrom(100, 20_000),
  /** A job whose worker stops renewing its lock (crash) is handed to another worker after this. */
  WORKER_LOCK_DURATION_MS: intFrom(1000, 30_000),
  /** Upper bound for `Prefer: wait=N`. */
  MAX_PREFER_WAIT_S: intFrom(0, 30),
  LOAD_DEMO_DATA: boolFrom(true),
  TRUST_PROXY: boolFrom(false),
  /** A browser session not used for this long is over (12 h; at most 30 days). */
  SESSION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(30 * 24 * 3600 * 1000, 'at most 30 days').default(12 * 3600 * 1000),
  /** Wrong passwords per username, and per client address, that lock sign-in for LOGIN_LOCK_MS. */
  LOGIN_USERNAME_FAILURE_LIMIT: intFrom(1, 5),
  LOGIN_ADDRESS_FAILURE_LIMIT: intFrom(1, 20),
  LOGIN_LOCK_MS: intFrom(1000, 15 * 60 * 1000),
  /** Pause after a wrong password; doubles per further failure up to 2 s. */
  LOGIN_FAILURE_DELAY_MS: intFrom(0, 250),
  /** Products per repricing chunk job, and chunk jobs one price worker runs at once. */
  PRICING_CHUNK_SIZE: intFrom(1, 1000),
  PRICING_WORKER_CONCURRENCY: intFrom(1, 4),
  /** Cost alert bands in percent ("5,15,25"): a new replacement cost this far from the previous one is an alert. */
  COST_ALERT_BANDS_PCT: z
    .string()
    .default('5,15,25')
    .transform((v, ctx) => {
      const bands = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
      if (!bands.length || bands.some((b) => !Number.isInteger(b) || b < 1 || b > 1000)) {
        ctx.addIssue({ code: 'custom', message: 'must be comma-separated whole percents between 1 and 1000, e.g. "5,15,25"' });
        return z.NEVER;
      }
      return [...new Set(bands)].sort((a, b) => a - b);
    }),
  INVOICE_MAX_UPLOAD_BYTES: intFrom(1, 15 * 1024 * 1024),
  /** Per-job extraction deadline; past it the invoice fails with `extraction_timeout`. */
  INVOICE_EXTRACTION_TIMEOUT_MS: intFrom(1000, 60_000),
  /** Invoices at or above this confidence with every line matched are posted without review (0..1; above 1 = never). */
  INVOICE_AUTO_POST_CONFIDENCE: z.coerce.number().min(0).max(1.01).default(0.95),
  /** Fuzzy name matches scoring below this are flagged for review. */
  INVOICE_MATCH_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.55),
  /** An invoice line whose unit cost differs from the product's replacement cost by more than this (percent) changes prices: a price role must correct, approve or post it. */
  INVOICE_COST_BAND_PCT: z.coerce.number().min(0).max(1000).default(15),
  /** tesseract.js workers in the extraction process; 0 = one per core. */
  OCR_POOL_SIZE: intFrom(0, 0),
  /** Steps of the invoice photo pipeline that run (comma list of page, orientation, light, binarize, qr, second; or none). */
  INVOICE_PHOTO_STEPS: z
    .string()
    .default('page,orientation,qr,second')
    .transform((v, ctx) => {
      const steps = v === 'none' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = steps.filter((s) => !['page', 'orientation', 'light', 'binarize', 'qr', 'second', 'header'].includes(s));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `unknown photo steps ${bad.join(', ')}: use page, orientation, light, binarize, qr, second, header` });
        return z.NEVER;
      }
      return steps as ('page' | 'orientation' | 'light' | 'binarize' | 'qr' | 'second' | 'header')[];
    }),
  /** Benchmark only: a directory of real invoice PDFs with a `truth.json` beside them (never committed). */
  GONDOLA_REAL_INVOICES_DIR: z.string().optional(),
  /** Scheduled inflation index import: a CSV file path or an http(s) URL; unset = no scheduled import. */
  INFLATION_INDEX_SOURCE: z.string().optional(),
  INFLATION_INDEX_SOURCE_SERIES: z.enum(['official', 'expected']).default('official'),
  INFLATION_IMPORT_EVERY_MS: intFrom(1000, 6 * 3600 * 1000),
  /** Rate limits (requests per window) shared by every api replica through RATE_LIMIT_STORE. */
  RATE_LIMIT_ENABLED: boolFrom(true),
  /** Unset: the queue backend's store. With QUEUE_BACKEND=postgres it is always `postgres` (there may be no Redis). */
  RATE_LIMIT_STORE: z.enum(['redis', 'postgres']).optional(),
  RATE_LIMIT_WINDOW_S: intFrom(1, 60),
  RATE_LIMIT_PER_KEY: intFrom(1, 6000),
  RATE_LIMIT_PER_USER: intFrom(1, 6000),
  RATE_LIMIT_PER_ADDRESS: intFrom(1, 12_000),
  /** Failed authentications one address may make per RATE_LIMIT_AUTH_WINDOW_S; past it, 429 without a key lookup. */
  RATE_LIMIT_AUTH_FAILURES: intFrom(1, 20),
  RATE_LIMIT_AUTH_WINDOW_S: intFrom(1, 300),
  /** `npm run backup`: where dumps go, how many days they are kept, and an optional key (32 bytes, hex or base64) to encrypt them with AES-256-GCM. */
  BACKUP_DIR: z.string().min(1).default('.data/backups'),
  BACKUP_RETENTION_DAYS: intFrom(0, 14),
  BACKUP_ENCRYPTION_KEY: z.string().optional(),
  /**
   * Keys that encrypt invoice files at rest (AES-256-GCM), as `id:base64key` pairs separated by
   * commas; each key is 32 bytes. Given, they replace DATA_KEY_FILE. The active key (new files) is
   * DATA_KEY_ACTIVE, or the first listed; the others are kept to read older files.
   */
  DATA_KEYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const keys: { id: string; key: string }[] = [];
      for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        const m = /^([A-Za-z0-9_.-]{1,64}):([A-Za-z0-9+/=_-]+)$/.exec(part);
        if (!m || Buffer.from(m[2]!, 'base64').length !== 32) {
          ctx.addIssue({ code: 'custom', message: 'each entry is id:key with a 32-byte key in base64 (openssl rand -base64 32)' });
          return z.NEVER;
        }
        keys.push({ id: m[1]!, key: m[2]! });
      }
      if (!keys.length) return undefined;
      return keys;
    }),
  DATA_KEY_ACTIVE: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  /** The keyring file when DATA_KEYS is unset; created (mode 0600) on first start unless NODE_ENV=production. */
  DATA_KEY_FILE: z.string().min(1).default('.data/data-keys.json'),
  /** Files re-encrypted per transaction by `npm run rotate-data-key` and the plaintext sweep. */
  DATA_KEY_ROTATION_CHUNK: intFrom(1, 50),
  /** How often price runs left `planned` (their flow never reached Redis) are sent again. */
  PRICE_RUN_RECONCILE_EVERY_MS: intFrom(1000, 60_000),
});

export type Config = z.infer<typeof schema> & {
  /** Whether DATABASE_URL came from the environment (not the default). */
  databaseUrlGiven: boolean;
  /** Whether REDIS_URL came from the environment (not the default). */
  redisUrlGiven: boolean;
};
export type QueueName = (typeof ALL_QUEUES)[number];

/** Pure: parses an environment-like object and reports every bad key at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const data = parsed.data;
  if (data.DATA_KEYS && data.DATA_KEY_ACTIVE && !data.DATA_KEYS.some((k) => k.id === data.DATA_KEY_ACTIVE)) {
    throw new ConfigError([`DATA_KEY_ACTIVE: no key ${data.DATA_KEY_ACTIVE} in DATA_KEYS`]);
  }
  return { ...data, databaseUrlGiven: 'DATABASE_URL' in cleaned, redisUrlGiven: 'REDIS_URL' in cleaned };
}

let cached: Config | undefined;

/** The process configuration, read from `process.env` once. The only reader of `process.env`. */
export function getConfig(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}


/** The environment for a child process the project starts itself (this process's, plus `extra`). */
export function childProcessEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
