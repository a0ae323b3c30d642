import { FlowProducer, type ConnectionOptions } from 'bullmq';
import type { Producer } from '../shared/jobs/enqueue.js';
import { buildRunFlow, priceRecalculationsContract, repricingJob } from '../shared/jobs/price-recalculations.contract.js';

const flows = new WeakMap<Producer, FlowProducer>();

/** A flow producer on the producer's own connection and prefix (one per Producer). */
function flowFor(producer: Producer): FlowProducer {
  let flow = flows.get(producer);
  if (!flow) {
    const queue = producer.queue(priceRecalculationsContract);
    flow = new FlowProducer({ connection: queue.opts.connection as ConnectionOptions, prefix: queue.opts.prefix });
    flow.on('error', () => undefined);
    flows.set(producer, flow);
  }
  return flow;
}

/** Sends a planned run as a flow (chunk children under a finish-run parent); returns the parent job id. */
export async function enqueueRunFlow(producer: Producer, run: { id: string; chunks: readonly (readonly [number, number])[] }): Promise<string> {
  const node = await flowFor(producer).add(buildRunFlow(run));
  return node.job.id!;
}

/**
 * Reprices the given products in one job (after an invoice posting changed their costs). The
 * run id is the idempotency key: the same id again is a no-op, in Redis and in PostgreSQL.
 */
export async function enqueueRepricing(producer: Producer, { productIds, reason, runId }: { productIds: number[]; reason: string; runId: string }): Promise<string> {
  const job = repricingJob({ runId, productIds, reason });
  const added = await producer.queue(priceRecalculationsContract).add(job.name, job.data, job.opts);
  return added.id!;
}
