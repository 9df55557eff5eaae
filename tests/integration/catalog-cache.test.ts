import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogCache } from '../../src/catalog/catalog-cache.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { boundedMemoryBackend, createJsonCache } from '../../src/store/json-cache.js';
import type { KeyValueStore } from '../../src/store/store.js';
import { createTestDatabase } from '../support/db.js';
import { insertCategory, insertProduct } from '../support/factories.js';
import { createTestStore } from '../support/store.js';

let database: DatabaseHandle;
let store: KeyValueStore;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterEach(() => store?.close());
afterAll(() => database.close());

/** The cache the app uses when REDIS_URL is set in the test run, the bounded in-process one otherwise. */
function newCache(now?: () => number) {
  store = createTestStore();
  const backend = store.kind === 'redis' ? store : boundedMemoryBackend(2_000, now);
  return createCatalogCache(database.db, createJsonCache(backend), now ? { now } : {});
}

describe('catalog cache', () => {
  it('keeps the category tree until the catalog is invalidated, and shares one load between concurrent misses', async () => {
    const cache = newCache();
    await insertCategory(database.db, { slug: 'first' });
    const [a, b] = await Promise.all([cache.categoryTree(), cache.categoryTree()]);
    expect(a).toBe(b);
    await insertCategory(database.db, { slug: 'second' });
    expect((await cache.categoryTree()).bySlug.has('second')).toBe(false);
    await cache.invalidate();
    expect((await cache.categoryTree()).bySlug.has('second')).toBe(true);
  });

  it('re-reads the tree from the store after its few local seconds, so another process’s invalidation is seen', async () => {
    let now = 0;
    const cache = newCache(() => now);
    const other = createCatalogCache(database.db, createJsonCache(store.kind === 'redis' ? store : boundedMemoryBackend()));
    await insertCategory(database.db, { slug: 'before-edit' });
    await cache.categoryTree();
    await insertCategory(database.db, { slug: 'after-edit' });
    if (store.kind === 'redis') {
      await other.invalidate();
      expect((await cache.categoryTree()).bySlug.has('after-edit')).toBe(false); // still this process's copy
      now += 5_001;
      expect((await cache.categoryTree()).bySlug.has('after-edit')).toBe(true);
    } else {
      now += 5_001; // one process: its own store copy lasts the hour unless invalidated
      expect((await cache.categoryTree()).bySlug.has('after-edit')).toBe(false);
    }
  });

  it('keeps product pages and lists until invalidated; a missing product is not kept', async () => {
    const cache = newCache();
    const { product } = await insertProduct(database.db, { name: 'Cached Kettle' });
    expect((await cache.product(product.slug))?.name).toBe('Cached Kettle');
    expect(await cache.product('no-such-product')).toBeUndefined();
    await database.db.updateTable('products').set({ name: 'Renamed Kettle' }).where('id', '=', product.id).execute();
    expect((await cache.product(product.slug))?.name).toBe('Cached Kettle');

    let loads = 0;
    const list = () => cache.list({ kind: 'test', q: 'kettle' }, async () => ({ loads: ++loads }));
    expect(await list()).toEqual({ loads: 1 });
    expect(await list()).toEqual({ loads: 1 });

    await cache.invalidate();
    expect((await cache.product(product.slug))?.name).toBe('Renamed Kettle');
    expect(await list()).toEqual({ loads: 2 });
  });

  it('keeps the columns facets count by, for listable products only', async () => {
    const cache = newCache();
    const { product } = await insertProduct(database.db, { brand: 'Stride' }, [{ price_cents: 4200, stock: 3 }]);
    await insertProduct(database.db, { brand: 'Hidden', active: false });
    const rows = await cache.facetProducts();
    expect(rows).toContainEqual({ id: product.id, category_id: null, brand: 'Stride', price_min_cents: 4200, stock_total: 3 });
    expect(rows.some((row) => row.brand === 'Hidden')).toBe(false);
  });

  it('does not keep a failed load', async () => {
    const cache = newCache();
    await sql`ALTER TABLE categories RENAME TO categories_away`.execute(database.db);
    try {
      await expect(cache.categoryTree()).rejects.toThrow();
    } finally {
      await sql`ALTER TABLE categories_away RENAME TO categories`.execute(database.db);
    }
    await expect(cache.categoryTree()).resolves.toHaveProperty('roots');
  });
});
