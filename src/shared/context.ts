import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line inside a request or a job carries. */
export interface LogContext {
  requestId?: string;
  queue?: string;
  jobName?: string;
  jobId?: string;
  attempt?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

export function currentContext(): LogContext | undefined {
  return storage.getStore();
}
