import { getConfig } from '../src/shared/config.js';
import { ensureServices, prepareDatabase } from '../src/shared/bootstrap.js';

const config = getConfig();
await ensureServices(config);
const db = await prepareDatabase(config);
await db.destroy();
console.log('database is migrated');
