import type { z } from '@hono/zod-openapi';
import { ancestry, type CategoryNode, type CategoryTree as Tree } from '../../catalog/categories.js';
import type { ListingData, SkuMatch } from '../../catalog/listing-data.js';
import type { ProductCard as Card } from '../../catalog/products.js';
import type { ProductDetail as Detail } from '../../catalog/product-detail.js';
import type { Suggestions as Found } from '../../catalog/search.js';
import { stockLevel } from '../../catalog/variants.js';
import type { Config } from '../../config.js';
import { money, type CategoryTree, type Facets, type ProductCard, type ProductDetail, type ProductList, type Suggestions } from './catalog.js';

type Json<T extends z.ZodType> = z.infer<T>;
type Urls = Pick<Config, 'APP_URL' | 'CURRENCY'>;

/** Pictures may be stored as paths on this store ("/media/…"): apps get absolute URLs. */
export const absoluteUrl = (url: string, config: Pick<Config, 'APP_URL'>): string => new URL(url, config.APP_URL).toString();

export function productCardJson(card: Card, config: Urls): Json<typeof ProductCard> {
  const currency = config.CURRENCY;
  return {
    id: card.id,
    slug: card.slug,
    name: card.name,
    brand: card.brand,
    price: money(card.price_min_cents, currency),
    maxPrice: money(card.price_max_cents, currency),
    compareAtPrice: card.compare_at_cents === null ? null : money(card.compare_at_cents, currency),
    inStock: card.stock_total > 0,
    image: card.image_url ? { url: absoluteUrl(card.image_url, config), alt: card.image_alt ?? card.name } : null,
    singleVariantId: card.single_variant_id,
  };
}

function facetsJson(facets: ListingData['facets'], tree: Tree, currency: string): Json<typeof Facets> {
  const categories = [...facets.categoryCounts].flatMap(([id, count]) => {
    const node = tree.byId.get(id);
    return node ? [{ id, slug: node.slug, name: node.name, parentId: node.parent_id, count }] : [];
  });
  return {
    categories,
    brands: facets.brands,
    priceBands: facets.priceBands.map((band) => ({
      min: band.minCents === undefined ? null : money(band.minCents, currency),
      max: band.maxCents === undefined ? null : money(band.maxCents, currency),
      count: band.count,
    })),
    inStock: facets.inStock,
  };
}

export function listingJson(found: ListingData | SkuMatch, context: { tree: Tree; limit: number; config: Urls }): Json<typeof ProductList> {
  if ('productPath' in found) {
    // The shop redirects to /products/<slug>?variant=<id>; an app gets the same as data.
    const target = new URL(found.productPath, 'http://shop.invalid');
    const exactMatch = { slug: target.pathname.replace('/products/', ''), variantId: Number(target.searchParams.get('variant')) };
    return { items: [], page: 1, limit: context.limit, total: 0, totalPages: 0, exactMatch };
  }
  const { result } = found;
  return {
    items: result.items.map((card) => productCardJson(card, context.config)),
    page: result.page,
    limit: context.limit,
    total: result.total,
    totalPages: result.pageCount,
    facets: facetsJson(found.facets, context.tree, context.config.CURRENCY),
    ...(result.correctedQuery ? { correctedQuery: result.correctedQuery } : {}),
    ...(found.nearbyCategories.length ? { nearbyCategories: found.nearbyCategories } : {}),
  };
}

export function productJson(product: Detail, tree: Tree, config: Urls): Json<typeof ProductDetail> {
  const currency = config.CURRENCY;
  const category = product.category_id === null ? undefined : tree.byId.get(product.category_id);
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    description: product.description,
    brand: product.brand,
    url: absoluteUrl(`/products/${product.slug}`, config),
    category: category ? { id: category.id, slug: category.slug, name: category.name, path: ancestry(tree, category).map(({ slug, name }) => ({ slug, name })) } : null,
    optionNames: product.option_names,
    variants: product.variants.map((variant) => {
      const level = stockLevel(variant.stock);
      return {
        id: variant.id,
        sku: variant.sku,
        options: variant.options,
        price: money(variant.price_cents, currency),
        compareAtPrice: variant.compare_at_cents === null ? null : money(variant.compare_at_cents, currency),
        inStock: level !== 'out',
        stockStatus: level,
        availableQuantity: level === 'low' ? variant.stock : null,
        weightGrams: variant.weight_grams,
      };
    }),
    images: product.images.map((image) => ({ id: image.id, url: absoluteUrl(image.url, config), alt: image.alt, variantId: image.variant_id })),
  };
}

/** Depth first, in display order, so a client can rebuild the tree in one pass. */
export function categoryTreeJson(tree: Tree): Json<typeof CategoryTree> {
  const items: Json<typeof CategoryTree>['items'] = [];
  const visit = (node: CategoryNode, depth: number) => {
    items.push({ id: node.id, parentId: node.parent_id, slug: node.slug, name: node.name, description: node.description, position: node.position, depth });
    node.children.forEach((child) => visit(child, depth + 1));
  };
  tree.roots.forEach((root) => visit(root, 0));
  return { items };
}

export function suggestionsJson(found: Found, currency: string): Json<typeof Suggestions> {
  return {
    products: found.products.map((product) => ({ slug: product.slug, name: product.name, brand: product.brand, price: money(product.price_min_cents, currency) })),
    categories: found.categories,
    ...(found.correctedQuery ? { correctedQuery: found.correctedQuery } : {}),
  };
}
