import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogCache } from '../../src/catalog/catalog-cache.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createTestDatabase } from '../support/db.js';
import { insertCategory, insertProduct } from '../support/factories.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('catalog cache', () => {
  it('serves the category tree from memory until it expires or is invalidated', async () => {
    let now = 0;
    const cache = createCatalogCache(database.db, 1_000, () => now);
    await insertCategory(database.db, { slug: 'first' });
    const [a, b] = await Promise.all([cache.categoryTree(), cache.categoryTree()]);
    expect(a).toBe(b); // concurrent misses share one load
    await insertCategory(database.db, { slug: 'second' });
    expect((await cache.categoryTree()).bySlug.has('second')).toBe(false);
    now = 1_001;
    expect((await cache.categoryTree()).bySlug.has('second')).toBe(true);
    await insertCategory(database.db, { slug: 'third' });
    cache.invalidate();
    expect((await cache.categoryTree()).bySlug.has('third')).toBe(true);
  });

  it('keeps the columns facets count by, for listable products only', async () => {
    const cache = createCatalogCache(database.db);
    const { product } = await insertProduct(database.db, { brand: 'Stride' }, [{ price_cents: 4200, stock: 3 }]);
    await insertProduct(database.db, { brand: 'Hidden', active: false });
    const rows = await cache.facetProducts();
    expect(rows).toEqual([{ id: product.id, category_id: null, brand: 'Stride', price_min_cents: 4200, stock_total: 3 }]);
  });

  it('does not keep a failed load', async () => {
    const cache = createCatalogCache(database.db);
    await sql`ALTER TABLE categories RENAME TO categories_away`.execute(database.db);
    try {
      await expect(cache.categoryTree()).rejects.toThrow();
    } finally {
      await sql`ALTER TABLE categories_away RENAME TO categories`.execute(database.db);
    }
    await expect(cache.categoryTree()).resolves.toHaveProperty('roots');
  });
});
