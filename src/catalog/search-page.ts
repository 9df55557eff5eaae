import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { PRICE_BAND_EDGES_CENTS, type FacetCounts } from './facets.js';
import type { ListingQuery } from './listing-query.js';
import { applyOrder, cardsFor, listable, sortOrder, type FoundProducts, type ListingCategories, type Order, type ProductCard } from './products.js';
import { searchTerms } from './search.js';

/**
 * One row of the facet counts as the statement sends them (JSON): which facet (the
 * `grouping()` bits of the set it was counted in), the value (category id, brand or band
 * index) and the count; the set of all matches carries how many pass every filter and how
 * many of those are in stock.
 */
type CountRow = [grouping: number, category: number | null, brand: string | null, band: number | null, count: number, inStock: number];

/** `grouping(category_id, brand, band)` for each grouping set: a bit per column the set leaves out. */
const BY = { category: 0b011, brand: 0b101, band: 0b110, all: 0b111 } as const;

/**
 * A search's page, the number of matches and the facet counts, in one statement. The search
 * (with the page's category) finds its matches once, each ranked once, into a materialized
 * CTE; the page is the best of those passing the shopper's filters, and the facets are counted
 * over the same rows by GROUPING SETS, each facet applying every filter but its own (the rules
 * of computeFacets). The database sends about 60 counts instead of the ids of every match
 * (thousands for a broad word), which Node used to parse and count itself.
 */
export async function searchPage(db: DbOrTx, filters: ListingQuery & { q: string }, categories: ListingCategories): Promise<FoundProducts> {
  // Nothing searchable typed ("%", "!!!"): nothing found, never the whole catalog.
  if (!searchTerms(filters.q)) return nothingFound(filters);
  let page = filters.page;
  let found = await pageOf(db, filters, categories, page);
  if (found.rows.length === 0 && page > 1 && found.counts.total > 0) {
    // Past the end: show the last page there is.
    page = Math.ceil(found.counts.total / filters.perPage);
    found = await pageOf(db, filters, categories, page);
  }
  const { total, ...searchFacets } = found.counts;
  const result = { items: found.rows, total, page, pageCount: Math.max(1, Math.ceil(total / filters.perPage)), perPage: filters.perPage };
  return { result, searchFacets };
}

function nothingFound(filters: ListingQuery): FoundProducts {
  return {
    result: { items: [], total: 0, page: 1, pageCount: 1, perPage: filters.perPage },
    searchFacets: { categories: [], brands: [], bands: [], inStock: 0 },
  };
}

type Filter = 'in_category' | 'in_brand' | 'in_price' | 'in_stock';
const FILTERS: Filter[] = ['in_category', 'in_brand', 'in_price', 'in_stock'];

/**
 * For each of the shopper's filters that is set, whether a match passes it: true or false,
 * never NULL (a product without a brand or category fails those filters). The page's
 * category is part of the search itself.
 */
function filterConditions(filters: ListingQuery, categories: ListingCategories): Partial<Record<Filter, RawBuilder<boolean>>> {
  const price = sql.ref('products.price_min_cents');
  const atLeast = filters.minPriceCents !== undefined ? sql<SqlBool>`${price} >= ${filters.minPriceCents}` : undefined;
  const atMost = filters.maxPriceCents !== undefined ? sql<SqlBool>`${price} <= ${filters.maxPriceCents}` : undefined;
  const inList = (column: string, values: readonly unknown[]) => sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.length ? values : [null])})`;
  const conditions: Partial<Record<Filter, Expression<SqlBool>>> = {
    ...(categories.filterCategoryIds ? { in_category: inList('products.category_id', categories.filterCategoryIds) } : {}),
    ...(filters.brands.length ? { in_brand: inList('products.brand', filters.brands) } : {}),
    ...(atLeast && atMost ? { in_price: sql<SqlBool>`${atLeast} and ${atMost}` } : atLeast || atMost ? { in_price: (atLeast ?? atMost)! } : {}),
    ...(filters.inStock ? { in_stock: sql<SqlBool>`products.stock_total > 0` } : {}),
  };
  return Object.fromEntries(Object.entries(conditions).map(([name, condition]) => [name, sql<boolean>`coalesce(${condition}, false)`]));
}

/**
 * "Passes these filters" over the matches: the flag columns of the filters that are set (a
 * filter that is not set is not a column: a narrower CTE costs less to write and read).
 */
function passes(set: Partial<Record<Filter, unknown>>, ...names: (Filter | 'stocked')[]): RawBuilder<SqlBool> {
  const columns = names.filter((name) => name === 'stocked' || set[name] !== undefined);
  return columns.length ? sql<SqlBool>`${sql.join(columns.map((name) => sql.ref(name)), sql` AND `)}` : sql<SqlBool>`true`;
}

/** Every filter but these. */
const allBut = (...left: Filter[]) => FILTERS.filter((name) => !left.includes(name));

async function pageOf(db: DbOrTx, filters: ListingQuery & { q: string }, categories: ListingCategories, page: number) {
  const terms = searchTerms(filters.q)!;
  const conditions = filterConditions(filters, categories);
  const order = sortOrder(filters);
  const byKeys = (table: string) => order.map(([, direction], index): Order => [sql.ref(`${table}.k${index}`), direction]);
  let matches = db
    .selectFrom('products')
    .where(listable)
    .where(terms.matches)
    .select([
      'products.id',
      'products.category_id',
      'products.brand',
      sql<number>`width_bucket(products.price_min_cents, ARRAY[${sql.join(PRICE_BAND_EDGES_CENTS.map((edge) => sql.lit(edge)))}])`.as('band'),
      sql<boolean>`products.stock_total > 0`.as('stocked'),
      ...(Object.entries(conditions) as [Filter, RawBuilder<boolean>][]).map(([name, condition]) => condition.as(name)),
      ...order.map(([expression], index) => sql<unknown>`${expression}`.as(`k${index}`)),
    ]);
  if (categories.pageCategoryIds) matches = matches.where('products.category_id', 'in', categories.pageCategoryIds.length ? categories.pageCategoryIds : [-1]);
  const query = db
    .with((cte) => cte('matches').materialized(), () => matches)
    .selectFrom(facetCounts(conditions).as('counted'))
    .leftJoin(
      (eb) => {
        const best = applyOrder(eb.selectFrom('matches').where(passes(conditions, ...FILTERS)).selectAll(), byKeys('matches'))
          .limit(filters.perPage)
          .offset((page - 1) * filters.perPage);
        // row_number marks one card to carry the counts; the cards' order is the ORDER BY below.
        const ids = eb.selectFrom(best.as('best')).selectAll().select(sql<number>`row_number() over ()`.as('ordinal'));
        return cardsFor(db, ids)
          .select(['chosen.ordinal', ...order.map((_, index) => sql.ref(`chosen.k${index}`).as(`k${index}`))])
          .as('card');
      },
      (join) => join.onTrue(),
    )
    .selectAll('card')
    .select(sql<CountRow[]>`CASE WHEN card.ordinal IS NULL OR card.ordinal = 1 THEN counted.counts END`.as('counts'));
  const rows = await applyOrder(query, byKeys('card')).execute();
  const counts = readCounts(rows.find((row) => row.counts)?.counts ?? []);
  // A card's columns are NULL only on the row that carries the counts alone (no card found).
  const items = rows.filter((row) => row.id !== null).map((row) => pickCard(row as ProductCard));
  return { rows: items, counts };
}

/**
 * Every facet's counts over the matches, one pass (GROUPING SETS), as one JSON value: each
 * facet counts the matches that pass every filter but its own.
 */
function facetCounts(set: Partial<Record<Filter, unknown>>) {
  return sql<{ counts: CountRow[] }>`(
    SELECT json_agg(json_build_array(g, category_id, brand, band, n, stocked)) AS counts FROM (
      SELECT grouping(category_id, brand, band) AS g, category_id, brand, band,
        CASE grouping(category_id, brand, band)
          WHEN ${sql.lit(BY.category)} THEN count(*) FILTER (WHERE ${passes(set, ...allBut('in_category'))})
          WHEN ${sql.lit(BY.brand)} THEN count(*) FILTER (WHERE ${passes(set, ...allBut('in_brand'))})
          WHEN ${sql.lit(BY.band)} THEN count(*) FILTER (WHERE ${passes(set, ...allBut('in_price'))})
          ELSE count(*) FILTER (WHERE ${passes(set, ...FILTERS)})
        END AS n,
        count(*) FILTER (WHERE ${passes(set, ...allBut('in_stock'), 'stocked')}) AS stocked
      FROM matches
      GROUP BY GROUPING SETS ((category_id), (brand), (band), ())
    ) AS grouped
  )`;
}

function pickCard({ id, slug, name, brand, price_min_cents, price_max_cents, compare_at_cents, stock_total, image_url, image_alt, single_variant_id }: ProductCard): ProductCard {
  return { id, slug, name, brand, price_min_cents, price_max_cents, compare_at_cents, stock_total, image_url, image_alt, single_variant_id };
}

function readCounts(rows: CountRow[]): FacetCounts & { total: number } {
  const counts: FacetCounts & { total: number } = { categories: [], brands: [], bands: [], inStock: 0, total: 0 };
  for (const [grouping, category, brand, band, count, inStock] of rows) {
    if (grouping === BY.category && category !== null) counts.categories.push([category, count]);
    else if (grouping === BY.brand && brand !== null) counts.brands.push([brand, count]);
    else if (grouping === BY.band && band !== null) counts.bands[band] = count;
    else if (grouping === BY.all) Object.assign(counts, { total: count, inStock });
  }
  for (let band = 0; band <= PRICE_BAND_EDGES_CENTS.length; band++) counts.bands[band] ??= 0;
  return counts;
}
