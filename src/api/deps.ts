import type { Config } from '../shared/config.js';
import type { Database } from '../shared/db/database.js';
import type { Producer } from '../shared/jobs/enqueue.js';
import type { JobWaiter } from './job-waiter.js';

/** What routes need; built by server.ts (or a test) and passed to createApp. */
export interface ApiDeps {
  config: Config;
  db: Database;
  producer: Producer;
  waiter: JobWaiter;
}
