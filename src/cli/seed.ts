import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { CatalogNotEmptyError, seedDemoCatalog } from '../db/seed.js';

/** `npm run db:seed`: loads the demo catalog into the configured database, if its catalog is empty. */
const config = loadConfig();
const database = await openDatabase(config);
try {
  await migrateToLatest(database.db);
  const { categories, products, variants, images } = await seedDemoCatalog(database.db);
  console.log(`Loaded the demo catalog: ${products} products, ${variants} variants, ${images} images in ${categories} categories.`);
} catch (error) {
  if (error instanceof CatalogNotEmptyError) {
    // Not a failure: running the seed twice (or on a live shop) must leave the catalog alone.
    console.log('The catalog already has products; the demo catalog only loads into an empty one.');
  } else {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
