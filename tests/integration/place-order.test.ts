import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToCart, createGuestCart, moveLine } from '../../src/cart/carts.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { CheckoutError, placeOrder, type PlaceOrderInput } from '../../src/orders/place-order.js';
import { markOrderPaid, releaseUnpaidOrder } from '../../src/orders/settle.js';
import { createTestDatabase } from '../support/db.js';
import { insertProduct } from '../support/factories.js';
import { testNotices } from '../support/outbox.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const db = () => database.db;
const address = { full_name: 'Ada Lovelace', address_line1: '1 Analytical Way', address_line2: '', city: 'London', state: '', postal_code: 'N1 1AA', country: 'GB', phone: '' };

function input(cartId: number, overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    cartId,
    userId: null,
    email: `buyer.${cartId}@example.test`,
    address,
    shippingMethodCode: 'standard',
    paymentProvider: 'test',
    holdMinutes: 30,
    pricing: { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids) => ids, now: new Date() },
    ...overrides,
  };
}

async function cartWith(variantId: number, quantity: number, couponCode?: string): Promise<number> {
  const cartId = await createGuestCart(db());
  await addToCart(db(), cartId, variantId, quantity);
  if (couponCode) await db().updateTable('carts').set({ coupon_code: couponCode }).where('id', '=', cartId).execute();
  return cartId;
}

const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
const settled = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('placing an order', () => {
  it('keeps what was bought at the prices of the moment, decrements stock, and adds up', async () => {
    const { variants } = await insertProduct(db(), { name: 'Brass Compass' }, [{ price_cents: 4500, stock: 5, sku: `CMP-${randomBytes(3).toString('hex')}` }]);
    const cartId = await cartWith(variants[0]!.id, 2);
    const { order, reused } = await placeOrder(db(), input(cartId));
    expect(reused).toBe(false);
    expect(order.number).toMatch(/^HS-[2-9A-HJKMNP-TV-Z]{8}$/);
    expect(order).toMatchObject({ status: 'pending', subtotal_cents: 9000, shipping_cents: 0, total_cents: 9000 });
    expect(await stockOf(variants[0]!.id)).toBe(3);
    const items = await db().selectFrom('order_items').selectAll().where('order_id', '=', order.id).execute();
    expect(items).toEqual([expect.objectContaining({ product_name: 'Brass Compass', quantity: 2, unit_price_cents: 4500, sku: variants[0]!.sku })]);
    // A later price change does not touch the order.
    await db().updateTable('product_variants').set({ price_cents: 9900 }).where('id', '=', variants[0]!.id).execute();
    expect((await db().selectFrom('order_items').select('unit_price_cents').where('order_id', '=', order.id).executeTakeFirstOrThrow()).unit_price_cents).toBe(4500);
  });

  it('refuses an unknown shipping method and an empty cart, creating nothing', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 5 }]);
    const cartId = await cartWith(variants[0]!.id, 1);
    await expect(placeOrder(db(), input(cartId, { shippingMethodCode: 'teleport' }))).rejects.toThrow(CheckoutError);
    await expect(placeOrder(db(), input(await createGuestCart(db())))).rejects.toThrow('Your cart is empty.');
    expect(await stockOf(variants[0]!.id)).toBe(5);
    expect(await db().selectFrom('orders').select('id').where('cart_id', '=', cartId).execute()).toEqual([]);
  });

  it('with stock 1 and 20 buyers at once, exactly one order is placed and stock ends at 0', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 1 }]);
    const carts = await Promise.all(Array.from({ length: 20 }, () => cartWith(variants[0]!.id, 1)));
    await db().updateTable('product_variants').set({ stock: 1 }).where('id', '=', variants[0]!.id).execute();
    const results = await settled(carts.map((cartId) => placeOrder(db(), input(cartId))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(CheckoutError);
    expect(await stockOf(variants[0]!.id)).toBe(0);
  });

  it('with stock 10 and 30 buyers at once, exactly 10 orders', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 30 }]);
    const carts = await Promise.all(Array.from({ length: 30 }, () => cartWith(variants[0]!.id, 1)));
    await db().updateTable('product_variants').set({ stock: 10 }).where('id', '=', variants[0]!.id).execute();
    const results = await settled(carts.map((cartId) => placeOrder(db(), input(cartId))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    expect(await stockOf(variants[0]!.id)).toBe(0);
  });

  it('carts holding the same two variants, added in either order, buy at once without deadlock: the scarcer one decides', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 30 }, { stock: 30 }]);
    const [first, second] = [variants[0]!.id, variants[1]!.id];
    const carts = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const cartId = await createGuestCart(db());
        // Half the carts hold the variants in the other order: locking must not follow the cart.
        for (const variantId of index % 2 ? [first, second] : [second, first]) await addToCart(db(), cartId, variantId, 1);
        return cartId;
      }),
    );
    await db().updateTable('product_variants').set({ stock: 10 }).where('id', '=', first).execute();
    await db().updateTable('product_variants').set({ stock: 3 }).where('id', '=', second).execute();
    const results = await settled(carts.map((cartId) => placeOrder(db(), input(cartId))));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(CheckoutError);
    expect([await stockOf(first), await stockOf(second)]).toEqual([7, 0]);
    const sold = await db().selectFrom('order_items').innerJoin('orders', 'orders.id', 'order_items.order_id').select('order_items.variant_id').where('orders.cart_id', 'in', carts).execute();
    expect(sold.filter((item) => item.variant_id === first)).toHaveLength(3);
  });

  it('five submits of one cart at once make one order', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 10 }]);
    const cartId = await cartWith(variants[0]!.id, 2);
    const results = await Promise.all(Array.from({ length: 5 }, () => placeOrder(db(), input(cartId))));
    expect(new Set(results.map((result) => result.order.id)).size).toBe(1);
    expect(results.filter((result) => !result.reused)).toHaveLength(1);
    expect(await stockOf(variants[0]!.id)).toBe(8);
  });

  it('a single-use coupon used by 20 checkouts at once applies once', async () => {
    const code = `ONCE${randomBytes(3).toString('hex').toUpperCase()}`;
    await db().insertInto('coupons').values({ code, kind: 'fixed', amount_cents: 500, usage_limit: 1 }).execute();
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 2000, stock: 100 }]);
    const carts = await Promise.all(Array.from({ length: 20 }, () => cartWith(variants[0]!.id, 1, code)));
    const results = await settled(carts.map((cartId) => placeOrder(db(), input(cartId))));
    const placed = results.filter((result) => result.status === 'fulfilled');
    expect(placed).toHaveLength(1);
    expect(placed[0]!.status === 'fulfilled' && placed[0]!.value.order.discount_cents).toBe(500);
    for (const result of results) if (result.status === 'rejected') expect(String(result.reason)).toMatch(/used up/);
    expect(await stockOf(variants[0]!.id)).toBe(99);
  });
});

describe('settling an order', () => {
  it('the confirmation checkout renders from the order it just wrote is the one the order and items read back give', async () => {
    const { variants } = await insertProduct(db(), { name: 'Difference Engine' }, [{ stock: 5, price_cents: 1250 }]);
    const other = (await insertProduct(db(), { name: 'Analytical Engine' }, [{ stock: 5, price_cents: 990 }])).variants[0]!.id;
    const cartId = await cartWith(variants[0]!.id, 2);
    await addToCart(db(), cartId, other, 1);
    const placed = await placeOrder(db(), input(cartId));
    const notice = { kind: 'order.confirmation', orderId: placed.order.id } as const;
    const fromCheckout = await testNotices.prepare(db(), { ...notice, placed: { order: placed.order, items: placed.items! } });
    expect(fromCheckout).toEqual(await testNotices.prepare(db(), notice));
    expect(fromCheckout.text_body).toContain('2 × Difference Engine: $25.00');
    expect(fromCheckout.text_body).toContain('1 × Analytical Engine: $9.90');
  });

  it('paid once only: the cart empties but for what was saved for later; a second payment signal changes nothing', async () => {
    const { variants } = await insertProduct(db(), {}, [{ stock: 5 }]);
    const cartId = await cartWith(variants[0]!.id, 1);
    const later = (await insertProduct(db(), {}, [{ stock: 5 }])).variants[0]!.id;
    await addToCart(db(), cartId, later, 2);
    const savedLine = await db().selectFrom('cart_lines').select('id').where('cart_id', '=', cartId).where('variant_id', '=', later).executeTakeFirstOrThrow();
    await moveLine(db(), cartId, savedLine.id, true);
    const { order } = await placeOrder(db(), input(cartId));
    const signals = await Promise.all([
      markOrderPaid(db(), order.id, { paymentId: 'pay_1', actor: 'provider' }, testNotices),
      markOrderPaid(db(), order.id, { paymentId: 'pay_1', actor: 'customer' }, testNotices),
    ]);
    expect(signals.filter(Boolean)).toHaveLength(1);
    const confirmations = await db().selectFrom('outbox_messages').select('dedupe_key').where('recipient', '=', order.email).execute();
    expect(confirmations).toEqual([{ dedupe_key: `order.confirmation:${order.number}` }]);
    expect((await db().selectFrom('order_events').select('to_status').where('order_id', '=', order.id).execute()).map((event) => event.to_status)).toEqual(['pending', 'paid']);
    expect(await db().selectFrom('cart_lines').select(['variant_id', 'quantity', 'saved_for_later']).where('cart_id', '=', cartId).execute()).toEqual([{ variant_id: later, quantity: 2, saved_for_later: true }]);
    expect((await db().selectFrom('orders').select('payment_id').where('id', '=', order.id).executeTakeFirstOrThrow()).payment_id).toBe('pay_1');
    // A late failure never unpays a paid order.
    expect(await releaseUnpaidOrder(db(), order.id, 'provider', 'payment failed')).toBe(false);
    expect((await db().selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('paid');
  });

  it('a declined payment cancels the order, returns its stock and coupon use, and leaves the cart as it was', async () => {
    const code = `BACK${randomBytes(3).toString('hex').toUpperCase()}`;
    await db().insertInto('coupons').values({ code, kind: 'fixed', amount_cents: 100, usage_limit: 1 }).execute();
    const { variants } = await insertProduct(db(), {}, [{ stock: 3 }]);
    const cartId = await cartWith(variants[0]!.id, 2, code);
    const { order } = await placeOrder(db(), input(cartId));
    expect(await stockOf(variants[0]!.id)).toBe(1);
    expect(await releaseUnpaidOrder(db(), order.id, 'provider', 'card declined')).toBe(true);
    expect(await stockOf(variants[0]!.id)).toBe(3);
    expect(await db().selectFrom('coupon_redemptions').select('id').where('order_id', '=', order.id).execute()).toEqual([]);
    expect((await db().selectFrom('cart_lines').select('quantity').where('cart_id', '=', cartId).executeTakeFirstOrThrow()).quantity).toBe(2);
    // The shopper tries again: a new order, the coupon available again.
    const again = await placeOrder(db(), input(cartId));
    expect(again.reused).toBe(false);
    expect(again.order.discount_cents).toBe(100);
  });
});

describe('the expiry job', () => {
  it('gives back the stock of orders not paid in time, once, and leaves the others', async () => {
    const { TestPaymentProvider } = await import('../../src/payments/index.js');
    const { expireUnpaidOrders } = await import('../../src/orders/expire.js');
    const { variants } = await insertProduct(db(), {}, [{ stock: 4 }]);
    const late = await placeOrder(db(), input(await cartWith(variants[0]!.id, 1)));
    const fresh = await placeOrder(db(), input(await cartWith(variants[0]!.id, 1)));
    await db().updateTable('orders').set({ expires_at: new Date(Date.now() - 60_000) }).where('id', '=', late.order.id).execute();
    expect(await stockOf(variants[0]!.id)).toBe(2);
    const payments = new TestPaymentProvider();
    const runs = await Promise.all([expireUnpaidOrders(db(), payments, testNotices), expireUnpaidOrders(db(), payments, testNotices)]);
    expect(runs.reduce((sum, run) => sum + run.expired, 0)).toBe(1);
    expect(await stockOf(variants[0]!.id)).toBe(3);
    const statuses = await db().selectFrom('orders').select(['id', 'status']).where('id', 'in', [late.order.id, fresh.order.id]).orderBy('id').execute();
    expect(statuses.map((row) => row.status)).toEqual(['cancelled', 'pending']);
  });

  it('marks paid, not expired, an order whose payment the provider took (no webhook came)', async () => {
    const { TestPaymentProvider } = await import('../../src/payments/index.js');
    const { expireUnpaidOrders } = await import('../../src/orders/expire.js');
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 1200, stock: 3 }]);
    const { order } = await placeOrder(db(), input(await cartWith(variants[0]!.id, 1)));
    const payments = new TestPaymentProvider();
    const payment = await payments.createPayment({ orderNumber: order.number, amountCents: order.total_cents, currency: order.currency, idempotencyKey: `order-${order.number}-payment` });
    expect((await payments.chargeCard({ paymentId: payment.paymentId, cardNumber: '4242424242424242' })).status).toBe('succeeded');
    // The process that charged it died before recording the payment; the hold runs out.
    await db().updateTable('orders').set({ payment_id: payment.paymentId, expires_at: new Date(Date.now() - 60_000) }).where('id', '=', order.id).execute();

    const run = await expireUnpaidOrders(db(), payments, testNotices);
    expect(run).toMatchObject({ expired: 0, paidNumbers: [order.number] });
    const row = await db().selectFrom('orders').select(['status', 'paid_at']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('paid');
    expect(row.paid_at).not.toBeNull();
    expect(await stockOf(variants[0]!.id)).toBe(2);
    const confirmation = await db().selectFrom('outbox_messages').select('kind').where('dedupe_key', '=', `order.confirmation:${order.number}`).execute();
    expect(confirmation).toEqual([{ kind: 'order.confirmation' }]);
  });
});

describe('a cart changed after its order was placed', () => {
  it('gets a new order at the new contents, and the old unpaid one gives its stock back', async () => {
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 1000, stock: 10 }]);
    const cartId = await cartWith(variants[0]!.id, 1);
    const first = await placeOrder(db(), input(cartId));
    expect(await stockOf(variants[0]!.id)).toBe(9);
    // Back from the payment step, the shopper adds another.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await addToCart(db(), cartId, variants[0]!.id, 1);
    const second = await placeOrder(db(), input(cartId));
    expect(second.reused).toBe(false);
    expect(first.superseded).toBeUndefined();
    expect(second.superseded).toBe(first.order.number); // the routes announce it on the old order's live page
    expect(second.order.subtotal_cents).toBe(2000);
    expect((await db().selectFrom('orders').select('status').where('id', '=', first.order.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
    expect(await stockOf(variants[0]!.id)).toBe(8);
    // The stock history tells the three changes apart: the first sale, its return, the new sale.
    const history = await db().selectFrom('stock_movements').select(['delta', 'reason', 'note']).where('variant_id', '=', variants[0]!.id).where('reason', '<>', 'created').orderBy('id').execute();
    expect(history).toEqual([
      { delta: -1, reason: 'sale', note: first.order.number },
      { delta: 1, reason: 'cancelled', note: first.order.number },
      { delta: -2, reason: 'sale', note: second.order.number },
    ]);
  });
});
