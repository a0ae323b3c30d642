/** `npm run seed`: loads the demo shop into an empty database (the all-in-one start does this too). */
import { getConfig } from '../src/shared/config.js';
import { databaseIsEmpty, ensureServices, prepareDatabase } from '../src/shared/bootstrap.js';
import { seedDemoData } from '../src/shared/demo/seed.js';

const config = getConfig();
await ensureServices(config);
const db = await prepareDatabase(config);
if (!(await databaseIsEmpty(db))) {
  console.log('the database already has products; demo data is only loaded into an empty one');
} else {
  const result = await seedDemoData(db);
  console.log(`demo data loaded: ${result.products} products, ${result.locations} locations, ${result.openingMovements} opening movements`);
  if (result.adminKey) console.log(`admin API key (shown once): ${result.adminKey}`);
}
await db.destroy();
