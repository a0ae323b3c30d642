import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/shared/config.js';
import { startApi } from '../../src/api/server.js';
import { startWorkers } from '../../src/workers/main.js';
import { createTestDatabase, openTestQueueBackend, testConfig, type TestDatabase } from './db.js';
import { newApiKey } from './factories.js';

export interface TestSystem {
  config: Config;
  database: TestDatabase;
  baseUrl: string;
  adminKey: string;
  /** fetch against the API with the admin key (or `key`). */
  http: (path: string, init?: RequestInit & { json?: unknown; key?: string }) => Promise<{ status: number; body: any; headers: Headers }>;
  startWorkers: () => Promise<void>;
  stopWorkers: () => Promise<void>;
  /** Deletes this test's jobs: the same as Redis losing them (restart without persistence), or BullMQ's tables emptied on PostgreSQL. */
  flushQueues: () => Promise<number>;
  close: () => Promise<void>;
}

/** The api (and optionally the workers) in this process, on a database and a queue prefix of their own. */
export async function startTestSystem({ workers = true, env = {} as Record<string, string> } = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const config = testConfig(database.url, env);
  const api = await startApi(config);
  const baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const adminKey = await newApiKey(database.db, 'admin');
  let workerHandle: Awaited<ReturnType<typeof startWorkers>> | undefined;
  const system: TestSystem = {
    config,
    database,
    baseUrl,
    adminKey,
    http: async (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization') && init.key !== '') headers.set('authorization', `Bearer ${init.key ?? adminKey}`);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      const res = await fetch(`${baseUrl}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body }).catch((err: Error) => {
        // undici says only "fetch failed": name the socket error (ECONNRESET, ECONNREFUSED, …).
        throw new Error(`${err.message}: ${(err.cause as Error | undefined)?.message ?? 'no cause'}`, { cause: err });
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, headers: res.headers };
    },
    startWorkers: async () => {
      workerHandle ??= await startWorkers(config);
    },
    stopWorkers: async () => {
      if (!workerHandle) return;
      for (const step of workerHandle.closeSteps) await step.close();
      workerHandle = undefined;
    },
    flushQueues: async () => {
      const backend = openTestQueueBackend(config);
      try {
        return await backend.flush();
      } finally {
        await backend.close();
      }
    },
    close: async () => {
      await system.stopWorkers();
      for (const step of api.closeSteps) await step.close();
      if (config.QUEUE_BACKEND === 'redis') await system.flushQueues();
      await database.drop().catch(() => undefined);
    },
  };
  if (workers) await system.startWorkers();
  return system;
}
