import path from 'node:path';
import { getConfig } from '../src/shared/config.js';
import { ensureKeyFile } from '../src/shared/data-keys.js';
import { ensureServices, prepareDatabase } from '../src/shared/bootstrap.js';

const config = getConfig();
await ensureServices(config);
const db = await prepareDatabase(config);
await db.destroy();
console.log('database is migrated');
// Compose: the one-shot migrate container creates the data-key file on the shared volume before
// the api and workers start (they refuse to create one in production).
if (process.argv.includes('--create-data-key-file') && !config.DATA_KEYS) {
  const file = path.resolve(config.DATA_KEY_FILE);
  console.log(ensureKeyFile(file) ? `created data-key file ${file}; back it up apart from the database` : `data-key file ${file} exists`);
}
