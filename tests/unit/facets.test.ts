import { describe, expect, it } from 'vitest';
import { buildCategoryTree, descendantIds, type CategoryTree } from '../../src/catalog/categories.js';
import { computeFacets, type FacetProduct, type Facets } from '../../src/catalog/facets.js';
import type { ListingQuery } from '../../src/catalog/listing-query.js';
import { rngFor } from '../../src/db/scale-catalog.js';

/** The plain rules, product by product: what computeFacets's columnar pass must agree with. */
function reference(products: FacetProduct[], filters: ListingQuery, scope: Parameters<typeof computeFacets>[2]): Facets {
  const page = scope.pageCategoryIds ? new Set(scope.pageCategoryIds) : undefined;
  const filter = scope.filterCategory ? new Set(descendantIds(scope.filterCategory)) : undefined;
  const brands = new Set(filters.brands);
  const inRange = (cents: number, min?: number, max?: number) => (min === undefined || cents >= min) && (max === undefined || cents <= max);
  const passes = (p: FacetProduct, except: string) =>
    (!scope.matchIds || scope.matchIds.has(p.id)) &&
    (!page || (p.category_id !== null && page.has(p.category_id))) &&
    (except === 'category' || !filter || (p.category_id !== null && filter.has(p.category_id))) &&
    (except === 'brand' || brands.size === 0 || (p.brand !== null && brands.has(p.brand))) &&
    (except === 'price' || inRange(p.price_min_cents, filters.minPriceCents, filters.maxPriceCents)) &&
    (except === 'stock' || !filters.inStock || p.stock_total > 0);
  const edges = [2_500, 5_000, 10_000, 25_000, 50_000, 100_000];
  const bands = [undefined, ...edges].map((minCents, index) => ({
    ...(minCents === undefined ? {} : { minCents }),
    ...(edges[index] === undefined ? {} : { maxCents: edges[index]! - 1 }),
    count: 0,
  }));
  const categoryCounts = new Map<number, number>();
  const brandCounts = new Map<string, number>();
  let inStock = 0;
  for (const p of products) {
    if (passes(p, 'category') && p.category_id !== null) {
      for (let node = scope.tree.byId.get(p.category_id); node; node = node.parent_id === null ? undefined : scope.tree.byId.get(node.parent_id)) {
        categoryCounts.set(node.id, (categoryCounts.get(node.id) ?? 0) + 1);
      }
    }
    if (passes(p, 'brand') && p.brand !== null) brandCounts.set(p.brand, (brandCounts.get(p.brand) ?? 0) + 1);
    if (passes(p, 'price')) for (const band of bands) if (inRange(p.price_min_cents, band.minCents, band.maxCents)) band.count++;
    if (passes(p, 'stock') && p.stock_total > 0) inStock++;
  }
  return {
    categoryCounts,
    brands: [...brandCounts].map(([brand, count]) => ({ brand, count })).sort((a, b) => a.brand.localeCompare(b.brand)),
    priceBands: bands,
    inStock,
  };
}

function tree(): CategoryTree {
  const row = (id: number, parent_id: number | null) => ({ id, parent_id, slug: `c${id}`, name: `C${id}`, description: '', position: id });
  return buildCategoryTree([row(1, null), row(2, 1), row(3, 1), row(4, 2), row(5, null), row(6, 5)]);
}

const sorted = (facets: Facets) => ({ ...facets, categoryCounts: [...facets.categoryCounts].sort((a, b) => a[0] - b[0]) });

describe('computeFacets', () => {
  it('agrees with the product-by-product rules on random catalogs and filters', () => {
    const categories = tree();
    for (let round = 0; round < 40; round++) {
      const rng = rngFor(99, round);
      const products: FacetProduct[] = Array.from({ length: 300 }, (_, index) => ({
        id: index + 1,
        category_id: rng() < 0.05 ? null : [2, 3, 4, 6, 99][Math.floor(rng() * 5)]!,
        brand: rng() < 0.2 ? null : `Brand ${Math.floor(rng() * 7)}`,
        price_min_cents: Math.floor(rng() * 150_000),
        stock_total: rng() < 0.3 ? 0 : Math.floor(rng() * 50),
      }));
      const filters: ListingQuery = {
        brands: rng() < 0.5 ? [] : ['Brand 1', 'Brand 3', 'Nobody'],
        inStock: rng() < 0.5,
        sort: 'newest',
        page: 1,
        perPage: 24,
        ...(rng() < 0.5 ? { minPriceCents: 2_500 } : {}),
        ...(rng() < 0.5 ? { maxPriceCents: 49_999 } : {}),
      };
      const scope: Parameters<typeof computeFacets>[2] = {
        tree: categories,
        ...(rng() < 0.3 ? { pageCategoryIds: descendantIds(categories.byId.get(1)!) } : {}),
        ...(rng() < 0.3 ? { filterCategory: categories.byId.get(2)! } : {}),
        ...(rng() < 0.5 ? { matchIds: new Set(products.filter(() => rng() < 0.4).map((p) => p.id)) } : {}),
      };
      expect(sorted(computeFacets(products, filters, scope)), `round ${round}`).toEqual(sorted(reference(products, filters, scope)));
    }
  });
});
