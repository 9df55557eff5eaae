import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';

/** `npm run db:migrate`: brings the configured database to the newest schema. */
const config = loadConfig();
// Operator commands may run long statements (an index on a big catalog): no request timeout here.
const database = await openDatabase({ ...config, DB_QUERY_TIMEOUT_MS: 0 });
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
