import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { Database, ProductImage, ProductVariant } from '../db/schema.js';
import type { ListingQuery } from './listing-query.js';

/** What a product card shows. */
export interface ProductCard {
  id: number;
  slug: string;
  name: string;
  brand: string | null;
  price_min_cents: number;
  price_max_cents: number;
  /** The cheapest variant's compare-at price, when it is a real markdown. */
  compare_at_cents: number | null;
  stock_total: number;
  image_url: string | null;
  image_alt: string | null;
}

export interface ProductPageResult {
  items: ProductCard[];
  total: number;
  page: number;
  pageCount: number;
  perPage: number;
}

type ProductsQuery = SelectQueryBuilder<Database, 'products', object>;

const listable = (eb: ExpressionBuilder<Database, 'products'>) =>
  eb.and([eb('products.active', '=', true), eb('products.price_min_cents', 'is not', null)]);

function selectCards(query: ProductsQuery) {
  return query.select((eb) => [
    'products.id',
    'products.slug',
    'products.name',
    'products.brand',
    sql<number>`products.price_min_cents`.as('price_min_cents'),
    sql<number>`products.price_max_cents`.as('price_max_cents'),
    'products.stock_total',
    eb
      .selectFrom('product_variants as v')
      .select('v.compare_at_cents')
      .whereRef('v.product_id', '=', 'products.id')
      .where('v.active', '=', true)
      .whereRef('v.price_cents', '=', 'products.price_min_cents')
      .whereRef('v.compare_at_cents', '>', 'v.price_cents')
      .orderBy('v.position')
      .limit(1)
      .as('compare_at_cents'),
    eb
      .selectFrom('product_images as i')
      .select('i.url')
      .whereRef('i.product_id', '=', 'products.id')
      .orderBy('i.position')
      .orderBy('i.id')
      .limit(1)
      .as('image_url'),
    eb
      .selectFrom('product_images as i')
      .select('i.alt')
      .whereRef('i.product_id', '=', 'products.id')
      .orderBy('i.position')
      .orderBy('i.id')
      .limit(1)
      .as('image_alt'),
  ]);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function applyFilters(query: ProductsQuery, filters: ListingQuery, categoryIds: number[] | undefined): ProductsQuery {
  let filtered = query.where(listable);
  if (categoryIds) filtered = filtered.where('products.category_id', 'in', categoryIds.length ? categoryIds : [-1]);
  if (filters.brands.length) filtered = filtered.where('products.brand', 'in', filters.brands);
  if (filters.minPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '>=', filters.minPriceCents);
  if (filters.maxPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '<=', filters.maxPriceCents);
  if (filters.inStock) filtered = filtered.where('products.stock_total', '>', 0);
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q)}%`;
    filtered = filtered.where((eb) =>
      eb.or([eb('products.name', 'ilike', pattern), eb('products.brand', 'ilike', pattern), eb('products.description', 'ilike', pattern)]),
    );
  }
  return filtered;
}

function applySort<O>(query: SelectQueryBuilder<Database, 'products', O>, filters: ListingQuery): SelectQueryBuilder<Database, 'products', O> {
  switch (filters.sort) {
    case 'price_asc':
      return query.orderBy('products.price_min_cents', 'asc').orderBy('products.id', 'asc');
    case 'price_desc':
      return query.orderBy('products.price_min_cents', 'desc').orderBy('products.id', 'desc');
    case 'name':
      return query.orderBy('products.name', 'asc').orderBy('products.id', 'asc');
    case 'relevance':
      // Until full-text ranking lands, a match in the name outranks one in the description.
      if (filters.q) {
        const pattern = `%${escapeLike(filters.q)}%`;
        query = query.orderBy(sql`(products.name ILIKE ${pattern})`, 'desc');
      }
      return query.orderBy('products.featured', 'desc').orderBy('products.created_at', 'desc').orderBy('products.id', 'desc');
    case 'newest':
      return query.orderBy('products.created_at', 'desc').orderBy('products.id', 'desc');
  }
}

/**
 * One page of active products matching the filters. `categoryIds` limits the listing to
 * those categories (a category and its descendants). A page past the end shows the last page.
 */
export async function listProducts(db: DbOrTx, filters: ListingQuery, categoryIds?: number[]): Promise<ProductPageResult> {
  const base = applyFilters(db.selectFrom('products'), filters, categoryIds);
  const pageOf = (page: number) =>
    applySort(selectCards(base), filters)
      .limit(filters.perPage)
      .offset((page - 1) * filters.perPage)
      .execute();
  // Count and page in parallel; only a page past the end needs a second look.
  const [{ total }, requested] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
    pageOf(filters.page),
  ]);
  const pageCount = Math.max(1, Math.ceil(total / filters.perPage));
  const page = Math.min(filters.page, pageCount);
  const items = page === filters.page ? requested : await pageOf(page);
  return { items, total, page, pageCount, perPage: filters.perPage };
}

export async function listFeaturedProducts(db: DbOrTx, limit: number): Promise<ProductCard[]> {
  return selectCards(db.selectFrom('products'))
    .where(listable)
    .where('products.featured', '=', true)
    .orderBy('products.id')
    .limit(limit)
    .execute();
}

/** Brands among active products in scope, with how many products each has. */
export async function listBrands(db: DbOrTx, categoryIds?: number[]): Promise<{ brand: string; count: number }[]> {
  let query = db
    .selectFrom('products')
    .where(listable)
    .where('products.brand', 'is not', null)
    .select((eb) => [sql<string>`products.brand`.as('brand'), eb.fn.countAll<number>().as('count')])
    .groupBy('products.brand')
    .orderBy('products.brand');
  if (categoryIds) query = query.where('products.category_id', 'in', categoryIds.length ? categoryIds : [-1]);
  return query.execute();
}

export interface ProductDetail {
  id: number;
  slug: string;
  name: string;
  description: string;
  brand: string | null;
  category_id: number | null;
  option_names: string[];
  variants: ProductVariant[];
  images: ProductImage[];
}

/** An active product with its active variants and images, or undefined. */
export async function findProductBySlug(db: DbOrTx, slug: string): Promise<ProductDetail | undefined> {
  const product = await db
    .selectFrom('products')
    .select(['id', 'slug', 'name', 'description', 'brand', 'category_id', 'option_names'])
    .where('slug', '=', slug)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!product) return undefined;
  const [variants, images] = await Promise.all([
    db.selectFrom('product_variants').selectAll().where('product_id', '=', product.id).where('active', '=', true).orderBy('position').orderBy('id').execute(),
    db.selectFrom('product_images').selectAll().where('product_id', '=', product.id).orderBy('position').orderBy('id').execute(),
  ]);
  if (variants.length === 0) return undefined;
  return { ...product, variants, images };
}
