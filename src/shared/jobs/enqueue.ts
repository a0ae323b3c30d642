import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdFor, type JobContract, type JobNameOf, type PayloadOf } from './contract.js';

export interface EnqueueOptions {
  /** Becomes the BullMQ job id: a duplicate enqueue while the job exists is a no-op. */
  idempotencyKey?: string;
  delay?: number;
  priority?: number;
}

/**
 * Typed access to every queue a process writes to. `enqueue(contract, name, payload)` does not
 * compile with a job name the contract does not have, or with a payload of the wrong shape.
 */
export class Producer {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  /** The BullMQ queue for a contract (or just a queue name, for dashboards and metrics). */
  queue(contract: Pick<JobContract, 'queue'> & Partial<JobContract>): Queue {
    let q = this.queues.get(contract.queue);
    if (!q) {
      q = new Queue(contract.queue, { connection: this.connection, prefix: this.prefix, defaultJobOptions: contract.defaultJobOptions });
      q.on('error', () => undefined);
      this.queues.set(contract.queue, q);
    }
    return q;
  }

  async enqueue<C extends JobContract, N extends JobNameOf<C>>(
    contract: C,
    name: N,
    payload: PayloadOf<C, N>,
    { idempotencyKey, ...rest }: EnqueueOptions = {},
  ): Promise<string> {
    const data = contract.jobs[name]!.parse(payload);
    const opts: JobsOptions = { ...contract.defaultJobOptions, ...contract.jobOptions?.[name], ...rest };
    if (idempotencyKey) opts.jobId = jobIdFor(idempotencyKey);
    const job = await this.queue(contract).add(name, data, opts);
    return job.id!;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  /** Many jobs of one contract in one round trip (BullMQ addBulk). */
  async enqueueBulk<C extends JobContract, N extends JobNameOf<C>>(
    contract: C,
    name: N,
    jobs: { payload: PayloadOf<C, N>; idempotencyKey: string }[],
  ): Promise<void> {
    const opts: JobsOptions = { ...contract.defaultJobOptions, ...contract.jobOptions?.[name] };
    const schema = contract.jobs[name]!;
    await this.queue(contract).addBulk(jobs.map((j) => ({ name, data: schema.parse(j.payload), opts: { ...opts, jobId: jobIdFor(j.idempotencyKey) } })));
  }

  /** Whether the Redis connection is usable right now (producers never queue commands offline). */
  isReady(): boolean {
    return this.connection.status === 'ready';
  }

  allQueues(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
