/** `npm run backup`: dump the database into BACKUP_DIR (see src/shared/backup.ts). */
import { getConfig } from '../src/shared/config.js';
import { backupDatabase } from '../src/shared/backup.js';

const config = getConfig();
const manifest = await backupDatabase({ databaseUrl: config.DATABASE_URL, dir: config.BACKUP_DIR, retentionDays: config.BACKUP_RETENTION_DAYS, encryptionKey: config.BACKUP_ENCRYPTION_KEY });
console.log(JSON.stringify({ backup: manifest }));
