import type { Database } from '../db/database.js';
import { countFilesByKey, reencryptFilesChunk } from '../db/repositories/invoices.repository.js';
import type { DataKeys } from '../data-keys.js';

export interface RotationProgress {
  reencrypted: number;
  remaining: number;
  filesPerSecond: number;
}

export interface RotationReport {
  activeKeyId: string;
  reencrypted: number;
  seconds: number;
  filesPerSecond: number;
  /** Files per key id after the sweep (`plaintext` for rows from before encryption). */
  filesByKey: Record<string, number>;
  /** Keys in the keyring that no file uses any more: these (and only these) may be retired. */
  unusedKeys: string[];
  /** Keys other than the active one still used (re-run; e.g. rows another sweep held locked). */
  stillUsedOldKeys: string[];
  /** Files that failed their integrity check and were left as they are. */
  tampered: string[];
}

/** Counts per key id, with `plaintext` for rows from before encryption. */
export async function filesByKey(db: Database): Promise<Record<string, number>> {
  const counts = await countFilesByKey(db);
  return Object.fromEntries([...counts].map(([k, n]) => [k ?? 'plaintext', n]));
}

/**
 * Re-encrypts every file that is not under the active key, a chunk per short transaction, until
 * a pass finds none. Safe beside running api and workers and concurrent uploads (rows are locked
 * one chunk at a time, `SKIP LOCKED`); interrupted, it continues where it stopped when run again.
 */
export async function reencryptAllFiles(
  db: Database,
  keys: DataKeys,
  opts: { chunk: number; onProgress?: (p: RotationProgress) => void },
): Promise<RotationReport> {
  const started = performance.now();
  const active = keys.activeKey().id;
  const before = await countFilesByKey(db);
  let remaining = [...before].filter(([k]) => k !== active).reduce((s, [, n]) => s + n, 0);
  let reencrypted = 0;
  const tampered: string[] = [];
  for (;;) {
    const r = await reencryptFilesChunk(db, keys, { limit: opts.chunk, skip: tampered });
    tampered.push(...r.tampered);
    reencrypted += r.reencrypted;
    remaining = Math.max(0, remaining - r.reencrypted - r.tampered.length);
    if (r.reencrypted === 0 && r.tampered.length === 0) break;
    opts.onProgress?.({ reencrypted, remaining, filesPerSecond: reencrypted / ((performance.now() - started) / 1000) });
  }
  const seconds = (performance.now() - started) / 1000;
  const byKey = await filesByKey(db);
  return {
    activeKeyId: active,
    reencrypted,
    seconds: Math.round(seconds * 1000) / 1000,
    filesPerSecond: seconds > 0 ? Math.round(reencrypted / seconds) : 0,
    filesByKey: byKey,
    unusedKeys: keys.ids().filter((id) => id !== active && !byKey[id]),
    stillUsedOldKeys: Object.keys(byKey).filter((k) => k !== active),
    tampered,
  };
}
