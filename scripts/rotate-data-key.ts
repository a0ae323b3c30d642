/**
 * `npm run rotate-data-key`: adds a new active data key to DATA_KEY_FILE and re-encrypts every
 * invoice file under older keys (or still in plaintext) with it, in small transactions, printing
 * progress; safe while the api and workers run (they re-read the key file when it changes).
 *   -- --continue     only re-encrypt to the current active key (resume; or after changing DATA_KEYS)
 *   -- --retire ID    remove key ID from DATA_KEY_FILE, refused while any file still uses it
 * Ends with one JSON line: the report, with `unusedKeys` (the keys that may be retired).
 */
import { getConfig } from '../src/shared/config.js';
import { addKeyToFile, dataKeysOf, removeKeyFromFile } from '../src/shared/data-keys.js';
import { createDatabase } from '../src/shared/db/database.js';
import { filesByKey, reencryptAllFiles } from '../src/shared/use-cases/data-keys.js';

const args = process.argv.slice(2);
const config = getConfig();
const keys = dataKeysOf(config);
const db = createDatabase({ url: config.DATABASE_URL, max: 2 });
const fail = (message: string): never => {
  process.stderr.write(`rotate-data-key: ${message}\n`);
  process.exit(1);
};

try {
  const retire = args.indexOf('--retire');
  if (retire >= 0) {
    const id = args[retire + 1] ?? fail('--retire needs a key id');
    if (!keys.file) fail('keys come from DATA_KEYS: remove the key from that setting yourself, once this command reports it unused');
    const used = (await filesByKey(db))[id] ?? 0;
    if (used) fail(`key ${id} still encrypts ${used} file(s); run npm run rotate-data-key -- --continue first`);
    removeKeyFromFile(keys.file!, id);
    console.log(JSON.stringify({ retired: id, keys: keys.ids() }));
  } else {
    if (!args.includes('--continue')) {
      if (!keys.file) fail('keys come from DATA_KEYS: add the new key there (see docs/operations.md), restart, then run with --continue');
      const id = addKeyToFile(keys.file!);
      process.stderr.write(`new active data key ${id} in ${keys.file}; running processes pick it up from the file\n`);
    }
    let last = 0;
    const report = await reencryptAllFiles(db, keys, {
      chunk: config.DATA_KEY_ROTATION_CHUNK,
      onProgress: (p) => {
        if (performance.now() - last < 1000) return;
        last = performance.now();
        process.stderr.write(`re-encrypted ${p.reencrypted} file(s), about ${p.remaining} left, ${p.filesPerSecond.toFixed(0)} files/s\n`);
      },
    });
    process.stderr.write(
      report.stillUsedOldKeys.length
        ? `old keys still in use: ${report.stillUsedOldKeys.join(', ')} — run again with --continue\n`
        : `every file is under ${report.activeKeyId}; keys no file uses (may be retired with --retire ID, after a backup of the key file): ${report.unusedKeys.join(', ') || 'none'}\n`,
    );
    if (report.tampered.length) process.stderr.write(`${report.tampered.length} file(s) failed their integrity check and were left as they are: ${report.tampered.join(', ')}\n`);
    console.log(JSON.stringify({ rotation: report }));
  }
} finally {
  await db.destroy();
}
