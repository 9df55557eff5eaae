import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle, Db } from '../../src/db/database.js';
import { CatalogNotEmptyError, seedDemoCatalog, type SeedSummary } from '../../src/db/seed.js';
import { createTestDatabase } from '../support/db.js';

let handle: DatabaseHandle;
let db: Db;
let summary: SeedSummary;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  summary = await seedDemoCatalog(db);
});

afterAll(async () => {
  await handle.close();
});

async function count(table: 'categories' | 'products' | 'product_variants' | 'product_images' | 'app_settings'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

async function productBySlug(slug: string) {
  return db.selectFrom('products').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow();
}

describe('seedDemoCatalog', () => {
  it('loads DummyJSON and Spree products, and reports what it inserted', async () => {
    expect(summary.products).toBe(194 + 37);
    expect(await count('products')).toBe(231);
    expect(summary.variants).toBe(194 + 87);
    expect(await count('product_variants')).toBe(summary.variants);
    expect(await count('categories')).toBe(summary.categories);
    expect(await count('product_images')).toBe(summary.images);
    expect(summary.images).toBe(474 + 37 + 87);
  });

  it('gives every product a priced variant, and none costs $0', async () => {
    const unpriced = await db
      .selectFrom('products')
      .select('slug')
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('product_variants as v').select('v.id').whereRef('v.product_id', '=', 'products.id').where('v.price_cents', '>', 0))),
      )
      .execute();
    expect(unpriced).toEqual([]);
    const free = await db.selectFrom('product_variants').select('sku').where('price_cents', '<=', 0).execute();
    expect(free).toEqual([]);
  });

  it('parses prices to exact cents', async () => {
    const mascara = await db.selectFrom('products').selectAll().where('name', '=', 'Essence Mascara Lash Princess').executeTakeFirstOrThrow();
    const variants = await db.selectFrom('product_variants').selectAll().where('product_id', '=', mascara.id).execute();
    expect(variants).toHaveLength(1);
    expect(variants[0]).toMatchObject({ sku: 'BEA-ESS-ESS-001', price_cents: 999, options: {} });
  });

  it('lets the trigger fill the product summary columns', async () => {
    const mascara = await productBySlug('essence-mascara-lash-princess');
    expect(mascara).toMatchObject({ price_min_cents: 999, price_max_cents: 999 });
    expect(mascara.stock_total).toBeGreaterThan(0);
    const unsummarised = await db.selectFrom('products').select('slug').where('price_min_cents', 'is', null).execute();
    expect(unsummarised).toEqual([]);
  });

  it('turns a Spree product into one product with its colour variants and their images', async () => {
    const espresso = await productBySlug('automatic-espresso-machine');
    expect(espresso).toMatchObject({ name: 'Automatic Espresso Machine', brand: null, option_names: ['Color'], price_min_cents: 87999, stock_total: 15000 });
    expect(espresso.description).not.toMatch(/spree/i);
    const variants = await db.selectFrom('product_variants').selectAll().where('product_id', '=', espresso.id).orderBy('position').execute();
    expect(variants.map((variant) => variant.options)).toEqual([{ Color: 'Matte Black' }, { Color: 'Silver' }, { Color: 'White' }]);
    expect(variants.map((variant) => variant.weight_grams)).toEqual([8981, 8981, 8981]); // 19.8 lb
    const images = await db.selectFrom('product_images').selectAll().where('product_id', '=', espresso.id).orderBy('position').execute();
    expect(images.map((image) => image.variant_id)).toEqual([null, ...variants.map((variant) => variant.id)]);
    expect(images[1]?.url).toMatch(/automatic-espresso-machine-matte-black\.webp$/);
  });

  it('keeps only real compare-at prices from Spree and ignores its EUR rows', async () => {
    const discounted = await db.selectFrom('product_variants').select(['sku', 'price_cents', 'compare_at_cents']).where('sku', 'like', 'PROFESSIONAL-GARMENT-STEAMER-%').orderBy('position').execute();
    expect(discounted).toEqual([
      { sku: 'PROFESSIONAL-GARMENT-STEAMER-WHITE-AND-GREY', price_cents: 10000, compare_at_cents: 12999 },
      { sku: 'PROFESSIONAL-GARMENT-STEAMER-BLACK', price_cents: 10000, compare_at_cents: 12999 },
    ]);
    const espresso = await db.selectFrom('product_variants').select('compare_at_cents').where('sku', '=', 'AUTOMATIC-ESPRESSO-MACHINE-WHITE').executeTakeFirstOrThrow();
    expect(espresso.compare_at_cents).toBeNull();
  });

  it('derives a DummyJSON "was" price only from a real discount', async () => {
    // id 2: 19.99 at 18.19 % off → 19.99 / 0.8181 = 24.434…; id 1: 10.48 % off, too small.
    const rows = await db.selectFrom('product_variants').select(['sku', 'compare_at_cents']).where('sku', 'in', ['BEA-ESS-ESS-001', 'BEA-GLA-EYE-002']).orderBy('sku').execute();
    expect(rows).toEqual([
      { sku: 'BEA-ESS-ESS-001', compare_at_cents: null },
      { sku: 'BEA-GLA-EYE-002', compare_at_cents: 2443 },
    ]);
  });

  it('gives the two "Rolex Cellini Moonphase" products distinct slugs', async () => {
    const rolexes = await db.selectFrom('products').select('slug').where('name', '=', 'Rolex Cellini Moonphase').orderBy('id').execute();
    expect(rolexes.map((row) => row.slug)).toEqual(['rolex-cellini-moonphase', 'rolex-cellini-moonphase-2']);
  });

  it('builds a category tree with unique slugs, and files every product in a leaf', async () => {
    const categories = await db.selectFrom('categories').selectAll().execute();
    expect(new Set(categories.map((category) => category.slug)).size).toBe(categories.length);
    const parents = new Set(categories.map((category) => category.parent_id).filter((id) => id !== null));
    const misfiled = await db.selectFrom('products').select(['slug', 'category_id']).execute();
    expect(misfiled.filter((product) => product.category_id === null || parents.has(product.category_id))).toEqual([]);
    const roots = categories.filter((category) => category.parent_id === null);
    expect(roots.every((root) => root.description.length > 0)).toBe(true);
    expect(roots.sort((a, b) => a.position - b.position).map((root) => root.name)).toContain('Appliances');
    const coffee = categories.find((category) => category.name === 'Coffee Machines');
    const kitchen = categories.find((category) => category.id === coffee?.parent_id);
    const appliances = categories.find((category) => category.id === kitchen?.parent_id);
    expect([kitchen?.name, appliances?.name, appliances?.parent_id]).toEqual(['Kitchen', 'Appliances', null]);
  });

  it('gives DummyJSON products distinct creation dates and the Spree ones the newest', async () => {
    const products = await db.selectFrom('products').select(['slug', 'created_at']).orderBy('created_at', 'desc').execute();
    expect(new Set(products.map((product) => product.created_at.getTime())).size).toBe(231);
    expect(products[0]?.slug).toBe('automatic-espresso-machine');
    const oldest = products.at(-1)?.created_at.getTime() ?? 0;
    expect(Date.now() - oldest).toBeLessThan(91 * 24 * 3_600_000);
  });

  it('features a handful of top-rated products and records that the seed ran', async () => {
    const featured = await db.selectFrom('products').select('slug').where('featured', '=', true).execute();
    expect(featured.length).toBeGreaterThan(0);
    expect(featured.length).toBeLessThanOrEqual(12);
    const setting = await db.selectFrom('app_settings').select('value').where('key', '=', 'demo_catalog_seeded_at').executeTakeFirstOrThrow();
    expect(Number.isNaN(Date.parse(setting.value))).toBe(false);
  });

  it('refuses a catalog that is not empty, and changes nothing', async () => {
    const tables = ['categories', 'products', 'product_variants', 'product_images', 'app_settings'] as const;
    const before = await Promise.all(tables.map(count));
    await expect(seedDemoCatalog(db)).rejects.toBeInstanceOf(CatalogNotEmptyError);
    expect(await Promise.all(tables.map(count))).toEqual(before);
  });

  it('refuses a catalog that has only a category', async () => {
    const other = await createTestDatabase();
    try {
      await other.db.insertInto('categories').values({ slug: 'mine', name: 'Mine' }).execute();
      await expect(seedDemoCatalog(other.db)).rejects.toBeInstanceOf(CatalogNotEmptyError);
      const products = await other.db.selectFrom('products').select('id').execute();
      expect(products).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
