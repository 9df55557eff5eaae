import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderLinkToken } from '../../src/orders/orders.js';
import { createTestApp, testConfig, type TestContext } from '../support/app.js';
import { form, insertUser, latestMailTo, logIn, sessionCookieFrom } from '../support/accounts.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const address = { full_name: 'Grace Hopper', address_line1: '1 Compiler Road', address_line2: '', city: 'Arlington', state: 'VA', postal_code: '22201', country: 'US', phone: '' };
const db = () => ctx.database.db;
const testSecret = testConfig().APP_SECRET;
const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;

async function guestCart(priceCents = 2500, quantity = 2, stock = 5) {
  const { variants } = await insertProduct(db(), { name: 'Slide Rule' }, [{ price_cents: priceCents, stock }]);
  const response = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: String(quantity) }));
  return { cookie: sessionCookieFrom(response)!, variantId: variants[0]!.id };
}

const checkout = (cookie: string, fields: Record<string, string>) =>
  ctx.app.request('/checkout', form({ email: 'grace@example.test', ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242', ...fields }, cookie));

describe('checkout with the test provider', () => {
  it('pays, shows the thank-you page by a signed link, e-mails a confirmation once, empties the cart', async () => {
    const { cookie, variantId } = await guestCart();
    const page = await htmlOf(await ctx.app.request('/checkout', { headers: { Cookie: cookie } }));
    expect(textOf(page, '[data-cart-total]')).toBe('$55.99'); // 2 × 25.00 + 5.99 standard shipping (under 75)
    const placed = await checkout(cookie, {});
    expect(placed.status).toBe(303);
    const location = placed.headers.get('Location')!;
    expect(location).toMatch(/^\/orders\/HS-[0-9A-Z]{8}\?token=[\w-]+&thanks=1$/);
    const thanks = await htmlOf(await ctx.app.request(location));
    const number = textOf(thanks, '[data-order-number]');
    expect(thanks.querySelector('[data-order-status]')?.getAttribute('data-order-status')).toBe('paid');
    expect(textOf(thanks, '[data-order-total]')).toBe('$55.99');
    expect(await stockOf(variantId)).toBe(3);
    // Paid once, with the payment that paid it, and one event for the move.
    const paid = await db().selectFrom('orders').select(['id', 'payment_id', 'paid_at', 'expires_at']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(paid).toMatchObject({ payment_id: expect.stringMatching(/\S/), paid_at: expect.any(Date), expires_at: null });
    expect(await db().selectFrom('order_events').select('to_status').where('order_id', '=', paid.id).orderBy('id').execute()).toEqual([{ to_status: 'pending' }, { to_status: 'paid' }]);
    const mail = await latestMailTo(db(), 'grace@example.test');
    expect(mail?.subject).toContain(number);
    expect(mail?.text_body).toContain('Total: $55.99');
    expect(mail?.text_body).toContain('2 × Slide Rule: $50.00');
    expect(textOf(await htmlOf(await ctx.app.request('/cart', { headers: { Cookie: cookie } })), '#cart-count')).toBe('0');
    // Without the token, a guest's order is nobody's business.
    expect((await ctx.app.request(`/orders/${number}`)).status).toBe(404);
    expect((await ctx.app.request(location.replace(/token=[^&]+/, 'token=forged'))).status).toBe(404);
  });

  it('a declined card leaves no order paid, the stock unsold and the cart intact; the next card succeeds', async () => {
    const { cookie, variantId } = await guestCart();
    const declined = await checkout(cookie, { card_number: '4000 0000 0000 0002' });
    expect(declined.status).toBe(422);
    expect(textOf(await htmlOf(declined), '[role=alert]')).toMatch(/declined/i);
    expect(await stockOf(variantId)).toBe(5);
    const orders = await db().selectFrom('orders').select(['status', 'payment_id']).where('email', '=', 'grace@example.test').where('status', '=', 'cancelled').execute();
    expect(orders.length).toBeGreaterThanOrEqual(1);
    // The declined payment is recorded on the order it was for.
    for (const order of orders) expect(order.payment_id).toMatch(/\S/);
    const page = await htmlOf(await ctx.app.request('/cart', { headers: { Cookie: cookie } }));
    expect(textOf(page, '#cart-count')).toBe('2');
    expect((await checkout(cookie, {})).status).toBe(303);
    expect(await stockOf(variantId)).toBe(3);
  });

  it('refuses bad input with a message per field and creates nothing: card numbers elsewhere, bad country, unknown method, no card', async () => {
    const { cookie, variantId } = await guestCart();
    const email = 'badinput@example.test';
    const cases: [Record<string, string>, string][] = [
      [{ address_line2: '4242 4242 4242 4242' }, '#field-address_line2-error'],
      [{ country: 'XX' }, '#field-country-error'],
      [{ email: 'not-an-email' }, '#field-email-error'],
      [{ card_number: '1234' }, '#field-card_number-error'],
      [{ full_name: 'x'.repeat(100_000) }, '#field-full_name-error'],
    ];
    for (const [fields, errorSelector] of cases) {
      const response = await checkout(cookie, { email, ...fields });
      expect(response.status, JSON.stringify(fields).slice(0, 60)).toBe(422);
      expect((await htmlOf(response)).querySelector(errorSelector), errorSelector).not.toBeNull();
    }
    const unknownMethod = await checkout(cookie, { email, shipping_method: 'teleport' });
    expect(unknownMethod.status).toBe(422);
    expect(await db().selectFrom('orders').select('id').where('email', '=', email).execute()).toEqual([]);
    // A total, price or currency sent by the browser is not read: the (declined) order has the real ones.
    expect((await checkout(cookie, { email, total: '1', price: '0', currency: 'XXX', card_number: '4000 0000 0000 0002' })).status).toBe(422);
    const tried = await db().selectFrom('orders').select(['status', 'subtotal_cents', 'currency']).where('email', '=', email).execute();
    expect(tried).toEqual([{ status: 'cancelled', subtotal_cents: 5000, currency: 'USD' }]);
    expect(await stockOf(variantId)).toBe(5);
  });

  it('a member sees their orders; another member gets 404 for it', async () => {
    const buyer = await insertUser(db());
    const other = await insertUser(db());
    const cookie = await logIn(ctx, buyer.email);
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 9000, stock: 5 }]);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }, cookie));
    const placed = await checkout(cookie, { email: buyer.email });
    expect(placed.status).toBe(303);
    const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const list = await htmlOf(await ctx.app.request('/orders', { headers: { Cookie: cookie } }));
    expect(list.querySelector(`a[href="/orders/${number}"]`)).not.toBeNull();
    expect((await ctx.app.request(`/orders/${number}`, { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await ctx.app.request(`/orders/${number}`, { headers: { Cookie: await logIn(ctx, other.email) } })).status).toBe(404);
    expect((await ctx.app.request('/orders/HS-NOTREAL1', { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await ctx.app.request('/orders/<script>', { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('with an empty cart, checkout sends the shopper back to the cart', async () => {
    expect((await ctx.app.request('/checkout')).headers.get('Location')).toBe('/cart');
    expect((await ctx.app.request('/checkout', form({ email: 'x@example.test' }))).status).toBe(303);
  });
});

describe('cancelling an order', () => {
  it('a paid, unshipped order is refunded, cancelled and restocked; only its owner can do it; a shipped one cannot be', async () => {
    const { cookie, variantId } = await guestCart(2500, 1);
    const location = (await checkout(cookie, { email: 'cancel@example.test' })).headers.get('Location')!;
    const [, number, token] = location.match(/\/orders\/(HS-[0-9A-Z]{8})\?token=([\w-]+)/)!;
    expect(await stockOf(variantId)).toBe(4);

    // Someone without the link cannot even see it.
    expect((await ctx.app.request(`/orders/${number}/cancel`, form({}))).status).toBe(404);
    expect((await ctx.app.request(`/orders/${number}/cancel`, form({ token: 'forged' }))).status).toBe(404);

    const cancelled = await ctx.app.request(`/orders/${number}/cancel`, form({ token: token! }));
    expect(cancelled.status).toBe(303);
    const page = await htmlOf(await ctx.app.request(cancelled.headers.get('Location')!));
    expect(page.querySelector('[data-order-status]')?.getAttribute('data-order-status')).toBe('cancelled');
    expect(await stockOf(variantId)).toBe(5);
    const order = await db().selectFrom('orders').select(['id', 'refunded_cents', 'total_cents']).where('number', '=', number!).executeTakeFirstOrThrow();
    expect(order.refunded_cents).toBe(order.total_cents);
    // The money is accounted for as any refund is: one recorded, settled refund of the whole
    // payment, by the customer (no member of staff), and the timeline says who cancelled.
    const refunds = await db().selectFrom('order_refunds').select(['amount_cents', 'status', 'restock', 'actor_user_id', 'provider_refund_id']).where('order_id', '=', order.id).execute();
    expect(refunds).toEqual([{ amount_cents: order.total_cents, status: 'succeeded', restock: true, actor_user_id: null, provider_refund_id: expect.any(String) }]);
    const moves = await db().selectFrom('order_events').select(['to_status', 'actor']).where('order_id', '=', order.id).orderBy('id').execute();
    expect(moves.at(-1)).toEqual({ to_status: 'cancelled', actor: 'customer' });
    // Twice is refused with a reason, not a 500.
    expect((await ctx.app.request(`/orders/${number}/cancel`, form({ token: token! }))).status).toBe(409);

    const second = await guestCart(2500, 1);
    const shippedNumber = (await checkout(second.cookie, { email: 'shipped@example.test' })).headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    await db().updateTable('orders').set({ status: 'shipped' }).where('number', '=', shippedNumber).execute();
    const refused = await ctx.app.request(`/orders/${shippedNumber}/cancel`, form({ token: orderLinkToken(shippedNumber, testSecret) }));
    expect(refused.status).toBe(409);
    expect(textOf(await htmlOf(refused), '[role=alert]')).toMatch(/can no longer be cancelled/);
    expect(await stockOf(second.variantId)).toBe(4);
  });
});

describe('a member’s saved addresses at checkout', () => {
  it('ships to their own saved address by id; another member’s id is refused and nothing is ordered', async () => {
    const buyer = await insertUser(db());
    const other = await insertUser(db());
    const [mine, theirs] = await db()
      .insertInto('user_addresses')
      .values([
        { user_id: buyer.id, full_name: 'Saved Buyer', address_line1: '9 Saved Street', city: 'Reston', postal_code: '20190', country: 'US' },
        { user_id: other.id, full_name: 'Someone Else', address_line1: '1 Private Road', city: 'Elsewhere', postal_code: '99999', country: 'US' },
      ])
      .returning('id')
      .execute();
    const cookie = await logIn(ctx, buyer.email);
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 3000, stock: 5 }]);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }, cookie));
    const page = await htmlOf(await ctx.app.request('/checkout', { headers: { Cookie: cookie } }));
    expect(page.querySelectorAll('#field-address_id option')).toHaveLength(2);

    const minimal = { email: buyer.email, shipping_method: 'standard', card_number: '4242 4242 4242 4242' };
    const refused = await ctx.app.request('/checkout', form({ ...minimal, address_id: String(theirs!.id) }, cookie));
    expect(refused.status).toBe(422);
    expect(await db().selectFrom('orders').select('id').where('email', '=', buyer.email).execute()).toEqual([]);

    const placed = await ctx.app.request('/checkout', form({ ...minimal, address_id: String(mine!.id) }, cookie));
    expect(placed.status).toBe(303);
    const order = await db().selectFrom('orders').select(['full_name', 'address_line1', 'city']).where('email', '=', buyer.email).executeTakeFirstOrThrow();
    expect(order).toEqual({ full_name: 'Saved Buyer', address_line1: '9 Saved Street', city: 'Reston' });
  });
});

describe('returns', () => {
  it('a delivered order can ask for a return (items it bought, at most as many); staff decide it once', async () => {
    const { cookie } = await guestCart(2500, 2);
    const location = (await checkout(cookie, { email: 'returns@example.test' })).headers.get('Location')!;
    const [, number, token] = location.match(/\/orders\/(HS-[0-9A-Z]{8})\?token=([\w-]+)/)!;
    const order = await db().selectFrom('orders').select('id').where('number', '=', number!).executeTakeFirstOrThrow();
    const item = await db().selectFrom('order_items').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow();
    const ask = (fields: Record<string, string>) => ctx.app.request(`/orders/${number}/return`, form({ token: token!, reason: 'Too small', ...fields }));

    expect((await ask({ [`qty_${item.id}`]: '1' })).status).toBe(422); // paid, not delivered yet
    await db().updateTable('orders').set({ status: 'delivered' }).where('id', '=', order.id).execute();
    expect((await ask({ [`qty_${item.id}`]: '3' })).status).toBe(422); // more than bought
    expect((await ask({ qty_999999: '1' })).status).toBe(422); // not this order's item
    expect((await ask({ [`qty_${item.id}`]: '0' })).status).toBe(422); // nothing chosen
    expect((await ctx.app.request(`/orders/${number}/return`, form({ reason: 'x', [`qty_${item.id}`]: '1' }))).status).toBe(404); // no link, no order
    const asked = await ask({ [`qty_${item.id}`]: '2' });
    expect(asked.status).toBe(303);
    expect((await ask({ [`qty_${item.id}`]: '1' })).status).toBe(422); // one open request at a time
    const request = await db().selectFrom('return_requests').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(request).toMatchObject({ status: 'requested', reason: 'Too small', items: [{ order_item_id: item.id, quantity: 2 }] });

    const customer = await insertUser(db());
    expect((await ctx.app.request(`/admin/returns/${request.id}/decision`, form({ decision: 'approved' }, await logIn(ctx, customer.email)))).status).toBe(403);
    expect((await db().selectFrom('return_requests').select('status').where('id', '=', request.id).executeTakeFirstOrThrow()).status).toBe('requested');
  });
});

describe('coupons at checkout', () => {
  it('a coupon on a category applies at checkout to a product in a category below it, as it did in the cart', async () => {
    const { insertCategory } = await import('../support/factories.js');
    const parent = await insertCategory(db(), { name: 'Stationery' });
    const child = await insertCategory(db(), { name: 'Pens', parent_id: parent.id });
    await ctx.catalog.invalidate(); // new categories: the cached tree must learn them
    await db().insertInto('coupons').values({ code: 'PENS50', kind: 'percent', percent_basis_points: 5000, category_ids: [parent.id] }).execute();
    const { variants } = await insertProduct(db(), { category_id: child.id }, [{ price_cents: 4000, stock: 5 }]);
    const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
    const cookie = sessionCookieFrom(added)!;
    await ctx.app.request('/cart/coupon', form({ code: 'PENS50' }, cookie));
    const placed = await checkout(cookie, { email: 'pens@example.test' });
    expect(placed.status).toBe(303);
    const order = await db().selectFrom('orders').select(['discount_cents', 'coupon_code']).where('email', '=', 'pens@example.test').executeTakeFirstOrThrow();
    expect(order).toEqual({ discount_cents: 2000, coupon_code: 'PENS50' });
  });
});
