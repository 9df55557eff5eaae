import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { chunks } from './catalog-state.js';
import type { ProductWrite } from './plan-types.js';

/**
 * A batch of products written in a handful of statements: one multi-row insert per table, and
 * one UPDATE … FROM jsonb_to_recordset(…) per table for the changed rows (one parameter, however
 * many rows), never a round trip per product or per cell.
 */

type Trx = Transaction<Database>;

/** Inserts the new products and updates the changed ones; returns every product's id by slug. */
export async function writeProducts(trx: Trx, batch: ProductWrite[], categoryId: (key: string | null) => number | null): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const rowOf = (write: ProductWrite) => {
    const { category, ...values } = write.values!;
    return { ...values, category_id: categoryId(category) };
  };
  const created = batch.filter((write) => write.id === null);
  if (created.length > 0) {
    const inserted = await trx.insertInto('products').values(created.map((write) => ({ slug: write.slug, ...rowOf(write) }))).returning(['id', 'slug']).execute();
    for (const row of inserted) ids.set(row.slug, row.id);
  }
  const changed = batch.filter((write) => write.id !== null && write.values !== null).map((write) => ({ id: write.id, ...rowOf(write) }));
  if (changed.length > 0) {
    await sql`
      UPDATE products AS p SET name = v.name, description = v.description, brand = v.brand, category_id = v.category_id, active = v.active,
        option_names = v.option_names, tags = v.tags, seo_title = v.seo_title, seo_description = v.seo_description, updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS v(id integer, name text, description text, brand text, category_id integer,
        active boolean, option_names text[], tags text[], seo_title text, seo_description text)
      WHERE p.id = v.id`.execute(trx);
  }
  for (const write of batch) if (write.id !== null) ids.set(write.slug, write.id);
  return ids;
}

export async function writeVariants(trx: Trx, batch: ProductWrite[], productIds: Map<string, number>): Promise<void> {
  const all = batch.flatMap((write) => write.variants.map((variant) => ({ ...variant, product_id: productIds.get(write.slug)! })));
  const created = all.filter((variant) => variant.id === null);
  for (const part of chunks(created)) {
    await trx
      .insertInto('product_variants')
      .values(part.map(({ id: _id, options, stock, ...variant }) => ({ ...variant, options: JSON.stringify(options), stock: stock ?? 0 })))
      .execute();
  }
  const changed = all.filter((variant) => variant.id !== null);
  if (changed.length === 0) return;
  // A NULL stock leaves the stock as it is; the history trigger records only real changes.
  await sql`
    UPDATE product_variants AS pv SET options = v.options, price_cents = v.price_cents, compare_at_cents = v.compare_at_cents,
      stock = COALESCE(v.stock, pv.stock), weight_grams = v.weight_grams, position = v.position, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS v(id integer, options jsonb, price_cents integer, compare_at_cents integer,
      stock integer, weight_grams integer, position integer)
    WHERE pv.id = v.id`.execute(trx);
}

export async function writeImages(trx: Trx, batch: ProductWrite[], productIds: Map<string, number>): Promise<void> {
  const all = batch.flatMap((write) => write.images.map((image) => ({ ...image, product_id: productIds.get(write.slug)! })));
  if (all.length === 0) return;
  const variantIds = await variantIdsBySku(trx, [...new Set(all.flatMap((image) => (image.variantSku === null ? [] : [image.variantSku])))]);
  const rows = all.map(({ variantSku, variantId, ...image }) => ({ ...image, variant_id: variantSku === null ? variantId : (variantIds.get(variantSku) ?? null) }));
  const created = rows.filter((image) => image.id === null);
  for (const part of chunks(created)) await trx.insertInto('product_images').values(part.map(({ id: _id, ...image }) => image)).execute();
  const changed = rows.filter((image) => image.id !== null).map(({ id, alt, position, variant_id }) => ({ id, alt, position, variant_id }));
  if (changed.length === 0) return;
  await sql`
    UPDATE product_images AS pi SET alt = v.alt, position = v.position, variant_id = v.variant_id
    FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS v(id integer, alt text, position integer, variant_id integer)
    WHERE pi.id = v.id`.execute(trx);
}

/**
 * What the variant triggers would have done row by row (migrations/20261125200000_defer_product_refresh.ts):
 * each product's price and stock summary and its search document, once, in id order.
 */
export async function refreshProducts(trx: Trx, productIds: number[]): Promise<void> {
  if (productIds.length === 0) return;
  await sql`SELECT refresh_product_summary(id) FROM products WHERE id IN (${sql.join(productIds)}) ORDER BY id`.execute(trx);
  await sql`UPDATE products SET search_document = product_search_document(id, name, brand, description, category_id) WHERE id IN (${sql.join(productIds)})`.execute(trx);
}

async function variantIdsBySku(trx: Trx, skus: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks(skus)) {
    for (const row of await trx.selectFrom('product_variants').select(['id', 'sku']).where('sku', 'in', part).execute()) ids.set(row.sku, row.id);
  }
  return ids;
}
