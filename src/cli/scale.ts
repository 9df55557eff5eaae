import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { CatalogNotSeededError, DEFAULT_SCALE_SEED, scaleCatalog } from '../db/scale-catalog.js';

/**
 * `npm run db:scale -- --products 50000 [--seed 20261123]`: grows the seeded demo catalog in
 * the configured database (DATABASE_URL, or the embedded one in DATA_DIR) to that many
 * products. Refuses an empty catalog: run `npm run db:seed` first. Meant for benchmarks and
 * trying the shop at size, not for a shop that is serving: while it runs (about half a minute
 * for 50,000 on Postgres) the catalog tables are locked, reads included, since it switches
 * triggers off and rebuilds the search indexes inside its transaction.
 */
class UsageError extends Error {}

const usage = 'usage: npm run db:scale -- [--products 50000] [--seed 20261123]';
let database: DatabaseHandle | undefined;
try {
  const { values } = parseArgs({ options: { products: { type: 'string', default: '50000' }, seed: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const products = Number(values.products);
  const seed = values.seed === undefined ? DEFAULT_SCALE_SEED : Number(values.seed);
  if (!Number.isSafeInteger(products) || products < 1 || products > 5_000_000) throw new UsageError(`--products must be a whole number from 1 to 5,000,000 (${usage})`);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number (${usage})`);
  // Growing the catalog runs long statements: no request timeout here.
  database = await openDatabase({ ...loadConfig(), DB_QUERY_TIMEOUT_MS: 0 });
  await migrateToLatest(database.db);
  const started = performance.now();
  let reported = 0;
  const summary = await scaleCatalog(database.db, {
    products,
    seed,
    onProgress: (done, total) => {
      if (done - reported >= 10_000 || done === total) {
        reported = done;
        console.log(`… ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} products written`);
      }
    },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    summary.products === 0
      ? `The catalog already has ${summary.before.toLocaleString('en-US')} products (asked for ${products.toLocaleString('en-US')}); nothing to add.`
      : `Scaled the catalog from ${summary.before.toLocaleString('en-US')} to ${summary.after.toLocaleString('en-US')} products: added ${summary.products.toLocaleString('en-US')} products, ${summary.variants.toLocaleString('en-US')} variants, ${summary.images.toLocaleString('en-US')} images in ${seconds} s (seed ${seed}).`,
  );
} catch (error) {
  console.error(error instanceof CatalogNotSeededError || error instanceof UsageError ? error.message : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
} finally {
  await database?.close();
}
