import type { Router } from 'express';
import { z } from 'zod';
import { ALL_QUEUES } from '../../shared/config.js';
import { shopSummary } from '../../shared/db/repositories/reports.repository.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, decimalString, isoDay, timestamp } from '../openapi.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

const sold = z.strictObject({ units: decimalString, kg: decimalString, liters: decimalString, amount: decimalString.meta({ description: "Σ quantity sold × today's shelf price (pesos)" }) });
const count = z.int().nullable();
const summarySchema = z
  .strictObject({
    asOf: timestamp,
    timeZone: z.string(),
    inventory: z.strictObject({ atCost: decimalString, atPrice: decimalString, productsWithoutCost: z.int(), productsWithoutPrice: z.int() }),
    sold: z.strictObject({ today: sold, last7Days: sold }),
    belowReorderPoint: z.int(),
    invoicesNeedingReview: z.int(),
    costAlerts: z.strictObject({ last7Days: z.int(), sellingAtLoss: z.int() }),
    dailySales: z.array(sold.extend({ day: isoDay })),
    queues: z.array(z.strictObject({ queue: z.enum(ALL_QUEUES), reachable: z.boolean(), waiting: count, active: count, delayed: count, failed: count })),
  })
  .meta({ id: 'ShopSummary' });

/** `GET /v1/summary`: the shop at a glance (any role), with the health of every queue. */
export function summaryRouter({ db, producer }: ApiDeps): Router {
  const api = new ApiRouter('/v1/summary');
  api.route('get', '/', {
    summary: 'The shop at a glance',
    description: "Inventory value at cost and at price, units/kg/liters sold today and in the last 7 days, products below reorder point, invoices needing review, cost alerts, queue health, sales per day for 30 days (amount at today's price).",
    responses: { 200: summarySchema },
  }, async (_req, res) => {
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
  return api.router;
}
