import { sql, type SqlBool } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendantIds, loadCategoryTree, type CategoryTree } from '../../src/catalog/categories.js';
import { computeFacets, facetsFromCounts, loadFacetProducts, type FacetProduct, type Facets } from '../../src/catalog/facets.js';
import type { ListingQuery } from '../../src/catalog/listing-query.js';
import { findProducts } from '../../src/catalog/products.js';
import { searchTerms } from '../../src/catalog/search.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { rngFor } from '../../src/db/scale-catalog.js';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { createTestDatabase } from '../support/db.js';

/**
 * A search page counts its facets in its own statement (search-page.ts); listings count them
 * in memory (computeFacets). Both must follow the same rules: here the statement's counts and
 * total are compared with computeFacets over the same matches, found by a plain query, for
 * random filters on the demo catalog.
 */
let handle: DatabaseHandle;
let tree: CategoryTree;
let products: FacetProduct[];

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemoCatalog(handle.db);
  [tree, products] = await Promise.all([loadCategoryTree(handle.db), loadFacetProducts(handle.db)]);
});
afterAll(() => handle.close());

async function matchIds(q: string): Promise<Set<number>> {
  const rows = await handle.db
    .selectFrom('products')
    .select('id')
    .where(sql<SqlBool>`products.active and products.price_min_cents is not null`)
    .where(searchTerms(q)!.matches)
    .execute();
  return new Set(rows.map((row) => row.id));
}

const comparable = (facets: Facets) => ({ ...facets, categoryCounts: [...facets.categoryCounts].sort((a, b) => a[0] - b[0]) });

describe('search facets', () => {
  it('equal computeFacets over the same matches, whatever the filters', async () => {
    const words = ['watch', 'black', 'apple', 'red dress', 'wood', 'lamp', 'phone', '"leather bag"', 'shoes -red', 'nothingmatchesthis'];
    const categories = [...tree.byId.values()];
    for (let round = 0; round < 30; round++) {
      const rng = rngFor(7, round);
      const pick = <T>(items: T[]) => items[Math.floor(rng() * items.length)]!;
      const q = pick(words);
      const filters: ListingQuery & { q: string } = {
        q,
        brands: rng() < 0.5 ? [] : [pick(products).brand ?? 'Apple', 'Nobody'],
        inStock: rng() < 0.5,
        sort: pick(['relevance', 'price_asc', 'newest'] as const),
        page: 1,
        perPage: 24,
        ...(rng() < 0.4 ? { minPriceCents: 2_000 } : {}),
        ...(rng() < 0.4 ? { maxPriceCents: 60_000 } : {}),
      };
      const category = rng() < 0.5 ? pick(categories) : undefined;
      const onCategoryPage = category !== undefined && rng() < 0.5;
      const found = await findProducts(
        handle.db,
        filters,
        category ? (onCategoryPage ? { pageCategoryIds: descendantIds(category) } : { filterCategoryIds: descendantIds(category) }) : {},
      );
      const scope = {
        tree,
        matchIds: await matchIds(q),
        ...(category && onCategoryPage ? { pageCategoryIds: descendantIds(category) } : {}),
        ...(category && !onCategoryPage ? { filterCategory: category } : {}),
      };
      const expected = computeFacets(products, filters, scope);
      const label = `round ${round}: ${JSON.stringify({ filters, category: category?.slug, onCategoryPage })}`;
      if (found.result.correctedQuery) continue; // a typo corrected: counted over other words
      expect(comparable(facetsFromCounts(found.searchFacets!, tree)), label).toEqual(comparable(expected));
      const inCategory = new Set(category ? descendantIds(category) : []);
      const passing = products.filter(
        (p) =>
          scope.matchIds.has(p.id) &&
          (!category || (p.category_id !== null && inCategory.has(p.category_id))) &&
          (filters.brands.length === 0 || (p.brand !== null && filters.brands.includes(p.brand))) &&
          (filters.minPriceCents === undefined || p.price_min_cents >= filters.minPriceCents) &&
          (filters.maxPriceCents === undefined || p.price_min_cents <= filters.maxPriceCents) &&
          (!filters.inStock || p.stock_total > 0),
      );
      expect(found.result.total, label).toBe(passing.length);
      expect(found.result.items.map((item) => item.id).sort(), label).toEqual(passing.length <= 24 ? passing.map((p) => p.id).sort() : expect.any(Array));
      expect(found.result.items.length, label).toBe(Math.min(passing.length, 24));
    }
  });
});
