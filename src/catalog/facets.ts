import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { CategoryNode, CategoryTree } from './categories.js';
import { descendantIds } from './categories.js';
import type { ListingQuery } from './listing-query.js';
import { searchTerms } from './search.js';

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
    .where('active', '=', true)
    .where('price_min_cents', 'is not', null)
    .execute();
}

/** Ids of the listable products a search finds; undefined without a search. */
export async function searchMatchIds(db: DbOrTx, text: string | undefined): Promise<Set<number> | undefined> {
  if (!text) return undefined;
  const terms = searchTerms(text);
  if (!terms) return new Set();
  const rows = await db.selectFrom('products').select('id').where('active', '=', true).where(terms.matches).execute();
  return new Set(rows.map((row) => row.id));
}

type Facet = 'category' | 'brand' | 'price' | 'stock';

/**
 * Counts for every facet value: how many products the listing would show if the shopper
 * picked that value, keeping every other filter. The same rules as the SQL in products.ts.
 */
export function computeFacets(
  products: FacetProduct[],
  filters: ListingQuery,
  scope: { tree: CategoryTree; pageCategoryIds?: number[]; filterCategory?: CategoryNode; matchIds?: Set<number> },
): Facets {
  const pageIds = scope.pageCategoryIds ? new Set(scope.pageCategoryIds) : undefined;
  const filterIds = scope.filterCategory ? new Set(descendantIds(scope.filterCategory)) : undefined;
  const brands = new Set(filters.brands);
  const passes = (product: FacetProduct, except: Facet) =>
    (!scope.matchIds || scope.matchIds.has(product.id)) &&
    (!pageIds || (product.category_id !== null && pageIds.has(product.category_id))) &&
    (except === 'category' || !filterIds || (product.category_id !== null && filterIds.has(product.category_id))) &&
    (except === 'brand' || brands.size === 0 || (product.brand !== null && brands.has(product.brand))) &&
    (except === 'price' || inPriceRange(product.price_min_cents, filters.minPriceCents, filters.maxPriceCents)) &&
    (except === 'stock' || !filters.inStock || product.stock_total > 0);

  const categoryCounts = new Map<number, number>();
  const brandCounts = new Map<string, number>();
  const bands = priceBands();
  let inStock = 0;
  for (const product of products) {
    if (passes(product, 'category') && product.category_id !== null) {
      for (let node = scope.tree.byId.get(product.category_id); node; node = node.parent_id === null ? undefined : scope.tree.byId.get(node.parent_id)) {
        categoryCounts.set(node.id, (categoryCounts.get(node.id) ?? 0) + 1);
      }
    }
    if (passes(product, 'brand') && product.brand !== null) brandCounts.set(product.brand, (brandCounts.get(product.brand) ?? 0) + 1);
    if (passes(product, 'price')) for (const band of bands) if (inPriceRange(product.price_min_cents, band.minCents, band.maxCents)) band.count++;
    if (passes(product, 'stock') && product.stock_total > 0) inStock++;
  }
  return {
    categoryCounts,
    brands: [...brandCounts].map(([brand, count]) => ({ brand, count })).sort((a, b) => a.brand.localeCompare(b.brand)),
    priceBands: bands,
    inStock,
  };
}

function inPriceRange(cents: number, minCents: number | undefined, maxCents: number | undefined): boolean {
  return (minCents === undefined || cents >= minCents) && (maxCents === undefined || cents <= maxCents);
}

/** Under $25, $25 to $50 … $1,000 and over; each band's maximum is a cent below the next minimum. */
function priceBands(): PriceBand[] {
  return [undefined, ...bandEdgesCents].map((minCents, index) => {
    const next = bandEdgesCents[index];
    return { ...(minCents === undefined ? {} : { minCents }), ...(next === undefined ? {} : { maxCents: next - 1 }), count: 0 };
  });
}
