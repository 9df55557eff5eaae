import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ListingQuery } from '../../src/catalog/listing-query.js';
import { listProducts } from '../../src/catalog/products.js';
import { connectPostgres } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { adminQuery, databaseUrlFor } from '../support/postgres-admin.js';

// Prepared statements are a Postgres driver matter; the embedded database has no pool.
describe.runIf(process.env.DATABASE_URL)('prepared statements on Postgres', () => {
  it('prepares each distinct query once per connection and reuses it', async () => {
    const serverUrl = process.env.DATABASE_URL!;
    const name = `hs_test_prepared_${process.pid}_${Date.now()}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const database = connectPostgres(databaseUrlFor(serverUrl, name), { max: 1 });
    try {
      await migrateToLatest(database.db);
      const filters: ListingQuery = { brands: [], inStock: false, sort: 'newest', page: 1, perPage: 24 };
      await listProducts(database.db, { ...filters });
      await listProducts(database.db, { ...filters });
      await listProducts(database.db, { ...filters, brands: ['Acme'] });
      const { rows } = await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(database.db);
      const listing = rows.filter((row) => row.name.startsWith('hs_') && row.statement.includes('count(*) over ()'));
      expect(listing).toHaveLength(2); // one text without the brand filter, one with it
    } finally {
      await database.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
