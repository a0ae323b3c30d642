import type { Transaction } from 'kysely';
import type { Database, DB } from './database.js';
import { transactionRetries } from '../metrics.js';

const RETRYABLE: Record<string, string> = { '40001': 'serialization', '40P01': 'deadlock' };

export function pgErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint (or trigger, for the checks triggers make) a PostgreSQL error names. */
export function pgConstraint(err: unknown): string | undefined {
  const constraint = (err as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** Errors that mean "the database is not there right now": worth retrying later. */
export function isConnectionError(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code ?? '') || /Connection terminated/i.test(String((err as Error)?.message));
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** A read-only transaction (consistent reports: with `isolation: 'repeatable read'`, one snapshot). */
  readOnly?: boolean;
  /** Attempts in all, including the first. */
  attempts?: number;
}

/**
 * Runs `fn` in one transaction: the one way the code base opens one. Retries only serialization failures and deadlocks (40001,
 * 40P01), with a short jittered pause, and counts each retry; every other error is rethrown.
 */
export async function withTransaction<T>(
  db: Database,
  fn: (trx: Transaction<DB>) => Promise<T>,
  { isolation, readOnly = false, attempts = 5 }: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      let builder = db.transaction();
      if (isolation) builder = builder.setIsolationLevel(isolation);
      if (readOnly) builder = builder.setAccessMode('read only');
      return await builder.execute(fn);
    } catch (err) {
      const reason = RETRYABLE[pgErrorCode(err) ?? ''];
      if (!reason || attempt >= attempts) throw err;
      transactionRetries.inc({ reason });
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}
