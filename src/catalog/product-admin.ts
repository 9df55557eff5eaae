import { sql, type Transaction } from 'kysely';
import { changedFields, recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { Database, Product, ProductVariant } from '../db/schema.js';
import type { FieldErrors, ProductInput, VariantInput } from './product-form.js';

/** Who is acting, for the audit trail and the stock history. */
export interface Actor {
  actorId: number;
  ip: string | null;
}

/** A rule only the database can check (a slug or SKU already taken): the form is shown again with these. */
export class ProductFormError extends Error {
  override name = 'ProductFormError';
  constructor(readonly errors: FieldErrors) {
    super('The product could not be saved.');
  }
}

/** An ordered product is kept for its orders' sake: staff deactivate it instead. */
export class ProductInUseError extends Error {
  override name = 'ProductInUseError';
}

type Tx = Transaction<Database>;
type AuditedVariant = Pick<ProductVariant, 'sku' | 'options' | 'price_cents' | 'compare_at_cents' | 'stock' | 'weight_grams' | 'active'>;

const productRow = (input: ProductInput) => ({
  name: input.name,
  slug: input.slug,
  description: input.description,
  brand: input.brand,
  category_id: input.categoryId,
  active: input.active,
  featured: input.featured,
  seo_title: input.seoTitle,
  seo_description: input.seoDescription,
  tags: input.tags,
  option_names: input.optionNames,
});

const variantRow = (variant: VariantInput): AuditedVariant => ({
  sku: variant.sku,
  options: variant.options,
  price_cents: variant.priceCents,
  compare_at_cents: variant.compareAtCents,
  stock: variant.stock,
  weight_grams: variant.weightGrams,
  active: variant.active,
});

const auditedVariant = (variant: ProductVariant): AuditedVariant => ({
  sku: variant.sku,
  options: variant.options,
  price_cents: variant.price_cents,
  compare_at_cents: variant.compare_at_cents,
  stock: variant.stock,
  weight_grams: variant.weight_grams,
  active: variant.active,
});

/**
 * Stock changes in this transaction are recorded by the trigger as staff edits by this actor;
 * a new variant's first stock keeps the trigger's own reason, 'created'.
 */
async function sayStockReason(trx: Tx, actor: Actor, reason: 'edit' | '' = 'edit'): Promise<void> {
  await sql`SELECT set_config('hyperstore.stock_reason', ${reason}, true), set_config('hyperstore.actor_user_id', ${String(actor.actorId)}, true)`.execute(trx);
}

/** Slug, category and SKUs checked against the database; throws ProductFormError naming each field. */
async function checkTaken(trx: Tx, input: ProductInput, productId: number | undefined, existing: ProductVariant[]): Promise<void> {
  const errors: FieldErrors = {};
  let slugOwner = trx.selectFrom('products').select('name').where('slug', '=', input.slug);
  if (productId !== undefined) slugOwner = slugOwner.where('id', '<>', productId);
  const taken = await slugOwner.executeTakeFirst();
  if (taken) errors.slug = `This slug is already used by “${taken.name}”; choose another.`;
  if (input.categoryId !== null && !(await trx.selectFrom('categories').select('id').where('id', '=', input.categoryId).executeTakeFirst())) {
    errors.category_id = 'Choose a category from the list.';
  }
  const ownIds = new Set(existing.map((variant) => variant.id));
  for (const variant of input.variants) {
    if (variant.id !== undefined && !ownIds.has(variant.id)) errors[`v${variant.row}_sku`] = 'This row names a variant of another product; reload the page.';
  }
  const skus = input.variants.map((variant) => variant.sku);
  const holders = skus.length ? await trx.selectFrom('product_variants').select(['id', 'sku']).where('sku', 'in', skus).execute() : [];
  // A SKU may stay on its own variant, or pass from a variant this save deletes; nowhere else.
  const deleting = new Set(input.removeIds);
  for (const holder of holders) {
    const row = input.variants.find((variant) => variant.sku === holder.sku)!;
    if (holder.id !== row.id && !(ownIds.has(holder.id) && deleting.has(holder.id))) errors[`v${row.row}_sku`] = `SKU ${holder.sku} is already used by another variant.`;
  }
  if (Object.keys(errors).length > 0) throw new ProductFormError(errors);
}

/** A unique key the checks above could not see (two staff saving at once) becomes the same field error. */
function asFormError(error: unknown, input: ProductInput): never {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError.code !== '23505') throw error;
  if (pgError.constraint?.startsWith('products_slug')) throw new ProductFormError({ slug: 'This slug was just taken; choose another.' });
  const row = input.variants[0]?.row ?? 0;
  throw new ProductFormError({ [`v${row}_sku`]: 'One of these SKUs was just taken by another variant; check them and save again.' });
}

/** Creates a product with its variants, audited as product.created; returns its id. */
export async function createProduct(db: Db, actor: Actor, input: ProductInput): Promise<number> {
  return db
    .transaction()
    .execute(async (trx) => {
      await sayStockReason(trx, actor, '');
      await checkTaken(trx, { ...input, variants: input.variants.map((variant) => ({ ...variant, id: undefined })), removeIds: [] }, undefined, []);
      const { id } = await trx.insertInto('products').values(productRow(input)).returning('id').executeTakeFirstOrThrow();
      for (const [position, variant] of input.variants.entries()) {
        const { options, ...rest } = variantRow(variant);
        await trx.insertInto('product_variants').values({ ...rest, options: JSON.stringify(options), product_id: id, position }).execute();
      }
      await recordAudit(trx, {
        action: 'product.created',
        actorUserId: actor.actorId,
        ip: actor.ip,
        entity: { type: 'product', id },
        after: { ...productRow(input), variants: input.variants.map(variantRow) },
      });
      return id;
    })
    .catch((error: unknown) => asFormError(error, input));
}

/** The variants of this product ever sold: they stay (deactivated) so order history keeps its link. */
async function orderedVariantIds(trx: DbOrTx, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await trx.selectFrom('order_items').select('variant_id').distinct().where('variant_id', 'in', ids).execute();
  return new Set(rows.map((row) => row.variant_id!));
}

interface VariantChanges {
  before: Record<string, unknown>[];
  after: Record<string, unknown>[];
}

/** Removes what the form asked to remove: deleted, or deactivated when it was ever ordered. */
async function removeVariants(trx: Tx, existing: ProductVariant[], removeIds: number[], changes: VariantChanges): Promise<void> {
  const removing = existing.filter((variant) => removeIds.includes(variant.id));
  const ordered = await orderedVariantIds(trx, removing.map((variant) => variant.id));
  for (const variant of removing) {
    if (ordered.has(variant.id)) {
      if (!variant.active) continue;
      await trx.updateTable('product_variants').set({ active: false, updated_at: new Date() }).where('id', '=', variant.id).execute();
      changes.before.push({ id: variant.id, sku: variant.sku, active: true });
      changes.after.push({ id: variant.id, sku: variant.sku, active: false });
    } else {
      // Cart lines holding it go with it (ON DELETE CASCADE), so no cart points at a missing variant.
      await trx.deleteFrom('product_variants').where('id', '=', variant.id).execute();
      changes.before.push({ id: variant.id, ...auditedVariant(variant) });
      changes.after.push({ id: variant.id, sku: variant.sku, deleted: true });
    }
  }
}

/** Writes the kept and new variants in the form's order; records what changed for the audit. */
async function saveVariants(trx: Tx, productId: number, existing: ProductVariant[], variants: VariantInput[], changes: VariantChanges): Promise<void> {
  for (const [position, variant] of variants.entries()) {
    const current = existing.find((row) => row.id === variant.id);
    const wanted = variantRow(variant);
    if (!current) {
      const { options, ...rest } = wanted;
      const { id } = await trx.insertInto('product_variants').values({ ...rest, options: JSON.stringify(options), product_id: productId, position }).returning('id').executeTakeFirstOrThrow();
      changes.after.push({ id, ...wanted });
      continue;
    }
    if (variant.stockUnchanged) wanted.stock = current.stock;
    const diff = changedFields(auditedVariant(current), wanted);
    if (Object.keys(diff.after).length === 0 && current.position === position) continue;
    const { options, ...rest } = diff.after;
    await trx
      .updateTable('product_variants')
      .set({ ...rest, ...(options ? { options: JSON.stringify(options) } : {}), position, updated_at: new Date() })
      .where('id', '=', current.id)
      .execute();
    if (Object.keys(diff.after).length > 0) {
      changes.before.push({ id: current.id, sku: current.sku, ...diff.before });
      changes.after.push({ id: current.id, sku: wanted.sku, ...diff.after });
    }
  }
}

/**
 * Saves an edited product and its variants in one transaction with its audit entry
 * (product.updated: the product's changed fields, and each changed variant's). Returns
 * 'missing' for no such product, 'unchanged' when the form changed nothing.
 */
export async function updateProduct(db: Db, actor: Actor, productId: number, input: ProductInput): Promise<'saved' | 'unchanged' | 'missing'> {
  return db
    .transaction()
    .execute(async (trx) => {
      await sayStockReason(trx, actor);
      // Locked: two staff saving the same product one after the other each see the other's result.
      const product = await trx.selectFrom('products').selectAll().where('id', '=', productId).forUpdate().executeTakeFirst();
      if (!product) return 'missing' as const;
      const existing = await trx.selectFrom('product_variants').selectAll().where('product_id', '=', productId).orderBy('position').orderBy('id').execute();
      await checkTaken(trx, input, productId, existing);
      const changes: VariantChanges = { before: [], after: [] };
      await removeVariants(trx, existing, input.removeIds, changes);
      await saveVariants(trx, productId, existing, input.variants, changes);
      const fields = changedFields(product as unknown as Record<string, unknown>, productRow(input));
      if (Object.keys(fields.after).length === 0 && changes.after.length === 0) return 'unchanged' as const;
      await trx.updateTable('products').set({ ...fields.after, updated_at: new Date() }).where('id', '=', productId).execute();
      const withVariants = (values: Record<string, unknown>, list: Record<string, unknown>[]) => (list.length ? { ...values, variants: list } : values);
      await recordAudit(trx, {
        action: 'product.updated',
        actorUserId: actor.actorId,
        ip: actor.ip,
        entity: { type: 'product', id: productId },
        before: withVariants(fields.before, changes.before),
        after: withVariants(fields.after, changes.after),
      });
      return 'saved' as const;
    })
    .catch((error: unknown) => asFormError(error, input));
}

/** True when any variant of the product (still linked) appears on an order. */
export async function wasProductOrdered(db: DbOrTx, productId: number): Promise<boolean> {
  const row = await db
    .selectFrom('order_items')
    .innerJoin('product_variants', 'product_variants.id', 'order_items.variant_id')
    .select('order_items.id')
    .where('product_variants.product_id', '=', productId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes a never-ordered product (variants, pictures and cart lines go with it), audited as
 * product.deleted. Returns the uploaded files' keys for the caller to remove once committed,
 * or undefined when there is no such product. Throws ProductInUseError for an ordered one.
 */
export async function deleteProduct(db: Db, actor: Actor, productId: number): Promise<string[] | undefined> {
  return db.transaction().execute(async (trx) => {
    const product: Product | undefined = await trx.selectFrom('products').selectAll().where('id', '=', productId).forUpdate().executeTakeFirst();
    if (!product) return undefined;
    if (await wasProductOrdered(trx, productId)) throw new ProductInUseError(`“${product.name}” has been ordered, so it is kept for those orders. Untick Active to take it out of the shop instead.`);
    const variants = await trx.selectFrom('product_variants').select('sku').where('product_id', '=', productId).orderBy('position').execute();
    const images = await trx.selectFrom('product_images').select('storage_key').where('product_id', '=', productId).execute();
    await trx.deleteFrom('products').where('id', '=', productId).execute();
    await recordAudit(trx, {
      action: 'product.deleted',
      actorUserId: actor.actorId,
      ip: actor.ip,
      entity: { type: 'product', id: productId },
      before: { name: product.name, slug: product.slug, active: product.active, skus: variants.map((variant) => variant.sku) },
    });
    return images.map((image) => image.storage_key).filter((key): key is string => key !== null);
  });
}

export interface ProductForEdit {
  product: Product;
  variants: ProductVariant[];
  images: { id: number; url: string; alt: string; position: number; storage_key: string | null }[];
  ordered: boolean;
}

/** Everything the edit screen shows of a product, active or not; undefined when there is none. */
export async function findProductForEdit(db: DbOrTx, productId: number): Promise<ProductForEdit | undefined> {
  const product = await db.selectFrom('products').selectAll().where('id', '=', productId).executeTakeFirst();
  if (!product) return undefined;
  const [variants, images, ordered] = await Promise.all([
    db.selectFrom('product_variants').selectAll().where('product_id', '=', productId).orderBy('position').orderBy('id').execute(),
    db.selectFrom('product_images').select(['id', 'url', 'alt', 'position', 'storage_key']).where('product_id', '=', productId).orderBy('position').orderBy('id').execute(),
    wasProductOrdered(db, productId),
  ]);
  return { product, variants, images, ordered };
}
