/** `npm run restore -- FILE [--no-switch]`: restore a backup into a new database, check it, then switch (see src/shared/backup.ts). */
import { getConfig } from '../src/shared/config.js';
import { restoreDatabase } from '../src/shared/backup.js';

const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: npm run restore -- <backup file> [--no-switch]');
  process.exit(2);
}
const config = getConfig();
const result = await restoreDatabase({ databaseUrl: config.DATABASE_URL, file, encryptionKey: config.BACKUP_ENCRYPTION_KEY, switch: !process.argv.includes('--no-switch') });
console.log(JSON.stringify({ restore: result }));
