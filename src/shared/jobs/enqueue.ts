import { FlowProducer, Queue, type FlowJob, type JobsOptions, type RepeatOptions } from 'bullmq';
import { connectionErrorLogger } from '../logging.js';
import type { QueueBackend, QueueBackendKind } from './connection.js';
import { jobIdFor, type JobContract, type JobNameOf, type PayloadOf } from './contract.js';

export interface EnqueueOptions {
  /** Becomes the BullMQ job id: a duplicate enqueue while the job exists is a no-op. */
  idempotencyKey?: string;
  delay?: number;
  priority?: number;
}

/**
 * One node of a flow on a contract's queue: a job and the jobs that must complete before it runs.
 * The name and payload are checked against the contract like `enqueue`'s.
 */
export type FlowSpec<C extends JobContract> = {
  [N in JobNameOf<C>]: {
    name: N;
    payload: PayloadOf<C, N>;
    idempotencyKey: string;
    /** A child that fails for good fails this node's parent (so the parent never waits forever). */
    failParentOnFailure?: boolean;
    children?: FlowSpec<C>[];
  };
}[JobNameOf<C>];

/**
 * Typed access to every queue a process writes to, the api's and the workers' alike.
 * `enqueue(contract, name, payload)` does not compile with a job name the contract does not have,
 * or with a payload of the wrong shape; retry, backoff and retention come from the contract.
 * This is the one place that constructs queues and flow producers.
 */
export class Producer {
  private readonly queues = new Map<string, Queue>();
  private flowProducer: FlowProducer | undefined;

  constructor(private readonly backend: QueueBackend) {}

  /** Where the jobs live: `redis` or `postgres`. */
  get backendKind(): QueueBackendKind {
    return this.backend.kind;
  }

  /** The BullMQ queue for a contract (or just a queue name, for dashboards, metrics and job reads). */
  queue(contract: Pick<JobContract, 'queue'> & Partial<JobContract>): Queue {
    let q = this.queues.get(contract.queue);
    if (!q) {
      const { factory, ...options } = this.backend.producer();
      q = new Queue(contract.queue, { ...options, defaultJobOptions: contract.defaultJobOptions && withRetentionFor(this.backend.kind, contract.defaultJobOptions) }, factory);
      q.on('error', connectionErrorLogger('producer', { queue: contract.queue }));
      this.queues.set(contract.queue, q);
    }
    return q;
  }

  async enqueue<C extends JobContract, N extends JobNameOf<C>>(contract: C, name: N, payload: PayloadOf<C, N>, { idempotencyKey, ...rest }: EnqueueOptions = {}): Promise<string> {
    const data = contract.jobs[name]!.parse(payload);
    const opts: JobsOptions = { ...optionsOf(contract, name, this.backend.kind), ...rest };
    if (idempotencyKey) opts.jobId = jobIdFor(idempotencyKey);
    const job = await this.queue(contract).add(name, data, opts);
    return job.id!;
  }

  /** Many jobs of one contract in one round trip (BullMQ addBulk). */
  async enqueueBulk<C extends JobContract, N extends JobNameOf<C>>(contract: C, name: N, jobs: { payload: PayloadOf<C, N>; idempotencyKey: string }[]): Promise<void> {
    if (!jobs.length) return;
    const opts = optionsOf(contract, name, this.backend.kind);
    const schema = contract.jobs[name]!;
    await this.queue(contract).addBulk(jobs.map((j) => ({ name, data: schema.parse(j.payload), opts: { ...opts, jobId: jobIdFor(j.idempotencyKey) } })));
  }

  /** Adds a flow (a parent after its children); returns the root's job id. Adding the same flow again adds nothing that exists. */
  async enqueueFlow<C extends JobContract>(contract: C, root: FlowSpec<C>): Promise<string> {
    if (!this.flowProducer) {
      const { factory, ...options } = this.backend.producer();
      this.flowProducer = new FlowProducer(options, factory);
      this.flowProducer.on('error', connectionErrorLogger('producer', { flow: true }));
    }
    const node = await this.flowProducer.add(flowJobOf(contract, root, this.backend.kind));
    return node.job.id!;
  }

  /** Creates or updates a job scheduler (idempotent: every replica may call it at boot). */
  async schedule<C extends JobContract, N extends JobNameOf<C>>(contract: C, schedulerId: string, repeat: Omit<RepeatOptions, 'key'>, name: N, payload: PayloadOf<C, N>): Promise<void> {
    const data = contract.jobs[name]!.parse(payload);
    await this.queue(contract).upsertJobScheduler(schedulerId, repeat, { name, data, opts: optionsOf(contract, name, this.backend.kind) });
  }

  async unschedule(contract: JobContract, schedulerId: string): Promise<void> {
    await this.queue(contract).removeJobScheduler(schedulerId);
  }

  async ping(): Promise<void> {
    await this.backend.ping();
  }

  /** Whether the queue store is usable right now (producers never queue commands offline). */
  isReady(): boolean {
    return this.backend.isReady();
  }

  allQueues(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values(), ...(this.flowProducer ? [this.flowProducer] : [])].map((q) => q.close()));
  }
}

/** The contract's default job options with the job name's overrides (without `repeat` or ids), as kept on `kind`. */
export function optionsOf<C extends JobContract>(contract: C, name: JobNameOf<C>, kind: QueueBackendKind): JobsOptions {
  return withRetentionFor(kind, { ...contract.defaultJobOptions, ...contract.jobOptions?.[name] });
}

/**
 * Retention as each backend keeps it cheaply. On PostgreSQL, BullMQ trims a `count` bound on every
 * finished job with a scan of up to `count` finished rows of the queue (bench: no-op jobs with
 * `{ age: 3600, count: 10 000 }` ran at 259/s against 870/s without), while an `age` bound is one
 * range delete on an index. So where a contract gives both, PostgreSQL keeps the age bound only
 * (a shop's hour of jobs is a few thousand rows); Redis keeps both (its memory needs the count).
 */
export function withRetentionFor(kind: QueueBackendKind, opts: JobsOptions): JobsOptions {
  if (kind !== 'postgres') return opts;
  const ageOnly = (keep: JobsOptions['removeOnComplete']) => (typeof keep === 'object' && 'age' in keep && keep.age !== undefined && keep.count !== undefined ? { age: keep.age } : keep);
  return { ...opts, removeOnComplete: ageOnly(opts.removeOnComplete), removeOnFail: ageOnly(opts.removeOnFail) };
}

/** The BullMQ flow for a spec: payloads checked, options from the contract, ids from the keys. */
export function flowJobOf<C extends JobContract>(contract: C, node: FlowSpec<C>, kind: QueueBackendKind): FlowJob {
  const opts: JobsOptions = { ...optionsOf(contract, node.name, kind), jobId: jobIdFor(node.idempotencyKey) };
  if (node.failParentOnFailure) opts.failParentOnFailure = true;
  return {
    name: node.name,
    queueName: contract.queue,
    data: contract.jobs[node.name]!.parse(node.payload),
    opts,
    ...(node.children ? { children: node.children.map((c) => flowJobOf(contract, c, kind)) } : {}),
  };
}
