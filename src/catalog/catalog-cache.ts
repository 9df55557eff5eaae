import type { DbOrTx } from '../db/database.js';
import { loadCategoryTree, type CategoryTree } from './categories.js';
import { loadFacetProducts, type FacetProduct } from './facets.js';

/**
 * Catalog-wide reads that every page needs and that change only when staff edit the
 * catalog: the category tree and the columns facets count by. Kept in this process for a short time;
 * concurrent misses share one load, so a burst of requests makes one query, not hundreds.
 * Staff edits call invalidate().
 */
export interface CatalogCache {
  categoryTree(): Promise<CategoryTree>;
  facetProducts(): Promise<FacetProduct[]>;
  invalidate(): void;
}

export function createCatalogCache(db: DbOrTx, ttlMs = 30_000, now: () => number = Date.now): CatalogCache {
  const entries = new Map<string, { expiresAt: number; value: Promise<unknown> }>();

  function remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const cached = entries.get(key);
    if (cached && cached.expiresAt > now()) return cached.value as Promise<T>;
    const value = load();
    entries.set(key, { expiresAt: now() + ttlMs, value });
    // A failed load must not be served from the cache until it expires.
    value.catch(() => entries.get(key)?.value === value && entries.delete(key));
    return value;
  }

  return {
    categoryTree: () => remember('categories', () => loadCategoryTree(db)),
    facetProducts: () => remember('facet-products', () => loadFacetProducts(db)),
    invalidate: () => entries.clear(),
  };
}
