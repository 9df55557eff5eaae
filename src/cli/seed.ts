import { loadConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { CatalogNotEmptyError, seedDemoCatalog } from '../db/seed.js';

/** `npm run db:seed`: loads the demo catalog into the configured database, if its catalog is empty. */
let database: DatabaseHandle | undefined;
try {
  // Seeding runs long statements on a slow machine: no request timeout here.
  database = await openDatabase({ ...loadConfig(), DB_QUERY_TIMEOUT_MS: 0 });
  await migrateToLatest(database.db);
  const { categories, products, variants, images } = await seedDemoCatalog(database.db);
  console.log(`Loaded the demo catalog: ${products} products, ${variants} variants, ${images} images in ${categories} categories.`);
} catch (error) {
  if (error instanceof CatalogNotEmptyError) {
    // Not a failure: running the seed twice (or against a live shop) leaves the catalog alone.
    console.log('The catalog already has products; the demo catalog only loads into an empty one.');
  } else {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} finally {
  await database?.close();
}
