import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingQuery } from '../../src/catalog/listing-query.js';
import { listProducts } from '../../src/catalog/products.js';
import { suggest } from '../../src/catalog/search.js';
import type { DatabaseHandle, Db } from '../../src/db/database.js';
import { CatalogNotSeededError, GENERATED_SKU_PATTERN, scaleCatalog, type ScaleSummary } from '../../src/db/scale-catalog.js';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { createTestDatabase } from '../support/db.js';

const TARGET = 600;
let handle: DatabaseHandle;
let db: Db;
let summary: ScaleSummary;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await seedDemoCatalog(db);
  summary = await scaleCatalog(db, { products: TARGET, seed: 7 });
});

afterAll(async () => {
  await handle.close();
});

async function count(table: 'products' | 'product_variants' | 'product_images'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('scaleCatalog', () => {
  it('grows the demo catalog to the asked size and reports what it added', async () => {
    expect(summary).toMatchObject({ before: 231, after: TARGET, products: TARGET - 231 });
    expect(await count('products')).toBe(TARGET);
    expect(await count('product_variants')).toBe(281 + summary.variants);
    expect(await count('product_images')).toBe(598 + summary.images);
    // Variants: options like sizes and colours, so more than one per product on average.
    expect(summary.variants / summary.products).toBeGreaterThan(1.5);
    expect(summary.images).toBeGreaterThanOrEqual(summary.products);
  });

  it('gives every product a unique slug and every variant a unique SKU of the generated form', async () => {
    const slugs = await db.selectFrom('products').select('slug').execute();
    expect(new Set(slugs.map((row) => row.slug)).size).toBe(TARGET);
    const skus = await db.selectFrom('product_variants').select('sku').execute();
    expect(new Set(skus.map((row) => row.sku)).size).toBe(skus.length);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::integer AS n FROM product_variants WHERE sku ~ ${GENERATED_SKU_PATTERN}`.execute(db);
    expect(rows[0]?.n).toBe(summary.variants);
  });

  it('leaves every product as the triggers would have: search fields, price and stock summary', async () => {
    const { rows } = await sql<{ documents: number; texts: number; summaries: number }>`
      SELECT
        count(*) FILTER (WHERE search_document <> product_search_document(id, name, brand, description, category_id))::integer AS documents,
        count(*) FILTER (WHERE search_text <> lower(concat_ws(' ', name, brand, category_search_names(category_id))))::integer AS texts,
        count(*) FILTER (WHERE ROW(price_min_cents, price_max_cents, compare_at_cents, stock_total) IS DISTINCT FROM (
          SELECT ROW(min(price_cents), max(price_cents),
            (array_agg(CASE WHEN compare_at_cents > price_cents THEN compare_at_cents END ORDER BY price_cents, position, id))[1],
            coalesce(sum(stock), 0)::integer)
          FROM product_variants v WHERE v.product_id = products.id AND v.active))::integer AS summaries
      FROM products`.execute(db);
    expect(rows[0]).toEqual({ documents: 0, texts: 0, summaries: 0 });
    // The triggers are back on: a variant's price change still reaches its product.
    const variant = await db.selectFrom('product_variants').select(['id', 'product_id', 'price_cents']).where('sku', '~', GENERATED_SKU_PATTERN).orderBy('id').executeTakeFirstOrThrow();
    await db.updateTable('product_variants').set({ price_cents: 1 }).where('id', '=', variant.id).execute();
    const product = await db.selectFrom('products').select('price_min_cents').where('id', '=', variant.product_id).executeTakeFirstOrThrow();
    expect(product.price_min_cents).toBe(1);
    await db.updateTable('product_variants').set({ price_cents: variant.price_cents }).where('id', '=', variant.id).execute();
  });

  it('keeps the search vocabulary equal to the words of active products', async () => {
    const { rows } = await sql<{ missing: number; extra: number }>`
      WITH expected AS (
        SELECT word, count(*)::integer AS uses
        FROM products, regexp_split_to_table(products.search_text, '[^[:alnum:]]+') AS word
        WHERE products.active AND length(word) >= 2 GROUP BY word
      )
      SELECT
        (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT word, uses FROM search_vocabulary) m)::integer AS missing,
        (SELECT count(*) FROM (SELECT word, uses FROM search_vocabulary EXCEPT SELECT * FROM expected) e)::integer AS extra`.execute(db);
    expect(rows[0]).toEqual({ missing: 0, extra: 0 });
  });

  it('spreads products over categories, brands, prices, stock and dates', async () => {
    const row = await db
      .selectFrom('products')
      .select(() => [
        sql<number>`count(DISTINCT category_id)::integer`.as('categories'),
        sql<number>`count(DISTINCT brand)::integer`.as('brands'),
        sql<number>`count(*) FILTER (WHERE stock_total = 0)::integer`.as('soldOut'),
        sql<number>`count(DISTINCT price_min_cents)::integer`.as('prices'),
        sql<number>`count(*) FILTER (WHERE array_length(option_names, 1) > 0)::integer`.as('withOptions'),
      ])
      .executeTakeFirstOrThrow();
    expect(row.categories).toBeGreaterThan(20);
    expect(row.brands).toBeGreaterThan(60);
    expect(row.soldOut).toBeGreaterThan(0);
    expect(row.prices).toBeGreaterThan(200);
    expect(row.withOptions).toBeGreaterThan(200);
  });

  it('is found by search: words of the demo catalog still find generated products', async () => {
    for (const q of ['iphone', 'laptop', 'mascara', 'dress']) {
      const page = await listProducts(db, parseListingQuery({ q, per_page: '100' }).query);
      const skus = await db
        .selectFrom('product_variants')
        .innerJoin('products', 'products.id', 'product_variants.product_id')
        .select('products.slug')
        .where('products.slug', 'in', page.items.length ? page.items.map((item) => item.slug) : [''])
        .where('product_variants.sku', '~', GENERATED_SKU_PATTERN)
        .execute();
      expect(skus.length, q).toBeGreaterThan(0);
    }
    const typo = await listProducts(db, parseListingQuery({ q: 'iphnoe' }).query);
    expect(typo.correctedQuery).toBe('iphone');
    expect(typo.total).toBeGreaterThan(4);
    const suggestions = await suggest(db, 'lapt');
    expect(suggestions.products.length).toBeGreaterThan(0);
  });

  it('is deterministic, and a catalog already that big is left alone', async () => {
    const again = await createTestDatabase();
    try {
      await seedDemoCatalog(again.db);
      await scaleCatalog(again.db, { products: 400, seed: 7 });
      await scaleCatalog(again.db, { products: TARGET, seed: 7 });
      const names = (database: Db) =>
        database.selectFrom('products').innerJoin('product_variants', 'product_variants.product_id', 'products.id').select(['products.name', 'products.brand', 'product_variants.sku', 'product_variants.price_cents']).orderBy('product_variants.sku').execute();
      expect(await names(again.db)).toEqual(await names(db));
      expect(await scaleCatalog(again.db, { products: 300, seed: 7 })).toMatchObject({ products: 0, before: TARGET, after: TARGET });
    } finally {
      await again.close();
    }
  });

  it('refuses an empty catalog with a message that says what to do', async () => {
    const empty = await createTestDatabase();
    try {
      const failure = scaleCatalog(empty.db, { products: 100 });
      await expect(failure).rejects.toBeInstanceOf(CatalogNotSeededError);
      await expect(failure).rejects.toThrow(/npm run db:seed/);
    } finally {
      await empty.close();
    }
  });
});
