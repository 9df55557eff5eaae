import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DbOrTx } from '../db/database.js';
import type { Product, ProductImage, ProductVariant } from '../db/schema.js';
import { isActive } from './search.js';

/** What a product page shows of a variant and of a picture. */
export type VariantView = Pick<ProductVariant, 'id' | 'sku' | 'options' | 'price_cents' | 'compare_at_cents' | 'stock' | 'weight_grams'>;
export type ImageView = Pick<ProductImage, 'id' | 'variant_id' | 'url' | 'alt'>;

export type ProductDetail = Pick<Product, 'id' | 'slug' | 'name' | 'description' | 'brand' | 'category_id' | 'option_names'> & {
  variants: VariantView[];
  images: ImageView[];
};

/** An active product with its active variants and its pictures, in one statement; or undefined. */
export async function findProductBySlug(db: DbOrTx, slug: string): Promise<ProductDetail | undefined> {
  const product = await db
    .selectFrom('products')
    .where('products.slug', '=', slug)
    .where(isActive('products'))
    .select((eb) => [
      'products.id',
      'products.slug',
      'products.name',
      'products.description',
      'products.brand',
      'products.category_id',
      'products.option_names',
      jsonArrayFrom(
        eb
          .selectFrom('product_variants')
          .select(['id', 'sku', 'options', 'price_cents', 'compare_at_cents', 'stock', 'weight_grams'])
          .whereRef('product_variants.product_id', '=', 'products.id')
          .where(isActive('product_variants'))
          .orderBy('product_variants.position')
          .orderBy('product_variants.id'),
      ).as('variants'),
      jsonArrayFrom(
        eb
          .selectFrom('product_images')
          .select(['id', 'variant_id', 'url', 'alt'])
          .whereRef('product_images.product_id', '=', 'products.id')
          .orderBy('product_images.position')
          .orderBy('product_images.id'),
      ).as('images'),
    ])
    .executeTakeFirst();
  return product && product.variants.length > 0 ? product : undefined;
}

/** The product and variant an exact SKU names ("BEA-ESS-ESS-001"), among active products. */
export async function findVariantBySku(db: DbOrTx, text: string): Promise<{ slug: string; variantId: number } | undefined> {
  const sku = text.trim();
  if (!/^[\w.-]{3,64}$/.test(sku)) return undefined;
  return db
    .selectFrom('product_variants')
    .innerJoin('products', 'products.id', 'product_variants.product_id')
    .select(['products.slug', 'product_variants.id as variantId'])
    .where('product_variants.sku', 'in', [...new Set([sku, sku.toUpperCase()])])
    .where(isActive('product_variants'))
    .where(isActive('products'))
    .executeTakeFirst();
}
