import type { DbOrTx } from '../db/database.js';
import type { CatalogCache } from './catalog-cache.js';
import { descendantIds, type CategoryNode, type CategoryTree } from './categories.js';
import { computeFacets, facetsFromCounts, type Facets } from './facets.js';
import type { ListingQuery } from './listing-query.js';
import { findProducts, findVariantBySku, type ProductPageResult } from './products.js';
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
  const sku = query.q ? await findVariantBySku(db, query.q) : undefined;
  if (sku) return { productPath: `/products/${sku.slug}?variant=${sku.variantId}` };
  const pageCategoryIds = scope.pageCategory ? descendantIds(scope.pageCategory) : undefined;
  const filterCategoryIds = !pageCategoryIds && scope.filterCategory ? descendantIds(scope.filterCategory) : undefined;
  const categories = { ...(pageCategoryIds ? { pageCategoryIds } : {}), ...(filterCategoryIds ? { filterCategoryIds } : {}) };
  const { result, searchFacets } = await findProducts(db, query, categories, () => catalog.searchVocabulary());
  // A search's statement counted its facets over its matches; a listing counts them here,
  // over the catalog cache's columns.
  const [facets, nearbyCategories] = await Promise.all([
    searchFacets ? facetsFromCounts(searchFacets, scope.tree) : listingFacets(catalog, query, scope, pageCategoryIds),
    result.total === 0 && query.q ? nearestCategories(db, query.q) : [],
  ]);
  return { result, facets, nearbyCategories };
}

async function listingFacets(catalog: CatalogCache, query: ListingQuery, scope: ListingScope, pageCategoryIds: number[] | undefined): Promise<Facets> {
  return computeFacets(await catalog.facetProducts(), query, {
    tree: scope.tree,
    ...(pageCategoryIds ? { pageCategoryIds } : {}),
    ...(scope.filterCategory ? { filterCategory: scope.filterCategory } : {}),
  });
}
