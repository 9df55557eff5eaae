import { createHash, randomUUID } from 'node:crypto';
import type { DbOrTx } from '../db/database.js';
import type { JsonCache } from '../store/json-cache.js';
import { buildCategoryTree, loadCategoryRows, type CategoryTree } from './categories.js';
import { loadFacetProducts, type FacetProduct } from './facets.js';
import { findProductBySlug, type ProductDetail } from './product-detail.js';
import { loadSearchVocabulary, type Vocabulary } from './search.js';

/**
 * How long a page rendered from catalog data may be kept as bytes in each process (the page
 * cache, src/web/page-cache.ts): the safety net should an invalidation message be lost.
 */
export const PAGE_BYTES_TTL_SECONDS = 5;
/**
 * How long each kind of catalog read is kept in the store. Lists and products are kept the page
 * cache's TTL less, so a page shows data (stock) at most 5 and 10 minutes old, data and page
 * bytes together, as it did before pages were cached (docs/decisions/0010).
 */
export const CATALOG_TTL_SECONDS = { list: 5 * 60 - PAGE_BYTES_TTL_SECONDS, product: 10 * 60 - PAGE_BYTES_TTL_SECONDS, tree: 60 * 60 } as const;
/** How long this process trusts its own copy of hot, small reads before asking the store again. */
const LOCAL_MS = { tree: 5_000, facets: 30_000, vocabulary: 30_000 } as const;
const GENERATION_KEY = 'catalog:generation';

/**
 * The catalog's reads, cached in the store (Redis when configured, so every server process
 * shares them). Pages cache data, never HTML: the header (cart count, account) is drawn per
 * request, so cached catalog data can be shared by every visitor.
 *
 * Every key carries the catalog's generation, and invalidate() starts a new one. That retires
 * everything at once, across processes, and it cannot race: a slow load that began before the
 * change writes under the old generation, which nobody reads any more (docs/decisions/0005).
 */
export interface CatalogCache {
  /** The category tree: store 1 h, and this process's copy for 5 s. */
  categoryTree(): Promise<CategoryTree>;
  /** The columns facets count by, kept in this process for 30 s. */
  facetProducts(): Promise<FacetProduct[]>;
  /** The words typos are corrected to (a thousand rows), kept in this process for 30 s. */
  searchVocabulary(): Promise<Vocabulary>;
  /** A product page's product: 10 min. */
  product(slug: string): Promise<ProductDetail | undefined>;
  /** Any list (listing page, search, suggestions, home): 5 min, keyed by everything that shapes it. */
  list<T>(shape: Record<string, unknown>, load: () => Promise<T>): Promise<T>;
  /**
   * The catalog changed (a product, its stock or price, a category): drops every product page,
   * every list and the tree. Staff actions call it after their transaction commits.
   */
  invalidate(): Promise<void>;
  /** Called after every invalidate() here (the page cache drops its bytes and tells the other processes). */
  onInvalidate(listener: () => void): () => void;
  /**
   * Another process invalidated: forget this process's short-lived copies (tree, facets, vocabulary) now
   * rather than when they expire. The store's entries are already retired by the generation.
   */
  forgetLocalCopies(): void;
}

export interface CatalogCacheOptions {
  now?: () => number;
}

export function createCatalogCache(db: DbOrTx, cache: JsonCache, options: CatalogCacheOptions = {}): CatalogCache {
  const now = options.now ?? Date.now;
  const local = new Map<string, { expiresAt: number; value: Promise<unknown> }>();
  const listeners = new Set<() => void>();

  /** Kept in this process a short while; a failed load is not kept. */
  function remember<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
    const held = local.get(key);
    if (held && held.expiresAt > now()) return held.value as Promise<T>;
    const value = load();
    local.set(key, { expiresAt: now() + ttlMs, value });
    value.catch(() => local.get(key)?.value === value && local.delete(key));
    return value;
  }

  const generation = async () => (await cache.read(GENERATION_KEY)) ?? 'initial';
  const keyed = async (kind: string, id: string) => `catalog:${await generation()}:${kind}:${id}`;

  return {
    categoryTree: () =>
      remember('tree', LOCAL_MS.tree, async () => {
        const rows = await cache.getOrLoad(await keyed('tree', 'all'), CATALOG_TTL_SECONDS.tree, () => loadCategoryRows(db));
        return buildCategoryTree(rows);
      }),
    facetProducts: () => remember('facets', LOCAL_MS.facets, () => loadFacetProducts(db)),
    searchVocabulary: () => remember('vocabulary', LOCAL_MS.vocabulary, () => loadSearchVocabulary(db)),
    product: async (slug) => cache.getOrLoad(await keyed('product', slug), CATALOG_TTL_SECONDS.product, () => findProductBySlug(db, slug)),
    list: async (shape, load) => cache.getOrLoad(await keyed('list', digest(shape)), CATALOG_TTL_SECONDS.list, load),
    invalidate: async () => {
      local.clear();
      // Listeners run even when the store is away: this process's pages must not outlive the edit.
      try {
        await cache.write(GENERATION_KEY, randomUUID());
      } finally {
        for (const listener of listeners) listener();
      }
    },
    onInvalidate: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    forgetLocalCopies: () => local.clear(),
  };
}

/** A short, fixed-length key for a list's shape (the search text alone may be long). */
function digest(shape: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 32);
}
