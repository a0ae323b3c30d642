import { Redis, type RedisOptions } from 'ioredis';
import { connectionErrorLogger } from '../logging.js';

export type RedisRole = 'producer' | 'worker';

/**
 * Redis connections differ by role: producers fail fast (the API answers 503 instead of
 * hanging), workers wait for Redis to come back (`maxRetriesPerRequest: null`, which BullMQ
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
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, options);
  // Connection errors are reported through readiness and job failures, and logged (not crashes).
  redis.on('error', connectionErrorLogger('redis', { role }));
  return redis;
}
