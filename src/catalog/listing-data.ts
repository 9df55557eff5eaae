import type { DbOrTx } from '../db/database.js';
import type { CatalogCache } from './catalog-cache.js';
import { descendantIds, type CategoryNode, type CategoryTree } from './categories.js';
import { countListing, facetsFromCounts, type Facets } from './facets.js';
import type { ListingQuery } from './listing-query.js';
import { findProducts, type ProductPageResult } from './products.js';
import { findVariantBySku } from './product-detail.js';
import { nearestCategories } from './search.js';

/** What a listing or search page shows below its heading. */
export interface ListingData {
  result: ProductPageResult;
  facets: Facets;
  /** Offered when a search finds nothing. */
  nearbyCategories: { slug: string; name: string }[];
}

/** A search for an exact SKU goes straight to that product and variant. */
export interface SkuMatch {
  productPath: string;
}

export interface ListingScope {
  tree: CategoryTree;
  /** A category page: only products in it or below it. */
  pageCategory?: CategoryNode;
  /** The shopper's category filter on the all-products listing. */
  filterCategory?: CategoryNode;
}

type CachedListing = SkuMatch | (Omit<ListingData, 'facets'> & { facets: Omit<Facets, 'categoryCounts'> & { categoryCounts: [number, number][] } });

/** The listing for this query and scope, from the catalog cache when it holds it. */
export async function loadListing(db: DbOrTx, catalog: CatalogCache, query: ListingQuery, scope: ListingScope): Promise<ListingData | SkuMatch> {
  const shape = {
    kind: 'listing',
    page: scope.pageCategory?.id ?? null,
    filter: scope.filterCategory?.id ?? null,
    query: { ...query, brands: [...query.brands].sort() },
  };
  const cached = await catalog.list<CachedListing>(shape, async () => {
    const found = await queryListing(db, catalog, query, scope);
    return 'productPath' in found ? found : { ...found, facets: { ...found.facets, categoryCounts: [...found.facets.categoryCounts] } };
  });
  if ('productPath' in cached) return cached;
  return { ...cached, facets: { ...cached.facets, categoryCounts: new Map(cached.facets.categoryCounts) } };
}

async function queryListing(db: DbOrTx, catalog: CatalogCache, query: ListingQuery, scope: ListingScope): Promise<ListingData | SkuMatch> {
  const pageCategoryIds = scope.pageCategory ? descendantIds(scope.pageCategory) : undefined;
  const filterCategoryIds = !pageCategoryIds && scope.filterCategory ? descendantIds(scope.filterCategory) : undefined;
  const categories = { ...(pageCategoryIds ? { pageCategoryIds } : {}), ...(filterCategoryIds ? { filterCategoryIds } : {}) };
  if (query.q) {
    // A search's statement counts its facets over its matches. The exact-SKU lookup goes out
    // beside it rather than before it (one round trip less to wait for); a SKU that names a
    // variant wins and the search's answer is dropped.
    const [sku, { result, searchFacets }] = await Promise.all([findVariantBySku(db, query.q), findProducts(db, query, categories, { vocabulary: () => catalog.searchVocabulary() })]);
    if (sku) return { productPath: `/products/${sku.slug}?variant=${sku.variantId}` };
    const nearbyCategories = result.total === 0 ? await nearestCategories(db, query.q) : [];
    return { result, facets: facetsFromCounts(searchFacets!, scope.tree), nearbyCategories };
  }
  // A listing counts its facets and its total over the catalog cache's columns, in memory;
  // the statement then fetches only the page.
  const { facets, total } = countListing(await catalog.facetProducts(), query, {
    tree: scope.tree,
    ...(pageCategoryIds ? { pageCategoryIds } : {}),
    ...(scope.filterCategory ? { filterCategory: scope.filterCategory } : {}),
  });
  const { result } = await findProducts(db, query, categories, { total });
  return { result, facets, nearbyCategories: [] };
}
