import { Router } from 'express';
import { ALL_QUEUES } from '../../shared/config.js';
import { shopSummary } from '../../shared/db/repositories/reports.repository.js';
import type { ApiDeps } from '../deps.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

/** `GET /v1/summary`: the shop at a glance (any role), with the health of every queue. */
export function summaryRouter({ db, producer }: ApiDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [summary, queues] = await Promise.all([
      shopSummary(db),
      Promise.all(
        ALL_QUEUES.map(async (name) => {
          try {
            const c = await withTimeout(producer.queue({ queue: name }).getJobCounts('waiting', 'active', 'delayed', 'failed'), 1000);
            return { queue: name, reachable: true, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
          } catch {
            return { queue: name, reachable: false, waiting: null, active: null, delayed: null, failed: null };
          }
        }),
      ),
    ]);
    res.json({ ...summary, queues });
  });
  return router;
}
