import type { DbOrTx } from '../db/database.js';
import type { CatalogCache } from './catalog-cache.js';
import { descendantIds, type CategoryNode, type CategoryTree } from './categories.js';
import { computeFacets, searchMatchIds, type Facets } from './facets.js';
import type { ListingQuery } from './listing-query.js';
import { findVariantBySku, listProducts, type ProductPageResult } from './products.js';
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
  const categoryIds = scope.pageCategory ? descendantIds(scope.pageCategory) : scope.filterCategory ? descendantIds(scope.filterCategory) : undefined;
  const result = await listProducts(db, query, categoryIds);
  const searched = result.correctedQuery ?? query.q;
  const [matchIds, nearbyCategories, products] = await Promise.all([
    searchMatchIds(db, searched),
    result.total === 0 && query.q ? nearestCategories(db, query.q) : [],
    catalog.facetProducts(),
  ]);
  const facets = computeFacets(products, query, {
    tree: scope.tree,
    ...(scope.pageCategory ? { pageCategoryIds: descendantIds(scope.pageCategory) } : {}),
    ...(scope.filterCategory ? { filterCategory: scope.filterCategory } : {}),
    ...(matchIds ? { matchIds } : {}),
  });
  return { result, facets, nearbyCategories };
}
