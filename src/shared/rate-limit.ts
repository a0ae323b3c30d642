/**
 * Rate limit counters in a store every api replica shares: Redis (default) or PostgreSQL (when
 * PostgreSQL is the queue backend and there is no Redis). Fixed windows: simple, one round trip
 * per check, and good enough for "slow down" limits (a burst of 2× at a window edge is fine).
 */
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Database } from './db/database.js';

export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

export interface RateLimitStore {
  /** Counts one hit for `key` in a window of `windowMs`; returns the count so far. */
  hit(key: string, windowMs: number): Promise<Hit>;
  /** Reads the count without counting (failed-authentication gate). */
  peek(key: string): Promise<Hit>;
  readonly kind: 'redis' | 'postgres';
}

const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export class RedisRateLimitStore implements RateLimitStore {
  readonly kind = 'redis';
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}:rl:${key}`, windowMs)) as [number, number];
    return { count, resetMs: ttl };
  }

  async peek(key: string): Promise<Hit> {
    const [count, ttl] = (await this.redis.multi().get(`${this.prefix}:rl:${key}`).pttl(`${this.prefix}:rl:${key}`).exec()) ?? [];
    return { count: Number(count?.[1] ?? 0), resetMs: Math.max(0, Number(ttl?.[1] ?? 0)) };
  }
}

export class PostgresRateLimitStore implements RateLimitStore {
  readonly kind = 'postgres';
  private lastSweep = 0;
  constructor(private readonly db: Database) {}

  async hit(key: string, windowMs: number): Promise<Hit> {
    if (Date.now() - this.lastSweep > 60_000) {
      this.lastSweep = Date.now();
      void sql`DELETE FROM rate_limit_counters WHERE window_ends_at < now() - interval '1 minute'`.execute(this.db).catch(() => undefined);
    }
    const { rows } = await sql<{ hits: number; reset_ms: number }>`
      INSERT INTO rate_limit_counters AS c (key, window_ends_at, hits)
      VALUES (${key}, now() + make_interval(secs => ${windowMs / 1000}), 1)
      ON CONFLICT (key) DO UPDATE SET
        hits = CASE WHEN c.window_ends_at > now() THEN c.hits + 1 ELSE 1 END,
        window_ends_at = CASE WHEN c.window_ends_at > now() THEN c.window_ends_at ELSE excluded.window_ends_at END
      RETURNING hits, (extract(epoch FROM window_ends_at - now()) * 1000)::int AS reset_ms`.execute(this.db);
    return { count: rows[0]!.hits, resetMs: Math.max(0, rows[0]!.reset_ms) };
  }

  async peek(key: string): Promise<Hit> {
    const { rows } = await sql<{ hits: number; reset_ms: number }>`
      SELECT hits, (extract(epoch FROM window_ends_at - now()) * 1000)::int AS reset_ms
        FROM rate_limit_counters WHERE key = ${key} AND window_ends_at > now()`.execute(this.db);
    return rows[0] ? { count: rows[0].hits, resetMs: rows[0].reset_ms } : { count: 0, resetMs: 0 };
  }
}
