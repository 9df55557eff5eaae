import { randomInt } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { AddressInput } from '../accounts/account-forms.js';
import { calculateCartTotals, type PricingContext } from '../cart/cart-totals.js';
import { lineFlags, loadCart, type CartLineView } from '../cart/cart-view.js';
import { couponProblem } from '../cart/coupons.js';
import type { DbOrTx } from '../db/database.js';
import type { PlacedOrderSummary } from '../mail/notices.js';
import type { Order, OrderItemsTable } from '../db/schema-orders.js';
import { releaseUnpaidOrderIn } from './settle.js';

/** Checkout refused for a reason the shopper can act on; nothing was created or changed. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';
  constructor(
    message: string,
    readonly status: 409 | 422 = 409,
  ) {
    super(message);
  }
}

export interface PlaceOrderInput {
  cartId: number;
  userId: number | null;
  email: string;
  address: Omit<AddressInput, 'is_default_shipping'>;
  shippingMethodCode: string;
  paymentProvider: string;
  /** How long an unpaid order holds its stock. */
  holdMinutes: number;
  /** The shopper asked for shipping updates by SMS to `address.phone` (already in E.164 form). */
  smsUpdates?: boolean;
  pricing: Omit<PricingContext, 'userId' | 'email' | 'country' | 'region' | 'shippingCode'>;
}

/** Tells the stock history trigger, for the rest of the transaction, that stock changes are order `number`'s sale. */
function tagStockChangesAsSale(number: string) {
  return sql<string>`set_config('hyperstore.stock_reason', 'sale', true) || set_config('hyperstore.stock_note', ${number}, true) || set_config('hyperstore.actor_user_id', '', true)`.as('stock_tag');
}

/** Human-friendly and unguessable: "HS-" and eight characters with no 0/O or 1/I/L to misread. */
export function newOrderNumber(): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
  return `HS-${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

/**
 * Turns the cart into an order awaiting payment, in one transaction that either does all of
 * it or none:
 * - the cart row is locked first, so submits of one cart queue up and the later ones get the
 *   order the first one made (one order, one payment);
 * - prices, stock, shipping and the coupon are checked again here, at today's values;
 * - a usage-limited coupon's row is locked, so its last use goes to exactly one order;
 * - variants are locked in id order (no deadlocks between carts) and each is decremented by a
 *   conditional UPDATE (`stock >= n`): stock never goes below zero and is never oversold.
 *   That is the transaction's last statement: a best-seller's row is the one lock every buyer
 *   queues for, and each statement held under it (each a round trip through a busy event
 *   loop) would make the queue longer.
 */
export interface PlacedOrder {
  order: Order;
  /** The cart's unpaid order already made for the same contents (a submit sent again). */
  reused: boolean;
  /** The number of the cart's earlier unpaid order, cancelled because the cart changed since: its page should hear of it. */
  superseded?: string;
  /** What each line of a new order bought (not of a reused one), for its confirmation. */
  items?: PlacedOrderSummary['items'];
}

export async function placeOrder(db: DbOrTx, input: PlaceOrderInput): Promise<PlacedOrder> {
  return db.transaction().execute(async (trx) => {
    const number = newOrderNumber();
    // The stock history (a trigger, decision 0009) records this transaction's decrements as this
    // order's sale; said with the cart's lock, in the same statement.
    const cartRow = await trx.selectFrom('carts').select(['id', 'updated_at', tagStockChangesAsSale(number)]).where('id', '=', input.cartId).forUpdate().executeTakeFirst();
    if (!cartRow) throw new CheckoutError('Your cart is empty.', 422);
    const pending = await trx.selectFrom('orders').selectAll().where('cart_id', '=', input.cartId).where('status', '=', 'pending').executeTakeFirst();
    if (pending) {
      // The same cart submitted again: the order already made. But a cart changed since then
      // (back from the payment step to add something) gets a new order, and the old one lets go.
      if (cartRow.updated_at <= pending.placed_at) return { order: pending, reused: true };
      await releaseUnpaidOrderIn(trx, pending.id, 'system', 'the cart changed before payment');
      await sql`SELECT ${tagStockChangesAsSale(number)}`.execute(trx); // the release tagged its restock as a cancellation
    }
    const superseded = pending ? { superseded: pending.number } : {};

    const cart = await loadCart(trx, input.cartId);
    if (!cart || cart.lines.length === 0) throw new CheckoutError('Your cart is empty.', 422);
    for (const line of cart.lines) {
      const flags = lineFlags(line);
      if (flags.unavailable) throw new CheckoutError(`${line.name} is no longer available. Remove it from your cart to go on.`);
      if (flags.stockShort) throw new CheckoutError(`Only ${line.stock} of ${line.name} are left. Change the quantity in your cart to go on.`);
    }

    const totals = await calculateCartTotals(trx, cart, {
      ...input.pricing,
      userId: input.userId,
      email: input.email,
      country: input.address.country,
      region: input.address.state,
      shippingCode: input.shippingMethodCode,
    });
    if (!totals.shipping || totals.shipping.code !== input.shippingMethodCode) throw new CheckoutError('Choose one of the shipping methods offered for that country.', 422);
    if (totals.coupon?.problem) throw new CheckoutError(`${totals.coupon.problem} Remove the coupon to go on.`);

    const coupon = cart.couponCode ? await trx.selectFrom('coupons').selectAll().where('code', '=', cart.couponCode).forUpdate().executeTakeFirst() : undefined;
    if (coupon) {
      // Counted again under the coupon's lock: concurrent checkouts cannot all take its last use.
      const problem = await couponProblem(trx, coupon, { userId: input.userId, email: input.email }, input.pricing.now);
      if (problem) throw new CheckoutError(`${problem} Remove the coupon to go on.`);
    }

    const { pricing } = totals;
    const order = await trx
      .insertInto('orders')
      .values({
        number,
        user_id: input.userId,
        cart_id: input.cartId,
        email: input.email,
        currency: input.pricing.currency,
        subtotal_cents: pricing.subtotalCents,
        discount_cents: pricing.discountCents,
        shipping_cents: pricing.shippingCents,
        tax_cents: pricing.taxCents,
        total_cents: pricing.totalCents,
        prices_include_tax: totals.pricesIncludeTax,
        coupon_code: coupon?.code ?? null,
        shipping_method_code: totals.shipping.code,
        shipping_method_name: totals.shipping.name,
        full_name: input.address.full_name,
        address_line1: input.address.address_line1,
        address_line2: input.address.address_line2,
        city: input.address.city,
        state: input.address.state,
        postal_code: input.address.postal_code,
        country: input.address.country,
        phone: input.address.phone,
        sms_updates: input.smsUpdates ?? false,
        payment_provider: input.paymentProvider,
        expires_at: new Date(input.pricing.now.getTime() + input.holdMinutes * 60_000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();

    const priced = new Map(pricing.lines.map((line) => [line.id, line]));
    const items = cart.lines.map((line) => {
      const price = priced.get(line.id);
      return {
        order_id: order.id,
        variant_id: line.variantId,
        product_slug: line.slug,
        product_name: line.name,
        sku: line.sku,
        options: JSON.stringify(line.options),
        unit_price_cents: line.unitPriceCents,
        quantity: line.quantity,
        discount_cents: price?.discountCents ?? 0,
        tax_cents: price?.taxCents ?? 0,
        total_cents: price?.totalCents ?? line.unitPriceCents * line.quantity,
      };
    });
    if (coupon) await trx.insertInto('coupon_redemptions').values({ coupon_id: coupon.id, user_id: input.userId, email: input.email, order_id: order.id }).execute();
    // Last, so the variants' row locks are held only for this statement and the commit.
    await recordItemsAndTakeStock(trx, { orderId: order.id, userId: input.userId, items, lines: cart.lines });
    return { order, reused: false, items, ...superseded };
  });
}

/**
 * Records the order's items and its first event, and takes the lines' units from stock, in one
 * statement: each variant is decremented only where `stock >= n` (one UPDATE over all of
 * them). With more than one variant they are first locked in id order, so any two carts lock
 * shared variants in the same order and never deadlock. The lock is FOR NO KEY UPDATE, the one
 * an UPDATE of stock takes: it does not wait for the key-share locks that other checkouts'
 * order_items (a foreign key to the variant) already hold. The statement then starts after the
 * locks (a fresh snapshot under READ COMMITTED) and sees every variant's latest stock. A
 * one-variant cart needs no ordering: its UPDATE alone locks and checks. Throws, rolling the
 * whole order back, when any line is short.
 */
async function recordItemsAndTakeStock(
  trx: DbOrTx,
  order: { orderId: number; userId: number | null; items: Insertable<OrderItemsTable>[]; lines: CartLineView[] },
): Promise<void> {
  const wanted = new Map<number, number>();
  for (const line of order.lines) wanted.set(line.variantId, (wanted.get(line.variantId) ?? 0) + line.quantity);
  const ids = [...wanted.keys()].sort((a, b) => a - b);
  const quantities = ids.map((id) => wanted.get(id)!);
  if (ids.length > 1) await trx.selectFrom('product_variants').select('id').where('id', 'in', ids).orderBy('id').forNoKeyUpdate().execute();
  const { taken } = await trx
    .with('recorded', (qc) =>
      qc.insertInto('order_events').values({ order_id: order.orderId, from_status: null, to_status: 'pending', actor: 'customer', actor_user_id: order.userId }).returning('order_events.id'),
    )
    .with('itemized', (qc) => qc.insertInto('order_items').values(order.items).returning('order_items.id'))
    .with('decremented', () =>
      sql<{ id: number }>`(UPDATE product_variants AS v SET stock = v.stock - wanted.quantity
        FROM unnest(${ids}::int[], ${quantities}::int[]) AS wanted(id, quantity)
        WHERE v.id = wanted.id AND v.stock >= wanted.quantity
        RETURNING v.id)`,
    )
    .selectNoFrom(sql<number[]>`ARRAY(SELECT id FROM decremented)`.as('taken'))
    .executeTakeFirstOrThrow();
  if (taken.length === ids.length) return;
  const short = order.lines.find((line) => !taken.includes(line.variantId));
  throw new CheckoutError(`${short?.name ?? 'An item'} has just sold out, or fewer are left than you want. Your cart shows what is available.`);
}
