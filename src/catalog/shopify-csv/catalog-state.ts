import type { DbOrTx } from '../../db/database.js';
import type { FileDraft } from './draft-types.js';

/** The part of the catalog an import touches, read in a few batched queries (never one per row). */

export interface ExistingVariant {
  id: number;
  product_id: number;
  sku: string;
  options: Record<string, string>;
  price_cents: number;
  compare_at_cents: number | null;
  stock: number;
  weight_grams: number | null;
  position: number;
}

export interface ExistingImage {
  id: number;
  product_id: number;
  variant_id: number | null;
  url: string;
  alt: string;
  position: number;
}

export interface ExistingProduct {
  id: number;
  slug: string;
  name: string;
  description: string;
  brand: string | null;
  category_id: number | null;
  active: boolean;
  option_names: string[];
  tags: string[];
  seo_title: string | null;
  seo_description: string | null;
  variants: ExistingVariant[];
  images: ExistingImage[];
}

export interface ExistingCategory {
  id: number;
  parent_id: number | null;
  slug: string;
  name: string;
  position: number;
}

export interface CatalogState {
  productsBySlug: Map<string, ExistingProduct>;
  /** Who holds each SKU the file names. */
  skuOwners: Map<string, { productId: number; slug: string }>;
  categories: ExistingCategory[];
}

const CHUNK = 1_000;

export async function loadCatalogState(db: DbOrTx, draft: FileDraft): Promise<CatalogState> {
  const productsBySlug = await loadProducts(db, draft.products.map((product) => product.slug));
  const skus = draft.products.flatMap((product) => product.variants.map((variant) => variant.sku));
  const skuOwners = new Map<string, { productId: number; slug: string }>();
  for (const part of chunks(skus)) {
    const owners = await db.selectFrom('product_variants as v').innerJoin('products as p', 'p.id', 'v.product_id').select(['v.sku', 'p.id', 'p.slug']).where('v.sku', 'in', part).execute();
    for (const owner of owners) skuOwners.set(owner.sku, { productId: owner.id, slug: owner.slug });
  }
  const categories = await db.selectFrom('categories').select(['id', 'parent_id', 'slug', 'name', 'position']).orderBy('id').execute();
  return { productsBySlug, skuOwners, categories };
}

async function loadProducts(db: DbOrTx, slugs: string[]): Promise<Map<string, ExistingProduct>> {
  const products = new Map<string, ExistingProduct>();
  for (const part of chunks(slugs)) {
    const rows = await db
      .selectFrom('products')
      .select(['id', 'slug', 'name', 'description', 'brand', 'category_id', 'active', 'option_names', 'tags', 'seo_title', 'seo_description'])
      .where('slug', 'in', part)
      .execute();
    if (rows.length === 0) continue;
    const ids = rows.map((row) => row.id);
    const variants = await db.selectFrom('product_variants').select(['id', 'product_id', 'sku', 'options', 'price_cents', 'compare_at_cents', 'stock', 'weight_grams', 'position']).where('product_id', 'in', ids).orderBy('position').orderBy('id').execute();
    const images = await db.selectFrom('product_images').select(['id', 'product_id', 'variant_id', 'url', 'alt', 'position']).where('product_id', 'in', ids).orderBy('position').orderBy('id').execute();
    const variantsOf = groupBy(variants, (variant) => variant.product_id);
    const imagesOf = groupBy(images, (image) => image.product_id);
    for (const row of rows) products.set(row.slug, { ...row, variants: variantsOf.get(row.id) ?? [], images: imagesOf.get(row.id) ?? [] });
  }
  return products;
}

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

export function groupBy<T, K>(items: T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
