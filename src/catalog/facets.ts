import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { CategoryNode, CategoryTree } from './categories.js';
import { descendantIds } from './categories.js';
import type { ListingQuery } from './listing-query.js';
import { isActive } from './search.js';

/** The few columns facets count by, for every listable product. */
export interface FacetProduct {
  id: number;
  category_id: number | null;
  brand: string | null;
  price_min_cents: number;
  stock_total: number;
}

export interface PriceBand {
  minCents?: number;
  maxCents?: number;
  count: number;
}

export interface Facets {
  /** Per category id: products in it or below it. */
  categoryCounts: Map<number, number>;
  brands: { brand: string; count: number }[];
  priceBands: PriceBand[];
  inStock: number;
}

const bandEdgesCents = [2_500, 5_000, 10_000, 25_000, 50_000, 100_000];

export async function loadFacetProducts(db: DbOrTx): Promise<FacetProduct[]> {
  return db
    .selectFrom('products')
    .select(['id', 'category_id', 'brand', sql<number>`price_min_cents`.as('price_min_cents'), 'stock_total'])
    .where(isActive('products'))
    .where('price_min_cents', 'is not', null)
    .execute();
}

/**
 * The facet products as columns of typed arrays, made once per loaded list (the catalog
 * cache hands out the same array until it reloads it), so a page counts its facets in one
 * tight pass: about a millisecond at 50,000 products, where a closure per product and facet
 * took several.
 */
interface FacetColumns {
  size: number;
  /** id → position in the columns. */
  positionOf: Map<number, number>;
  /** Category id, or -1 for none. */
  category: Int32Array;
  /** Index into brandNames, or -1 for none. */
  brand: Int32Array;
  brandNames: string[];
  price: Int32Array;
  stock: Int32Array;
  /** Index of the price band the product's price falls in. */
  band: Uint8Array;
  /** One past the largest category id. */
  categoryLimit: number;
}

const columnsOf = new WeakMap<FacetProduct[], FacetColumns>();

function facetColumns(products: FacetProduct[]): FacetColumns {
  const cached = columnsOf.get(products);
  if (cached) return cached;
  const size = products.length;
  const columns: FacetColumns = {
    size,
    positionOf: new Map(),
    category: new Int32Array(size),
    brand: new Int32Array(size),
    brandNames: [],
    price: new Int32Array(size),
    stock: new Int32Array(size),
    band: new Uint8Array(size),
    categoryLimit: 0,
  };
  const brandIndex = new Map<string, number>();
  products.forEach((product, position) => {
    columns.positionOf.set(product.id, position);
    const category = product.category_id ?? -1;
    columns.category[position] = category;
    columns.categoryLimit = Math.max(columns.categoryLimit, category + 1);
    let brand = -1;
    if (product.brand !== null) {
      brand = brandIndex.get(product.brand) ?? -1;
      if (brand < 0) {
        brand = columns.brandNames.push(product.brand) - 1;
        brandIndex.set(product.brand, brand);
      }
    }
    columns.brand[position] = brand;
    columns.price[position] = product.price_min_cents;
    columns.stock[position] = product.stock_total;
    columns.band[position] = bandIndex(product.price_min_cents);
  });
  columnsOf.set(products, columns);
  return columns;
}

/** The band a price falls in: bands are contiguous, so exactly one. */
function bandIndex(cents: number): number {
  let index = 0;
  while (index < bandEdgesCents.length && cents >= (bandEdgesCents[index] ?? Infinity)) index++;
  return index;
}

/** Which filters a product fails, one bit each. */
const FAILS = { category: 1, brand: 2, price: 4, stock: 8 } as const;

/**
 * Counts for every facet value: how many products the listing would show if the shopper
 * picked that value, keeping every other filter. The same rules as the SQL in products.ts
 * and search-page.ts: the search and the page's category always apply; each facet's counts
 * apply every filter but its own. Listings without a search count here, over the catalog
 * cache's columns (a millisecond at 50,000 products, where SQL would read every product);
 * a search page counts in its own statement, over the matches it has just found, and
 * `matchIds` lets this pass count over a given match set (the tests compare the two).
 */
export function computeFacets(products: FacetProduct[], filters: ListingQuery, scope: FacetScope): Facets {
  return countListing(products, filters, scope).facets;
}

export interface FacetScope {
  tree: CategoryTree;
  pageCategoryIds?: number[];
  filterCategory?: CategoryNode;
  matchIds?: Set<number>;
}

/**
 * computeFacets, and the listing's total: how many products pass every filter (what the
 * listing then shows, page by page), counted in the same pass.
 */
export function countListing(products: FacetProduct[], filters: ListingQuery, scope: FacetScope): { facets: Facets; total: number } {
  const columns = facetColumns(products);
  const { size, category, brand, price, stock, band } = columns;
  const categoryMask = (ids: number[] | undefined) => {
    if (!ids) return undefined;
    const mask = new Uint8Array(columns.categoryLimit);
    for (const id of ids) if (id >= 0 && id < mask.length) mask[id] = 1;
    return mask;
  };
  const pageMask = categoryMask(scope.pageCategoryIds);
  const filterMask = categoryMask(scope.filterCategory ? descendantIds(scope.filterCategory) : undefined);
  // Counting over a match set: only its positions, rather than a pass over all.
  let positions: Int32Array | undefined;
  if (scope.matchIds) {
    positions = new Int32Array(scope.matchIds.size);
    let found = 0;
    for (const id of scope.matchIds) {
      const position = columns.positionOf.get(id);
      if (position !== undefined) positions[found++] = position;
    }
    positions = positions.subarray(0, found);
  }
  let brandMask: Uint8Array | undefined;
  if (filters.brands.length) {
    brandMask = new Uint8Array(columns.brandNames.length);
    const wanted = new Set(filters.brands);
    columns.brandNames.forEach((name, index) => (brandMask![index] = wanted.has(name) ? 1 : 0));
  }
  const minPrice = filters.minPriceCents ?? -Infinity;
  const maxPrice = filters.maxPriceCents ?? Infinity;
  const inStockOnly = filters.inStock;

  const perCategory = new Int32Array(columns.categoryLimit);
  const perBrand = new Int32Array(columns.brandNames.length);
  const perBand = new Int32Array(bandEdgesCents.length + 1);
  let inStock = 0;
  let total = 0;
  const count = positions ? positions.length : size;
  for (let n = 0; n < count; n++) {
    const i = positions ? positions[n]! : n;
    const categoryId = category[i]!;
    if (pageMask && (categoryId < 0 || pageMask[categoryId] === 0)) continue;
    const brandId = brand[i]!;
    const cents = price[i]!;
    const fails =
      (filterMask && (categoryId < 0 || filterMask[categoryId] === 0) ? FAILS.category : 0) |
      (brandMask && (brandId < 0 || brandMask[brandId] === 0) ? FAILS.brand : 0) |
      (cents < minPrice || cents > maxPrice ? FAILS.price : 0) |
      (inStockOnly && stock[i]! <= 0 ? FAILS.stock : 0);
    // A facet counts the products that pass every filter but its own.
    if ((fails & ~FAILS.category) === 0 && categoryId >= 0) perCategory[categoryId]!++;
    if ((fails & ~FAILS.brand) === 0 && brandId >= 0) perBrand[brandId]!++;
    if ((fails & ~FAILS.price) === 0) perBand[band[i]!]!++;
    if ((fails & ~FAILS.stock) === 0 && stock[i]! > 0) inStock++;
    if (fails === 0) total++;
  }

  const categories = [...perCategory.entries()];
  const brands = [...perBrand.entries()].map(([index, count]): [string, number] => [columns.brandNames[index]!, count]);
  return { facets: facetsFromCounts({ categories, brands, bands: [...perBand], inStock }, scope.tree), total };
}

/**
 * Facet counts as a search's statement returns them (src/catalog/search-page.ts), or as the
 * columnar pass makes them: per category id (its own products only), per brand, per price
 * band (by index), and how many are in stock. Zero counts may be left out.
 */
export interface FacetCounts {
  categories: [number, number][];
  brands: [string, number][];
  bands: number[];
  inStock: number;
}

/** The price band edges, for SQL that counts by band (width_bucket gives the same index as bandIndex). */
export const PRICE_BAND_EDGES_CENTS: readonly number[] = bandEdgesCents;

/** What the page shows: each category's count includes its subcategories'; brands by name. */
export function facetsFromCounts(counts: FacetCounts, tree: CategoryTree): Facets {
  // Each category's products count for it and for every category above it.
  const categoryCounts = new Map<number, number>();
  for (const [id, count] of counts.categories) {
    if (count === 0) continue;
    for (let node = tree.byId.get(id), depth = 0; node && depth < 32; node = node.parent_id === null ? undefined : tree.byId.get(node.parent_id), depth++) {
      categoryCounts.set(node.id, (categoryCounts.get(node.id) ?? 0) + count);
    }
  }
  const brands = counts.brands.filter(([, count]) => count > 0).map(([brand, count]) => ({ brand, count }));
  brands.sort((a, b) => a.brand.localeCompare(b.brand));
  const priceBands = emptyPriceBands().map((priceBand, index) => ({ ...priceBand, count: counts.bands[index] ?? 0 }));
  return { categoryCounts, brands, priceBands, inStock: counts.inStock };
}

/** Under $25, $25 to $50 … $1,000 and over; each band's maximum is a cent below the next minimum. */
function emptyPriceBands(): PriceBand[] {
  return [undefined, ...bandEdgesCents].map((minCents, index) => {
    const next = bandEdgesCents[index];
    return { ...(minCents === undefined ? {} : { minCents }), ...(next === undefined ? {} : { maxCents: next - 1 }), count: 0 };
  });
}
