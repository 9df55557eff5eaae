import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';

/** The most of one variant a cart line may hold, whatever the stock (a typo guard, and the CHECK in the table). */
export const MAX_LINE_QUANTITY = 10_000;

/** What a shopper is told when a quantity is out of range; the forms and the API say the same. */
export function quantityMessage(min: 0 | 1): string {
  return `Enter a whole number of items from ${min} to ${MAX_LINE_QUANTITY.toLocaleString('en')}.`;
}

/** A cart action refused for a reason the shopper should read. */
export class CartError extends Error {
  override name = 'CartError';
  constructor(
    message: string,
    readonly status: 404 | 409 | 422 = 422,
  ) {
    super(message);
  }
}

/** Refuses a quantity outside min..MAX_LINE_QUANTITY before anything is read or written. */
function assertQuantity(quantity: number, min: 0 | 1): void {
  if (!Number.isSafeInteger(quantity) || quantity < min || quantity > MAX_LINE_QUANTITY) throw new CartError(quantityMessage(min), 422);
}

/** The member's cart, made on first use; concurrent first uses meet in one row. */
export async function ensureMemberCart(db: DbOrTx, userId: number): Promise<number> {
  const row = await db
    .insertInto('carts')
    .values({ user_id: userId })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ user_id: userId }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMemberCartId(db: DbOrTx, userId: number): Promise<number | undefined> {
  const row = await db.selectFrom('carts').select('id').where('user_id', '=', userId).executeTakeFirst();
  return row?.id;
}

export async function createGuestCart(db: DbOrTx): Promise<number> {
  const row = await db.insertInto('carts').values({ user_id: null }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function touch(db: DbOrTx, cartId: number): Promise<void> {
  await db.updateTable('carts').set({ updated_at: new Date(), reminded_at: null }).where('id', '=', cartId).execute();
}

/** What a variant can be sold as right now, or why not; with `cartId`, also how many the cart holds. */
async function purchasableVariant(db: DbOrTx, variantId: number, cartId = 0) {
  const variant = await db
    .selectFrom('product_variants')
    .innerJoin('products', 'products.id', 'product_variants.product_id')
    .select((eb) => [
      'product_variants.id',
      'product_variants.stock',
      'product_variants.price_cents',
      'product_variants.active',
      'products.active as product_active',
      'products.name',
      eb
        .selectFrom('cart_lines')
        .select('cart_lines.quantity')
        .where('cart_lines.cart_id', '=', cartId)
        .whereRef('cart_lines.variant_id', '=', 'product_variants.id')
        .where('cart_lines.saved_for_later', '=', false)
        .as('in_cart'),
    ])
    .where('product_variants.id', '=', variantId)
    .executeTakeFirst();
  if (!variant) throw new CartError('That product does not exist.', 404);
  if (!variant.active || !variant.product_active) throw new CartError(`${variant.name} is no longer sold.`, 409);
  if (variant.stock <= 0) throw new CartError(`${variant.name} is sold out.`, 409);
  return variant;
}

export interface AddResult {
  lineId: number;
  name: string;
  /** What the line holds now. */
  quantity: number;
  /** Set when fewer were added than asked for, because of stock. */
  limitedTo?: number;
}

/**
 * Adds `quantity` of a variant. One statement does it (INSERT … ON CONFLICT … DO UPDATE), so two
 * adds at the same moment both count, and the line never exceeds the stock at that moment.
 */
export async function addToCart(db: DbOrTx, cartId: number, variantId: number, quantity: number): Promise<AddResult> {
  assertQuantity(quantity, 1);
  // `in_cart` is read only to word the notice; the statement below is what keeps the count right.
  const variant = await purchasableVariant(db, variantId, cartId);
  const row = await db
    // The cart's last change, in the same statement (the abandoned-cart job reads it).
    .with('touched', (cte) => cte.updateTable('carts').set({ updated_at: new Date(), reminded_at: null }).where('id', '=', cartId))
    .insertInto('cart_lines')
    .values({
      cart_id: cartId,
      variant_id: variantId,
      quantity: Math.min(quantity, variant.stock, MAX_LINE_QUANTITY),
      unit_price_cents_at_add: variant.price_cents,
    })
    .onConflict((oc) =>
      oc.columns(['cart_id', 'variant_id', 'saved_for_later']).doUpdateSet({
        quantity: sql<number>`least(cart_lines.quantity + excluded.quantity, (SELECT stock FROM product_variants WHERE id = excluded.variant_id), ${MAX_LINE_QUANTITY})`,
        // Adding again means the shopper saw today's price: that is the price to compare with now.
        unit_price_cents_at_add: sql<number>`excluded.unit_price_cents_at_add`,
      }),
    )
    .returning(['id', 'quantity'])
    .executeTakeFirstOrThrow();
  const limited = row.quantity < (variant.in_cart ?? 0) + quantity;
  return { lineId: row.id, name: variant.name, quantity: row.quantity, ...(limited ? { limitedTo: row.quantity } : {}) };
}

/** Sets a line's quantity (0 removes it), capped by stock; a line of another cart is not found. */
export async function setLineQuantity(db: DbOrTx, cartId: number, lineId: number, quantity: number): Promise<{ quantity: number; limitedTo?: number }> {
  assertQuantity(quantity, 0);
  if (quantity === 0) {
    await removeLine(db, cartId, lineId);
    return { quantity: 0 };
  }
  const line = await db
    .selectFrom('cart_lines')
    .select(['variant_id'])
    .where('id', '=', lineId)
    .where('cart_id', '=', cartId)
    .executeTakeFirst();
  if (!line) throw new CartError('That line is not in your cart.', 404);
  const variant = await purchasableVariant(db, line.variant_id);
  const capped = Math.min(quantity, variant.stock, MAX_LINE_QUANTITY);
  await db.updateTable('cart_lines').set({ quantity: capped }).where('id', '=', lineId).where('cart_id', '=', cartId).execute();
  await touch(db, cartId);
  return { quantity: capped, ...(capped < quantity ? { limitedTo: capped } : {}) };
}

export async function removeLine(db: DbOrTx, cartId: number, lineId: number): Promise<void> {
  const removed = await db.deleteFrom('cart_lines').where('id', '=', lineId).where('cart_id', '=', cartId).executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw new CartError('That line is not in your cart.', 404);
  await touch(db, cartId);
}

/** Empties the cart; lines saved for later stay. */
export async function clearCart(db: DbOrTx, cartId: number): Promise<void> {
  await db.deleteFrom('cart_lines').where('cart_id', '=', cartId).where('saved_for_later', '=', false).execute();
  await db.updateTable('carts').set({ coupon_code: null }).where('id', '=', cartId).execute();
  await touch(db, cartId);
}

/**
 * Moves a line between the cart and saved-for-later. If the other side already has that
 * variant, the quantities join (capped by stock when it goes back into the cart).
 */
export async function moveLine(db: DbOrTx, cartId: number, lineId: number, toSaved: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const line = await trx
      .deleteFrom('cart_lines')
      .where('id', '=', lineId)
      .where('cart_id', '=', cartId)
      .where('saved_for_later', '=', !toSaved)
      .returning(['variant_id', 'quantity', 'unit_price_cents_at_add'])
      .executeTakeFirst();
    if (!line) throw new CartError('That line is not in your cart.', 404);
    const stock = toSaved
      ? MAX_LINE_QUANTITY
      : (await trx.selectFrom('product_variants').select('stock').where('id', '=', line.variant_id).executeTakeFirstOrThrow()).stock;
    if (stock <= 0) throw new CartError('That item is sold out, so it stays saved for later.', 409);
    await trx
      .insertInto('cart_lines')
      .values({ cart_id: cartId, variant_id: line.variant_id, quantity: Math.min(line.quantity, stock), unit_price_cents_at_add: line.unit_price_cents_at_add, saved_for_later: toSaved })
      .onConflict((oc) =>
        oc.columns(['cart_id', 'variant_id', 'saved_for_later']).doUpdateSet({ quantity: sql<number>`least(cart_lines.quantity + excluded.quantity, ${stock})` }),
      )
      .execute();
    await touch(trx, cartId);
  });
}

export interface MergeNotice {
  name: string;
  quantity: number;
}

/**
 * At sign-in the guest's cart joins the member's: quantities add up, capped by stock (those
 * capped are returned for a notice), saved-for-later lines come along, and the guest cart goes.
 * Nothing is lost: it is one transaction.
 */
export async function mergeGuestCart(db: DbOrTx, guestCartId: number, memberCartId: number): Promise<MergeNotice[]> {
  if (guestCartId === memberCartId) return [];
  return db.transaction().execute(async (trx) => {
    const lines = await trx
      .selectFrom('cart_lines')
      .innerJoin('product_variants', 'product_variants.id', 'cart_lines.variant_id')
      .innerJoin('products', 'products.id', 'product_variants.product_id')
      .select(['cart_lines.variant_id', 'cart_lines.quantity', 'cart_lines.unit_price_cents_at_add', 'cart_lines.saved_for_later', 'product_variants.stock', 'products.name'])
      .where('cart_lines.cart_id', '=', guestCartId)
      .orderBy('cart_lines.id')
      .execute();
    const capped: MergeNotice[] = [];
    for (const line of lines) {
      const cap = line.saved_for_later ? MAX_LINE_QUANTITY : Math.max(line.stock, 0);
      const existing = await trx
        .selectFrom('cart_lines')
        .select('quantity')
        .where('cart_id', '=', memberCartId)
        .where('variant_id', '=', line.variant_id)
        .where('saved_for_later', '=', line.saved_for_later)
        .executeTakeFirst();
      const wanted = (existing?.quantity ?? 0) + line.quantity;
      const kept = Math.min(wanted, cap);
      if (kept < wanted) capped.push({ name: line.name, quantity: kept });
      if (kept === 0) continue;
      await trx
        .insertInto('cart_lines')
        .values({
          cart_id: memberCartId,
          variant_id: line.variant_id,
          quantity: kept,
          unit_price_cents_at_add: line.unit_price_cents_at_add,
          saved_for_later: line.saved_for_later,
        })
        .onConflict((oc) => oc.columns(['cart_id', 'variant_id', 'saved_for_later']).doUpdateSet({ quantity: kept }))
        .execute();
    }
    const guest = await trx.selectFrom('carts').select('coupon_code').where('id', '=', guestCartId).executeTakeFirst();
    if (guest?.coupon_code) {
      await trx.updateTable('carts').set({ coupon_code: guest.coupon_code }).where('id', '=', memberCartId).where('coupon_code', 'is', null).execute();
    }
    await trx.deleteFrom('carts').where('id', '=', guestCartId).execute();
    await touch(trx, memberCartId);
    return capped;
  });
}
