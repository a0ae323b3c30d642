import { fork, type ChildProcess } from 'node:child_process';
import { childProcessEnv } from '../../shared/config.js';
import { fileURLToPath } from 'node:url';
import type { ExtractRequest, ExtractResponse } from './invoice-ingest.processor.js';
import { ExtractionFailedError, type ExtractFailure } from '../../shared/errors.js';

/** Extra time the child gets past the deadline to report its own timeout before it is killed. */
const KILL_GRACE_MS = 3000;

interface Pending {
  resolve: (r: ExtractResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export interface SandboxOptions {
  /**
   * A child whose resident memory passes this after a job is replaced before the next one:
   * WASM heaps never shrink and native allocations fragment, so a long-lived OCR process creeps.
   */
  recycleAboveMb?: number;
}

/**
 * Runs `invoice-ingest.processor.ts` in a long-lived child process and sends it one extraction
 * at a time. The child keeps its OCR pool warm across jobs; a child that misses the deadline
 * (plus a short grace) is killed and a fresh one is forked for the next job, so a stuck OCR can
 * never hang a job.
 */
export class ExtractionSandbox {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private chain: Promise<unknown> = Promise.resolve();
  /** Peak RSS reported by any child so far, KiB. */
  maxRssKb = 0;
  /** Children replaced for memory so far. */
  recycled = 0;
  private readonly recycleAboveKb: number;

  constructor({ recycleAboveMb = 560 }: SandboxOptions = {}) {
    this.recycleAboveKb = recycleAboveMb * 1024;
  }

  private spawn(): Promise<void> {
    const file = fileURLToPath(new URL('./invoice-ingest.bootstrap.mjs', import.meta.url));
    const child = fork(file, ['--invoice-extractor'], {
      execArgv: [],
      // libvips and the OCR threads each get a malloc arena by default; two keep resident memory from creeping job after job.
      env: childProcessEnv({ MALLOC_ARENA_MAX: '2' }),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`extraction process exited before it was ready (code ${code})`)));
      child.on('message', (msg: { ready?: true; id?: number; ok?: boolean; response?: ExtractResponse; failure?: ExtractFailure }) => {
        if (msg.ready) return resolve();
        const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
        if (!p) return;
        this.pending.delete(msg.id!);
        clearTimeout(p.timer);
        if (msg.ok) {
          this.maxRssKb = Math.max(this.maxRssKb, msg.response!.maxRssKb);
          p.resolve(msg.response!);
        } else p.reject(new ExtractionFailedError(msg.failure!));
      });
    });
    child.on('exit', () => {
      if (this.child === child) {
        this.child = undefined;
        this.ready = undefined;
      }
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ExtractionFailedError({ code: 'extraction_error', message: 'the extraction process exited' }));
        this.pending.delete(id);
      }
    });
    return ready;
  }

  /** Extracts one file; jobs run one after another in the child (its pool already uses every core). */
  extract(request: ExtractRequest): Promise<ExtractResponse> {
    const run = this.chain.then(async () => {
      const response = await this.send(request);
      if (response.rssKb > this.recycleAboveKb) {
        this.recycled++;
        await this.close();
      }
      return response;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async send(request: ExtractRequest): Promise<ExtractResponse> {
    this.ready ??= this.spawn();
    await this.ready;
    const child = this.child!;
    const id = this.nextId++;
    return new Promise<ExtractResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        child.kill('SIGKILL');
        reject(new ExtractionFailedError({ code: 'extraction_timeout', message: `extraction did not finish within ${request.deadlineMs} ms` }));
      }, request.deadlineMs + KILL_GRACE_MS);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ id, request });
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
