/**
 * Data keys that encrypt invoice files at rest: AES-256-GCM, one random 96-bit nonce per file,
 * the 128-bit tag and the key id stored beside the ciphertext, the file's content key (sha256 of
 * the plaintext) bound in as additional data so ciphertexts cannot be swapped between rows.
 *
 * A keyring has one active key (new files) and older keys kept for reading. It comes from
 * DATA_KEYS, or from DATA_KEY_FILE (JSON, mode 0600), created with one fresh key on first start
 * when missing. A file keyring is re-read when the file changes, so `npm run rotate-data-key`
 * reaches running api and worker processes without a restart.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { ConfigError, DataKeyMissingError, StoredFileTamperedError } from './errors.js';

export interface DataKey {
  id: string;
  key: Buffer;
}

interface KeyFile {
  active: string;
  keys: { id: string; key: string; createdAt: string }[];
}

/** A file as stored: `keyId` null for a row written before encryption (plaintext `content`). */
export interface SealedFile {
  content: Buffer;
  keyId: string | null;
  nonce: Buffer | null;
  authTag: Buffer | null;
}

const ALGORITHM = 'aes-256-gcm';

function parseKeyFile(text: string, file: string): { active: string; keys: Map<string, Buffer> } {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(text) as KeyFile;
  } catch {
    throw new ConfigError([`DATA_KEY_FILE: ${file} is not valid JSON`]);
  }
  const keys = new Map<string, Buffer>();
  for (const k of parsed.keys ?? []) {
    const key = Buffer.from(k.key, 'base64');
    if (key.length !== 32) throw new ConfigError([`DATA_KEY_FILE: key ${k.id} in ${file} is not 32 bytes`]);
    keys.set(k.id, key);
  }
  if (!keys.has(parsed.active)) throw new ConfigError([`DATA_KEY_FILE: the active key ${parsed.active} is not in ${file}`]);
  return { active: parsed.active, keys };
}

/** A new key id: sortable by creation time, unique across machines. */
export function newKeyId(now = new Date()): string {
  return `k${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Replaces a key file atomically (temp file + rename: readers see the old file or the new one), mode 0600. */
function writeKeyFile(file: string, content: KeyFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The keyring of one process. */
export class DataKeys {
  private active!: DataKey;
  private keys = new Map<string, Buffer>();
  private stamp = '';

  constructor(private readonly source: { kind: 'list'; keys: DataKey[]; activeId: string } | { kind: 'file'; file: string }) {
    if (source.kind === 'list') {
      for (const k of source.keys) this.keys.set(k.id, k.key);
      this.active = { id: source.activeId, key: this.keys.get(source.activeId)! };
    } else this.reload(true);
  }

  /** Where the keys come from, for messages. */
  describe(): string {
    return this.source.kind === 'file' ? `DATA_KEY_FILE ${this.source.file}` : 'DATA_KEYS';
  }

  get file(): string | undefined {
    return this.source.kind === 'file' ? this.source.file : undefined;
  }

  /** Re-reads the key file when it changed (rotation by another process). */
  private reload(force = false): void {
    if (this.source.kind !== 'file') return;
    const st = statSync(this.source.file);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (!force && stamp === this.stamp) return;
    const { active, keys } = parseKeyFile(readFileSync(this.source.file, 'utf8'), this.source.file);
    this.keys = keys;
    this.active = { id: active, key: keys.get(active)! };
    this.stamp = stamp;
  }

  activeKey(): DataKey {
    this.reload();
    return this.active;
  }

  /** The key with this id, or undefined (after re-reading a changed key file). */
  key(id: string): Buffer | undefined {
    this.reload();
    return this.keys.get(id);
  }

  ids(): string[] {
    this.reload();
    return [...this.keys.keys()];
  }

  /** Encrypts a file under the active key; `contentKey` is bound as additional data. */
  seal(contentKey: string, plaintext: Buffer): SealedFile & { keyId: string } {
    const { id, key } = this.activeKey();
    const nonce = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, key, nonce);
    cipher.setAAD(Buffer.from(contentKey, 'utf8'));
    const content = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { content, keyId: id, nonce, authTag: cipher.getAuthTag() };
  }

  /**
   * The plaintext of a stored file. Throws `DataKeyMissingError` when its key is not in the
   * keyring and `StoredFileTamperedError` when the authentication check fails.
   */
  open(contentKey: string, stored: SealedFile): Buffer {
    if (stored.keyId === null) return stored.content;
    const key = this.key(stored.keyId);
    if (!key) throw new DataKeyMissingError(stored.keyId);
    if (!stored.nonce || stored.nonce.length !== 12 || !stored.authTag || stored.authTag.length !== 16) throw new StoredFileTamperedError(contentKey);
    try {
      const decipher = createDecipheriv(ALGORITHM, key, stored.nonce);
      decipher.setAAD(Buffer.from(contentKey, 'utf8'));
      decipher.setAuthTag(stored.authTag);
      return Buffer.concat([decipher.update(stored.content), decipher.final()]);
    } catch {
      throw new StoredFileTamperedError(contentKey);
    }
  }
}

/**
 * Creates the key file with one fresh key unless it exists (exclusive: two processes starting at
 * once end up with the same single key). Returns whether it created one.
 */
export function ensureKeyFile(file: string): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  const id = newKeyId();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const content: KeyFile = { active: id, keys: [{ id, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }] };
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  // link fails when the file exists: two processes starting at once agree on one key.
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Adds a fresh key to a key file and makes it active; older keys stay for reading. */
export function addKeyToFile(file: string): string {
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  parseKeyFile(JSON.stringify(current), file);
  const id = newKeyId();
  writeKeyFile(file, { active: id, keys: [...current.keys, { id, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() }] });
  return id;
}

/** Removes a key from a key file (never the active one). */
export function removeKeyFromFile(file: string, id: string): void {
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  if (current.active === id) throw new ConfigError([`DATA_KEY_FILE: ${id} is the active key; rotate first`]);
  writeKeyFile(file, { active: current.active, keys: current.keys.filter((k) => k.id !== id) });
}

const cache = new Map<string, DataKeys>();

/**
 * The keyring the configuration names (one per source per process). A missing key file is
 * created with a fresh key, except in production, where the keys must be given: replicas that
 * each generated their own key could not read each other's files.
 */
export function dataKeysOf(config: Pick<Config, 'DATA_KEYS' | 'DATA_KEY_ACTIVE' | 'DATA_KEY_FILE' | 'NODE_ENV'>): DataKeys {
  if (config.DATA_KEYS) {
    const cacheKey = `list:${config.DATA_KEY_ACTIVE ?? ''}:${config.DATA_KEYS.map((k) => `${k.id}:${k.key}`).join(',')}`;
    let keys = cache.get(cacheKey);
    if (!keys) {
      keys = new DataKeys({ kind: 'list', keys: config.DATA_KEYS.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })), activeId: config.DATA_KEY_ACTIVE ?? config.DATA_KEYS[0]!.id });
      cache.set(cacheKey, keys);
    }
    return keys;
  }
  const file = path.resolve(config.DATA_KEY_FILE);
  let keys = cache.get(`file:${file}`);
  if (!keys) {
    let exists = true;
    try {
      statSync(file);
    } catch {
      exists = false;
    }
    if (!exists) {
      if (config.NODE_ENV === 'production') throw new ConfigError([`DATA_KEY_FILE: ${file} does not exist; in production give DATA_KEYS or a key file shared by every replica (see docs/operations.md)`]);
      ensureKeyFile(file);
    }
    keys = new DataKeys({ kind: 'file', file });
    cache.set(`file:${file}`, keys);
  }
  return keys;
}
