import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { FacetCounts } from './facets.js';
import type { ListingQuery } from './listing-query.js';
import { correctSearch, isActive, searchTerms, type VocabularySource } from './search.js';
import { searchPage } from './search-page.js';

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
  /** The product's one variant, when it has exactly one: the card can then add it to the cart. */
  single_variant_id: number | null;
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
export type Order = [Expression<unknown>, 'asc' | 'desc'];

export const listable = (eb: ExpressionBuilder<Database, 'products'>) =>
  eb.and([isActive('products'), eb('products.price_min_cents', 'is not', null)]);

/** The product's first picture, for a LATERAL join: looked up only for the products shown. */
function firstPicture(db: DbOrTx, productId: string) {
  return db
    .selectFrom('product_images')
    .select(['product_images.url', 'product_images.alt'])
    .where(sql<SqlBool>`product_images.product_id = ${sql.ref(productId)}`)
    .orderBy('product_images.position')
    .orderBy('product_images.id')
    .limit(1)
    .as('picture');
}

/** The product's one variant, when it has exactly one; looked up only for the page's cards, by the variants' product index. */
function singleVariantId(productId: string) {
  return sql<number | null>`(SELECT CASE WHEN count(*) = 1 THEN min(v.id) END FROM product_variants v WHERE v.product_id = ${sql.ref(productId)} AND v.active)`.as(
    'single_variant_id',
  );
}

/** The columns of a card that are the product's own. */
const cardColumns = (table: string) => [
  sql<number>`${sql.ref(`${table}.id`)}`.as('id'),
  sql<string>`${sql.ref(`${table}.slug`)}`.as('slug'),
  sql<string>`${sql.ref(`${table}.name`)}`.as('name'),
  sql<string | null>`${sql.ref(`${table}.brand`)}`.as('brand'),
  sql<number>`${sql.ref(`${table}.price_min_cents`)}`.as('price_min_cents'),
  sql<number>`${sql.ref(`${table}.price_max_cents`)}`.as('price_max_cents'),
  sql<number | null>`${sql.ref(`${table}.compare_at_cents`)}`.as('compare_at_cents'),
  sql<number>`${sql.ref(`${table}.stock_total`)}`.as('stock_total'),
];

/**
 * Card columns for the products `ids` yields (as `chosen`, whose other columns the caller may
 * select), first picture included.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the ids may come from a subquery with its own columns
export function cardsFor<Chosen extends { id: number }>(db: DbOrTx, ids: SelectQueryBuilder<any, any, Chosen>) {
  return db
    .selectFrom(ids.as('chosen'))
    .innerJoin('products', 'products.id', 'chosen.id')
    .leftJoinLateral(firstPicture(db, 'products.id'), (join) => join.onTrue())
    .select([...cardColumns('products'), 'picture.url as image_url', 'picture.alt as image_alt', singleVariantId('products.id')]);
}

/** A listing's filters without a search (a search's page is search-page.ts's statement). */
function applyFilters(query: ProductsQuery, filters: ListingQuery, categoryIds: number[] | undefined): ProductsQuery {
  let filtered = query.where(listable);
  if (categoryIds) filtered = filtered.where('products.category_id', 'in', categoryIds.length ? categoryIds : [-1]);
  if (filters.brands.length) filtered = filtered.where('products.brand', 'in', filters.brands);
  if (filters.minPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '>=', filters.minPriceCents);
  if (filters.maxPriceCents !== undefined) filtered = filtered.where('products.price_min_cents', '<=', filters.maxPriceCents);
  if (filters.inStock) filtered = filtered.where('products.stock_total', '>', 0);
  return filtered;
}

/** The listing order; the id last, so pages never overlap or skip a product. */
export function sortOrder(filters: ListingQuery): Order[] {
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

export function applyOrder<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, order: Order[]): SelectQueryBuilder<DB, TB, O> {
  return order.reduce((ordered, [expression, direction]) => ordered.orderBy(expression, direction), query);
}

/** Where a listing looks: a category page's categories always apply; the shopper's category filter is a facet. */
export interface ListingCategories {
  pageCategoryIds?: number[];
  filterCategoryIds?: number[];
}

/** A page of products; a search's page comes with its facet counts, counted by the same statement. */
export interface FoundProducts {
  result: ProductPageResult;
  searchFacets?: FacetCounts;
}

/**
 * One page of active products matching the filters, and how many match in all. `categoryIds`
 * limits the listing to those categories (a category and its descendants). A page past the
 * end shows the last page.
 */
export async function listProducts(db: DbOrTx, filters: ListingQuery, categoryIds?: number[]): Promise<ProductPageResult> {
  return (await findProducts(db, filters, categoryIds ? { pageCategoryIds: categoryIds } : {})).result;
}

/** What the caller may already hold: the vocabulary typos are corrected against, and a listing's total. */
export interface FindOptions {
  /** The table's words unless given (the store's pages pass the catalog cache's copy). */
  vocabulary?: VocabularySource;
  /**
   * How many products a listing without a search shows in all, when the caller has counted
   * them (the facet columns: countListing). The statement then fetches only the page, which an
   * index in the listing's order can give without reading every match.
   */
  total?: number;
}

/**
 * listProducts, and for a search the facet counts over its matches. A search that finds
 * nothing is corrected against the vocabulary.
 */
export async function findProducts(db: DbOrTx, filters: ListingQuery, categories: ListingCategories, options: FindOptions = {}): Promise<FoundProducts> {
  const found = await findMatching(db, filters, categories, options.total);
  if (found.result.total > 0 || !filters.q) return found;
  // Nothing found: try again with typos corrected against the catalog's own words.
  const correctedQuery = await correctSearch(db, filters.q, options.vocabulary);
  if (!correctedQuery) return found;
  const corrected = await findMatching(db, { ...filters, q: correctedQuery }, categories);
  return corrected.result.total > 0 ? { ...corrected, result: { ...corrected.result, correctedQuery } } : found;
}

function findMatching(db: DbOrTx, filters: ListingQuery, categories: ListingCategories, total?: number): Promise<FoundProducts> {
  if (filters.q !== undefined) return searchPage(db, { ...filters, q: filters.q }, categories);
  const categoryIds = categories.pageCategoryIds ?? categories.filterCategoryIds;
  const listed = total === undefined ? listMatching(db, filters, categoryIds) : listPage(db, filters, categoryIds, total);
  return listed.then((result) => ({ result }));
}

/**
 * A listing page whose total is known: only the page's products, in the listing's order, so
 * Postgres can walk an index in that order and stop after the page (the newest products, a
 * category's, the cheapest) instead of reading and counting every match: at 50,000 products
 * an uncached "all products" page took 45 ms of database time for its count alone.
 */
async function listPage(db: DbOrTx, filters: ListingQuery, categoryIds: number[] | undefined, total: number): Promise<ProductPageResult> {
  const pageCount = Math.max(1, Math.ceil(total / filters.perPage));
  // Past the end shows the last page there is.
  const page = Math.min(filters.page, pageCount);
  const items = total === 0 ? [] : await pageCards(db, filters, categoryIds, page);
  return { items, total, page, pageCount, perPage: filters.perPage };
}

/** The first products of a listing, without counting the rest (the home page's newest). */
export function listTopProducts(db: DbOrTx, filters: ListingQuery): Promise<ProductCard[]> {
  return pageCards(db, { ...filters, page: 1 }, undefined, 1);
}

/** A page of a listing without a search: its products with their own columns (nothing joins back to products), then picture and variant. */
function pageCards(db: DbOrTx, filters: ListingQuery, categoryIds: number[] | undefined, page: number): Promise<ProductCard[]> {
  const order = sortOrder(filters);
  const chosen = applyOrder(applyFilters(db.selectFrom('products'), filters, categoryIds).select(cardColumns('products')), order)
    .select(order.map(([expression], index) => sql<unknown>`${expression}`.as(`k${index}`)))
    .limit(filters.perPage)
    .offset((page - 1) * filters.perPage);
  const byKeys = order.map(([, direction], index): Order => [sql.ref(`chosen.k${index}`), direction]);
  const cards = db
    .selectFrom(chosen.as('chosen'))
    .leftJoinLateral(firstPicture(db, 'chosen.id'), (join) => join.onTrue())
    .select([...cardColumns('chosen'), 'picture.url as image_url', 'picture.alt as image_alt', singleVariantId('chosen.id')]);
  return applyOrder(cards, byKeys).execute();
}

/**
 * A listing without a search, in one statement: the inner query picks the page's ids
 * (counting every match on the way), the outer one fetches their cards.
 */
async function listMatching(db: DbOrTx, filters: ListingQuery, categoryIds?: number[]): Promise<ProductPageResult> {
  const base = applyFilters(db.selectFrom('products'), filters, categoryIds);
  const order = sortOrder(filters);
  // The sort keys are computed once per match, below the window that counts the matches, so
  // that window holds a few narrow columns rather than whole rows.
  // OFFSET 0 keeps Postgres from folding the subquery back into the outer query (a literal:
  // as a parameter, a generic plan would not know it is 0 and misjudge every row count above).
  const keys = order.map(([expression], index) => sql<unknown>`${expression}`.as(`k${index}`));
  const matches = base.select('products.id').select(keys).offset(sql<number>`0`).as('matches');
  const byKeys = (table: string) => order.map(([, direction], index): Order => [sql.ref(`${table}.k${index}`), direction]);
  const pageOf = (page: number) => {
    const ids = applyOrder(
      db
        .selectFrom(matches)
        .select(['matches.id', sql<number>`count(*) over ()`.as('total')])
        .select(order.map((_, index) => sql.ref(`matches.k${index}`).as(`k${index}`))),
      byKeys('matches'),
    )
      .limit(filters.perPage)
      .offset((page - 1) * filters.perPage);
    return applyOrder(cardsFor(db, ids).select('chosen.total'), byKeys('chosen')).execute();
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
    .select('products.id')
    .orderBy('products.id')
    .limit(limit);
  return cardsFor(db, ids).orderBy('products.id').execute();
}
