import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { projectRoot } from '../lib/paths.js';
import { slugify, uniqueSlug } from '../lib/slugs.js';
import type { Db } from './database.js';
import type { Database, VariantOptions } from './schema.js';
import { dummyJsonCategoryKey, readDummyJson } from './seed-dummyjson.js';
import { readSpree, spreeCategoryTree } from './seed-spree.js';

/**
 * The demo catalog: DummyJSON's 194 products and Spree's 37 appliances (seed/NOTICE.md
 * says where they come from and what is changed), loaded in one transaction.
 */

export interface SeedSummary {
  categories: number;
  products: number;
  variants: number;
  images: number;
}

export class CatalogNotEmptyError extends Error {
  override name = 'CatalogNotEmptyError';
  constructor() {
    super('The catalog already has products or categories; the demo catalog only loads into an empty one.');
  }
}

/** A category to create; `key` marks a leaf that products name. */
export interface SeedCategory {
  slug: string;
  name: string;
  description?: string;
  key?: string;
  children?: SeedCategory[];
}

export interface SeedImage {
  url: string;
  alt: string;
}

export interface SeedVariant {
  sku: string;
  options: VariantOptions;
  priceCents: number;
  compareAtCents: number | null;
  stock: number;
  weightGrams: number | null;
  image: SeedImage | null;
}

export interface SeedProduct {
  slugBase: string;
  name: string;
  description: string;
  brand: string | null;
  categoryKey: string;
  /** Names of the options the variants vary by, in display order. */
  optionNames: string[];
  featured: boolean;
  createdAt: Date;
  images: SeedImage[];
  variants: SeedVariant[];
}

type Trx = Transaction<Database>;

/** Recorded when the demo catalog loads, so the embedded first run seeds only once. */
export const SEEDED_SETTING = 'demo_catalog_seeded_at';

/** Loads the demo catalog into an empty catalog; throws CatalogNotEmptyError if any product or category exists. */
export async function seedDemoCatalog(db: Db, options: { seedDir?: string } = {}): Promise<SeedSummary> {
  const seedDir = options.seedDir ?? join(projectRoot, 'seed');
  const now = new Date();
  const spree = readSpree(seedDir, now);
  const products = [...readDummyJson(seedDir, now), ...spree];
  const tree = storeCategories(spreeCategoryTree(spree));
  return db.transaction().execute(async (trx) => {
    await assertCatalogEmpty(trx);
    const categories = await insertCategories(trx, tree);
    const productIds = await insertProducts(trx, products, categories.idByKey);
    const variantIds = await insertVariants(trx, products, productIds);
    const images = await insertImages(trx, products, productIds, variantIds);
    await insertDemoCoupons(trx);
    await trx
      .insertInto('app_settings')
      .values({ key: SEEDED_SETTING, value: now.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: now.toISOString(), updated_at: now }))
      .execute();
    return { categories: categories.count, products: products.length, variants: variantIds.size, images };
  });
}

/** Coupons a visitor of the demo can try (the README names them); staff make real ones. */
export const DEMO_COUPONS = [
  { code: 'WELCOME10', kind: 'percent', percent_basis_points: 1000, min_subtotal_cents: 2000 },
  { code: 'FIVEOFF', kind: 'fixed', amount_cents: 500, min_subtotal_cents: 0, per_customer_limit: 1 },
] as const;

async function insertDemoCoupons(trx: Transaction<Database>): Promise<void> {
  await trx
    .insertInto('coupons')
    .values(DEMO_COUPONS.map((coupon) => ({ ...coupon })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

/** The menu, in order. Leaves name the DummyJSON category (or Spree path) they hold. */
function storeCategories(appliances: SeedCategory[]): SeedCategory[] {
  const men = group('men', 'Men', [leaf('mens-shirts', "Men's shirts"), leaf('mens-shoes', "Men's shoes"), leaf('mens-watches', "Men's watches")]);
  const women = group('women', 'Women', [
    leaf('tops', 'Tops'),
    leaf('womens-dresses', "Women's dresses"),
    leaf('womens-shoes', "Women's shoes"),
    leaf('womens-bags', "Women's bags"),
    leaf('womens-jewellery', "Women's jewellery"),
    leaf('womens-watches', "Women's watches"),
  ]);
  return [
    group('electronics', 'Electronics', [leaf('smartphones', 'Smartphones'), leaf('laptops', 'Laptops'), leaf('tablets', 'Tablets'), leaf('mobile-accessories', 'Mobile accessories')], 'Phones, laptops, tablets and the accessories that go with them.'),
    group('fashion', 'Fashion', [men, women, leaf('sunglasses', 'Sunglasses')], 'Clothes, shoes, bags, jewellery and watches for women and men.'),
    group('beauty', 'Beauty', [leaf('beauty', 'Makeup', 'makeup'), leaf('fragrances', 'Fragrances'), leaf('skin-care', 'Skin care')], 'Makeup, fragrances and skin care.'),
    group('home-and-kitchen', 'Home & Kitchen', [leaf('furniture', 'Furniture'), leaf('home-decoration', 'Home decoration'), leaf('kitchen-accessories', 'Kitchen accessories')], 'Furniture, decoration and tools for cooking and serving.'),
    group('appliances', 'Appliances', appliances, 'Coffee machines, air purifiers, vacuums, irons and grooming appliances for the home.'),
    { ...leaf('groceries', 'Groceries'), description: 'Fresh food, pantry staples, drinks and pet food.' },
    group('sports-and-outdoors', 'Sports & Outdoors', [leaf('sports-accessories', 'Sports accessories')], 'Balls, bats, rackets and gear for the game.'),
    group('vehicles', 'Vehicles', [leaf('vehicle', 'Cars', 'cars'), leaf('motorcycle', 'Motorcycles', 'motorcycles')], 'Cars and motorcycles.'),
  ];
}

function group(slug: string, name: string, children: SeedCategory[], description?: string): SeedCategory {
  return { slug, name, children, description };
}

function leaf(source: string, name: string, slug = source): SeedCategory {
  return { slug, name, key: dummyJsonCategoryKey(source) };
}

async function assertCatalogEmpty(trx: Trx): Promise<void> {
  // Two processes seeding at once (the embedded first run and `npm run db:seed`) queue
  // here, and the second then finds the catalog full instead of failing on a unique slug.
  await sql`LOCK TABLE categories, products IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
  const product = await trx.selectFrom('products').select('id').limit(1).executeTakeFirst();
  const category = product ?? (await trx.selectFrom('categories').select('id').limit(1).executeTakeFirst());
  if (category) throw new CatalogNotEmptyError();
}

interface FlatCategory {
  slug: string;
  name: string;
  description: string;
  position: number;
  parentSlug: string | null;
  key: string | undefined;
}

/** The tree as one list per depth, so each level is one insert that can name its parents. */
function categoryLevels(tree: SeedCategory[]): FlatCategory[][] {
  const levels: FlatCategory[][] = [];
  const taken = new Set<string>();
  const visit = (nodes: SeedCategory[], parentSlug: string | null, depth: number): void => {
    nodes.forEach((node, position) => {
      const slug = uniqueSlug(slugify(node.slug), taken);
      const isLeaf = !node.children?.length;
      (levels[depth] ??= []).push({ slug, name: node.name, description: node.description ?? '', position, parentSlug, key: isLeaf ? node.key : undefined });
      if (!isLeaf) visit(node.children ?? [], slug, depth + 1);
    });
  };
  visit(tree, null, 0);
  return levels;
}

async function insertCategories(trx: Trx, tree: SeedCategory[]): Promise<{ count: number; idByKey: Map<string, number> }> {
  const idBySlug = new Map<string, number>();
  const idByKey = new Map<string, number>();
  for (const level of categoryLevels(tree)) {
    const rows = level.map(({ slug, name, description, position, parentSlug }) => ({
      slug,
      name,
      description,
      position,
      parent_id: parentSlug === null ? null : must(idBySlug, parentSlug),
    }));
    for (const row of await trx.insertInto('categories').values(rows).returning(['id', 'slug']).execute()) idBySlug.set(row.slug, row.id);
    for (const category of level) if (category.key) idByKey.set(category.key, must(idBySlug, category.slug));
  }
  return { count: idBySlug.size, idByKey };
}

async function insertProducts(trx: Trx, products: SeedProduct[], categoryIdByKey: Map<string, number>): Promise<Map<SeedProduct, number>> {
  const taken = new Set<string>();
  const slugs = new Map(products.map((product) => [product, uniqueSlug(slugify(product.slugBase) || 'product', taken)]));
  const rows = products.map((product) => ({
    slug: must(slugs, product),
    name: product.name,
    description: product.description,
    brand: product.brand,
    category_id: must(categoryIdByKey, product.categoryKey),
    option_names: product.optionNames,
    featured: product.featured,
    created_at: product.createdAt,
    updated_at: product.createdAt,
  }));
  const inserted = await trx.insertInto('products').values(rows).returning(['id', 'slug']).execute();
  const idBySlug = new Map(inserted.map((row) => [row.slug, row.id]));
  return new Map(products.map((product) => [product, must(idBySlug, must(slugs, product))]));
}

/** Inserts every variant (the trigger fills the products' price and stock summary); returns ids by SKU. */
async function insertVariants(trx: Trx, products: SeedProduct[], productIds: Map<SeedProduct, number>): Promise<Map<string, number>> {
  const rows = products.flatMap((product) =>
    product.variants.map((variant, position) => ({
      product_id: must(productIds, product),
      sku: variant.sku,
      options: JSON.stringify(variant.options),
      price_cents: variant.priceCents,
      compare_at_cents: variant.compareAtCents,
      stock: variant.stock,
      weight_grams: variant.weightGrams,
      position,
    })),
  );
  const inserted = await trx.insertInto('product_variants').values(rows).returning(['id', 'sku']).execute();
  return new Map(inserted.map((row) => [row.sku, row.id]));
}

/** Product images first, then each variant's, numbered in that order per product. */
async function insertImages(trx: Trx, products: SeedProduct[], productIds: Map<SeedProduct, number>, variantIdBySku: Map<string, number>): Promise<number> {
  const rows = products.flatMap((product) => {
    const images = [
      ...product.images.map((image) => ({ ...image, variant_id: null as number | null })),
      ...product.variants.flatMap((variant) => (variant.image ? [{ ...variant.image, variant_id: must(variantIdBySku, variant.sku) }] : [])),
    ];
    return images.map((image, position) => ({ product_id: must(productIds, product), ...image, position }));
  });
  if (rows.length === 0) return 0;
  await trx.insertInto('product_images').values(rows).execute();
  return rows.length;
}

function must<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`seed: nothing recorded for ${String(key)}`);
  return value;
}
