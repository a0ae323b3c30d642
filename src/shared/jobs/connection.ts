import { Redis, type RedisOptions } from 'ioredis';
import { logger } from '../logging.js';

const log = logger.child({ component: 'redis' });

export type RedisRole = 'producer' | 'worker';

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
