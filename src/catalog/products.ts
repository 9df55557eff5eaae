import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DbOrTx } from '../db/database.js';
import type { Database, ProductImage, ProductVariant } from '../db/schema.js';
import type { ListingQuery } from './listing-query.js';
import { correctSearch, searchTerms } from './search.js';

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
  /** Set when nothing matched the search as typed and these corrected words were searched instead. */
  correctedQuery?: string;
  total: number;
  page: number;
  pageCount: number;
  perPage: number;
}

type ProductsQuery = SelectQueryBuilder<Database, 'products', object>;
type Order = [Expression<unknown>, 'asc' | 'desc'];

const listable = (eb: ExpressionBuilder<Database, 'products'>) =>
  eb.and([eb('products.active', '=', true), eb('products.price_min_cents', 'is not', null)]);

/**
 * Card columns for the products `ids` yields (with a `total` column), first picture
 * included. The picture is a LATERAL join, so it is looked up only for the products shown.
 */
function cardsFor(db: DbOrTx, ids: SelectQueryBuilder<Database, 'products', { id: number; total: number }>) {
  return db
    .selectFrom(ids.as('chosen'))
    .innerJoin('products', 'products.id', 'chosen.id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('product_images')
          .select(['product_images.url', 'product_images.alt'])
          .whereRef('product_images.product_id', '=', 'products.id')
          .orderBy('product_images.position')
          .orderBy('product_images.id')
          .limit(1)
          .as('picture'),
      (join) => join.onTrue(),
    )
    .select([
      'products.id',
      'products.slug',
      'products.name',
      'products.brand',
      sql<number>`products.price_min_cents`.as('price_min_cents'),
      sql<number>`products.price_max_cents`.as('price_max_cents'),
      'products.compare_at_cents',
      'products.stock_total',
      'picture.url as image_url',
      'picture.alt as image_alt',
      'chosen.total',
    ]);
}

function applyFilters(query: ProductsQuery, filters: ListingQuery, categoryIds: number[] | undefined): ProductsQuery {
  let filtered = query.where(listable);
  if (categoryIds) filtered = filtered.where('products.category_id', 'in', categoryIds.length ? categoryIds : [-1]);
  if (filters.brands.length) filtered = filtered.where('products.brand', 'in', filters.brands);
  if (filters.minPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '>=', filters.minPriceCents);
  if (filters.maxPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '<=', filters.maxPriceCents);
  if (filters.inStock) filtered = filtered.where('products.stock_total', '>', 0);
  if (filters.q) {
    const terms = searchTerms(filters.q);
    // Nothing searchable typed ("%", "!!!"): nothing found, never the whole catalog.
    filtered = terms ? filtered.where(terms.matches) : filtered.where(sql<SqlBool>`false`);
  }
  return filtered;
}

/** The listing order; the id last, so pages never overlap or skip a product. */
function sortOrder(filters: ListingQuery): Order[] {
  const column = (name: string) => sql.ref(`products.${name}`);
  switch (filters.sort) {
    case 'price_asc':
      return [[column('price_min_cents'), 'asc'], [column('id'), 'asc']];
    case 'price_desc':
      return [[column('price_min_cents'), 'desc'], [column('id'), 'desc']];
    case 'name':
      return [[column('name'), 'asc'], [column('id'), 'asc']];
    case 'relevance': {
      const terms = filters.q ? searchTerms(filters.q) : undefined;
      const byRank: Order[] = terms ? [[terms.rank, 'desc']] : [];
      return [...byRank, [column('featured'), 'desc'], [column('created_at'), 'desc'], [column('id'), 'desc']];
    }
    case 'newest':
      return [[column('created_at'), 'desc'], [column('id'), 'desc']];
  }
}

function applyOrder<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, order: Order[]): SelectQueryBuilder<DB, TB, O> {
  return order.reduce((ordered, [expression, direction]) => ordered.orderBy(expression, direction), query);
}

/**
 * One page of active products matching the filters, and how many match in all, in one
 * statement: the inner query picks the page's ids (counting every match on the way), the
 * outer one fetches their cards. `categoryIds` limits the listing to those categories (a
 * category and its descendants). A page past the end shows the last page.
 */
export async function listProducts(db: DbOrTx, filters: ListingQuery, categoryIds?: number[]): Promise<ProductPageResult> {
  const result = await listMatching(db, filters, categoryIds);
  if (result.total > 0 || !filters.q) return result;
  // Nothing found: try again with typos corrected against the catalog's own words.
  const correctedQuery = await correctSearch(db, filters.q);
  if (!correctedQuery) return result;
  const corrected = await listMatching(db, { ...filters, q: correctedQuery }, categoryIds);
  return corrected.total > 0 ? { ...corrected, correctedQuery } : result;
}

async function listMatching(db: DbOrTx, filters: ListingQuery, categoryIds?: number[]): Promise<ProductPageResult> {
  const base = applyFilters(db.selectFrom('products'), filters, categoryIds);
  const order = sortOrder(filters);
  const pageOf = (page: number) => {
    const ids = applyOrder(base.select(['products.id', sql<number>`count(*) over ()`.as('total')]), order)
      .limit(filters.perPage)
      .offset((page - 1) * filters.perPage);
    return applyOrder(cardsFor(db, ids), order).execute();
  };
  let page = filters.page;
  let rows = await pageOf(page);
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && page > 1) {
    // Past the end (or nothing matches): count, then show the last page there is.
    ({ total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow());
    page = Math.max(1, Math.ceil(total / filters.perPage));
    rows = total > 0 ? await pageOf(page) : [];
  }
  const items = rows.map(({ total: _total, ...card }) => card);
  return { items, total, page, pageCount: Math.max(1, Math.ceil(total / filters.perPage)), perPage: filters.perPage };
}

export async function listFeaturedProducts(db: DbOrTx, limit: number): Promise<ProductCard[]> {
  const ids = db
    .selectFrom('products')
    .where(listable)
    .where('products.featured', '=', true)
    .select(['products.id', sql<number>`0`.as('total')])
    .orderBy('products.id')
    .limit(limit);
  const rows = await cardsFor(db, ids).orderBy('products.id').execute();
  return rows.map(({ total: _total, ...card }) => card);
}

/** What a product page shows of a variant and of a picture. */
export type VariantView = Pick<ProductVariant, 'id' | 'sku' | 'options' | 'price_cents' | 'compare_at_cents' | 'stock' | 'weight_grams'>;
export type ImageView = Pick<ProductImage, 'id' | 'variant_id' | 'url' | 'alt'>;

export interface ProductDetail {
  id: number;
  slug: string;
  name: string;
  description: string;
  brand: string | null;
  category_id: number | null;
  option_names: string[];
  variants: VariantView[];
  images: ImageView[];
}

/** An active product with its active variants and its pictures, in one statement; or undefined. */
export async function findProductBySlug(db: DbOrTx, slug: string): Promise<ProductDetail | undefined> {
  const product = await db
    .selectFrom('products')
    .where('products.slug', '=', slug)
    .where('products.active', '=', true)
    .select((eb) => [
      'products.id',
      'products.slug',
      'products.name',
      'products.description',
      'products.brand',
      'products.category_id',
      'products.option_names',
      jsonArrayFrom(
        eb
          .selectFrom('product_variants')
          .select(['id', 'sku', 'options', 'price_cents', 'compare_at_cents', 'stock', 'weight_grams'])
          .whereRef('product_variants.product_id', '=', 'products.id')
          .where('product_variants.active', '=', true)
          .orderBy('product_variants.position')
          .orderBy('product_variants.id'),
      ).as('variants'),
      jsonArrayFrom(
        eb
          .selectFrom('product_images')
          .select(['id', 'variant_id', 'url', 'alt'])
          .whereRef('product_images.product_id', '=', 'products.id')
          .orderBy('product_images.position')
          .orderBy('product_images.id'),
      ).as('images'),
    ])
    .executeTakeFirst();
  return product && product.variants.length > 0 ? product : undefined;
}

/** The product and variant an exact SKU names ("BEA-ESS-ESS-001"), among active products. */
export async function findVariantBySku(db: DbOrTx, text: string): Promise<{ slug: string; variantId: number } | undefined> {
  const sku = text.trim();
  if (!/^[\w.-]{3,64}$/.test(sku)) return undefined;
  return db
    .selectFrom('product_variants')
    .innerJoin('products', 'products.id', 'product_variants.product_id')
    .select(['products.slug', 'product_variants.id as variantId'])
    .where('product_variants.sku', 'in', [...new Set([sku, sku.toUpperCase()])])
    .where('product_variants.active', '=', true)
    .where('products.active', '=', true)
    .executeTakeFirst();
}
