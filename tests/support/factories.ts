import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.js';
import type { NewCategory, NewProduct, NewProductVariant } from '../../src/db/schema.js';

const unique = () => randomBytes(4).toString('hex');

export async function insertCategory(db: Db, overrides: Partial<NewCategory> = {}) {
  const suffix = unique();
  return db
    .insertInto('categories')
    .values({ slug: `category-${suffix}`, name: `Category ${suffix}`, parent_id: null, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow();
}

type VariantOverrides = Partial<Omit<NewProductVariant, 'product_id' | 'options'>> & { options?: Record<string, string> };

/** A product with its variants (one by default) and one image. */
export async function insertProduct(
  db: Db,
  overrides: Partial<NewProduct> = {},
  variants: VariantOverrides[] = [{}],
  images: { url: string; alt?: string; variantIndex?: number }[] = [{ url: 'https://images.example/p.webp' }],
) {
  const suffix = unique();
  const product = await db
    .insertInto('products')
    .values({ slug: `product-${suffix}`, name: `Product ${suffix}`, description: 'A fine product.', brand: null, category_id: null, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow();
  const insertedVariants = [];
  for (const [index, variant] of variants.entries()) {
    const { options, ...rest } = variant;
    insertedVariants.push(
      await db
        .insertInto('product_variants')
        .values({
          product_id: product.id,
          sku: `SKU-${suffix}-${index}`,
          price_cents: 1000,
          compare_at_cents: null,
          stock: 10,
          weight_grams: null,
          position: index,
          ...rest,
          options: JSON.stringify(options ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }
  for (const [position, image] of images.entries()) {
    const variantId = image.variantIndex === undefined ? null : insertedVariants[image.variantIndex]!.id;
    await db
      .insertInto('product_images')
      .values({ product_id: product.id, variant_id: variantId, url: image.url, alt: image.alt ?? product.name, position })
      .execute();
  }
  return { product, variants: insertedVariants };
}
