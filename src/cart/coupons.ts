import type { DbOrTx } from '../db/database.js';
import type { Coupon } from '../db/schema-carts.js';
import { CartError } from './carts.js';
import type { CouponRule } from './pricing.js';

/** Codes are typed by people: case and surrounding spaces do not matter. */
export function normaliseCouponCode(input: string): string | undefined {
  const code = input.trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9_-]{1,39}$/.test(code) ? code : undefined;
}

export async function findCoupon(db: DbOrTx, code: string): Promise<Coupon | undefined> {
  return db.selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst();
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });

/**
 * Why this coupon cannot be used now by this customer, in words; undefined when it can.
 * The minimum subtotal and which items qualify are the price engine's to judge.
 */
export async function couponProblem(db: DbOrTx, coupon: Coupon, who: { userId: number | null; email?: string | null }, now: Date): Promise<string | undefined> {
  if (!coupon.active) return 'That coupon is no longer valid.';
  if (coupon.starts_at && now < coupon.starts_at) return `That coupon can be used from ${dateFormat.format(coupon.starts_at)}.`;
  if (coupon.ends_at && now >= coupon.ends_at) return `That coupon expired on ${dateFormat.format(coupon.ends_at)}.`;
  if (coupon.usage_limit !== null) {
    const used = await redemptions(db, coupon.id);
    if (used >= coupon.usage_limit) return 'That coupon has been used up.';
  }
  if (coupon.per_customer_limit !== null && (who.userId !== null || who.email)) {
    const used = await redemptions(db, coupon.id, who);
    if (used >= coupon.per_customer_limit) return coupon.per_customer_limit === 1 ? 'You have already used that coupon.' : 'You have used that coupon as often as it allows.';
  }
  return undefined;
}

async function redemptions(db: DbOrTx, couponId: number, who?: { userId: number | null; email?: string | null }): Promise<number> {
  let query = db
    .selectFrom('coupon_redemptions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('coupon_id', '=', couponId);
  if (who) {
    query = query.where((eb) =>
      eb.or([
        ...(who.userId !== null ? [eb('user_id', '=', who.userId)] : []),
        ...(who.email ? [eb(eb.fn('lower', ['email']), '=', who.email.toLowerCase())] : []),
      ]),
    );
  }
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The coupon as the price engine takes it. `expandCategories` turns a category into it and everything below it. */
export function couponRule(coupon: Coupon, expandCategories: (ids: number[]) => number[]): CouponRule {
  const restrictions = {
    minSubtotalCents: coupon.min_subtotal_cents,
    productIds: coupon.product_ids,
    categoryIds: coupon.category_ids ? expandCategories(coupon.category_ids) : null,
  };
  return coupon.kind === 'percent'
    ? { code: coupon.code, kind: 'percent', percentBasisPoints: coupon.percent_basis_points ?? 0, ...restrictions }
    : { code: coupon.code, kind: 'fixed', amountCents: coupon.amount_cents ?? 0, ...restrictions };
}

/** The coupon a shopper typed, if it can be used now by them; otherwise CartError saying why. */
export async function checkCoupon(db: DbOrTx, typed: string | undefined, who: { userId: number | null; email?: string | null }, now: Date): Promise<Coupon> {
  const code = typed === undefined ? undefined : normaliseCouponCode(typed);
  const coupon = code ? await findCoupon(db, code) : undefined;
  if (!coupon) throw new CartError(code ? 'There is no coupon with that code.' : 'Enter a coupon code.', 422);
  const problem = await couponProblem(db, coupon, who, now);
  if (problem) throw new CartError(problem, 422);
  return coupon;
}

/**
 * Puts the coupon on the cart (null takes it off). A coupon is kept even when the cart is below
 * its minimum (the cart says so); dates, limits and the minimum are checked again every time the
 * cart is priced, and at checkout.
 */
export async function setCartCoupon(db: DbOrTx, cartId: number, code: string | null): Promise<void> {
  await db.updateTable('carts').set({ coupon_code: code, ...(code ? { updated_at: new Date() } : {}) }).where('id', '=', cartId).execute();
}
