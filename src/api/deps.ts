import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import type { JobWaiter } from './job-waiter.js';
import type { RateLimitStore } from '../shared/rate-limit.js';

/** What routes need; built by server.ts (or a test) and passed to createApp. */
export interface ApiDeps {
  config: Config;
  db: Database;
  producer: Producer;
  waiter: JobWaiter;
  /** Shared counters for rate limits; without one (some tests) nothing is limited. */
  rateLimitStore?: RateLimitStore;
}
