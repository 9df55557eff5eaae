import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToCart, createGuestCart } from '../../../src/cart/carts.js';
import { formatMoney } from '../../../src/lib/money.js';
import { orderLinkToken } from '../../../src/orders/orders.js';
import { placeOrder } from '../../../src/orders/place-order.js';
import type { User } from '../../../src/db/schema-accounts.js';
import { form, insertUser, latestMailTo, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, testConfig, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: User;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const money = (cents: number) => formatMoney(cents, 'USD');
const address = { full_name: 'Katherine Johnson', address_line1: '1 Orbit Lane', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };
const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
const orderRow = (number: string) => db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const eventsOf = async (orderId: number) => db().selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
const auditOf = (orderId: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'order').where('entity_id', '=', String(orderId)).orderBy('id').execute();
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>, as = cookie) => ctx.app.request(path, form(fields, as));

/** A paid order placed through the real checkout with the test provider (a member's when a cookie is given). */
async function paidOrder(options: { email?: string; memberCookie?: string; priceCents?: number; quantity?: number } = {}) {
  const email = options.email ?? `buyer.${randomBytes(4).toString('hex')}@example.test`;
  const { variants } = await insertProduct(db(), { name: 'Star Chart' }, [{ price_cents: options.priceCents ?? 4000, stock: 10 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: String(options.quantity ?? 2) }, options.memberCookie));
  const shopper = options.memberCookie ?? sessionCookieFrom(added)!;
  const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, shopper));
  expect(placed.status).toBe(303);
  const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
  return { number, email, variantId: variants[0]!.id, order: await orderRow(number), shopper };
}

/** An order awaiting payment, placed directly (the test provider pays at once through checkout). */
async function pendingOrder(email = `waiting.${randomBytes(4).toString('hex')}@example.test`) {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 1500, stock: 5 }]);
  const cartId = await createGuestCart(db());
  await addToCart(db(), cartId, variants[0]!.id, 2);
  const { order } = await placeOrder(db(), {
    cartId,
    userId: null,
    email,
    address,
    shippingMethodCode: 'standard',
    paymentProvider: 'test',
    holdMinutes: 30,
    pricing: { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids) => ids, now: new Date() },
  });
  return { order, variantId: variants[0]!.id };
}

describe('the order list', () => {
  it('filters by status, dates, flag and search (number or e-mail, any case), newest first, with paging', async () => {
    const tag = randomBytes(3).toString('hex');
    const first = await paidOrder({ email: `Ann.${tag}@Example.test` });
    const second = await paidOrder({ email: `bob.${tag}@example.test` });
    const third = await pendingOrder(`cy.${tag}@example.test`);
    // placed_at is never written by the app after insert; the test back-dates it in SQL.
    const placeAt = (number: string, at: string) => sql`UPDATE orders SET placed_at = ${new Date(at)} WHERE number = ${number}`.execute(db());
    await placeAt(first.number, '2026-01-10T12:00:00Z');
    await placeAt(second.number, '2026-02-10T12:00:00Z');
    await placeAt(third.order.number, '2026-03-10T12:00:00Z');
    await db().updateTable('orders').set({ needs_review: 'Dispute opened' }).where('number', '=', second.number).execute();
    const numbers = async (query: string) => {
      const page = await htmlOf(await get(`/admin/orders?${query}`));
      return page.querySelectorAll('[data-order-row]').map((row) => row.getAttribute('data-order-row'));
    };
    expect(await numbers(`q=${tag.toUpperCase()}`)).toEqual([third.order.number, second.number, first.number]);
    expect(await numbers(`q=ANN.${tag}`)).toEqual([first.number]);
    expect(await numbers(`q=${second.number.toLowerCase()}`)).toEqual([second.number]);
    expect(await numbers(`q=${tag}&status=pending`)).toEqual([third.order.number]);
    expect(await numbers(`q=${tag}&from=2026-02-01&to=2026-02-10`)).toEqual([second.number]);
    expect(await numbers(`q=${tag}&flagged=1`)).toEqual([second.number]);
    expect(await numbers(`q=${tag}&per_page=2`)).toEqual([third.order.number, second.number]);
    expect(await numbers(`q=${tag}&per_page=2&page=2`)).toEqual([first.number]);
    // % and _ typed by staff are matched literally, not as wildcards.
    expect(await numbers('q=%25')).toEqual([]);

    const page = await htmlOf(await get(`/admin/orders?q=${tag}&per_page=2`));
    expect(page.querySelector(`a[href="/admin/orders/${third.order.number}"]`)).not.toBeNull();
    expect(page.querySelector('[data-result-count]')?.getAttribute('data-result-count')).toBe('3');
    expect(page.querySelector('nav[aria-label="Pagination"] a[rel="next"]')?.getAttribute('href')).toBe(`/admin/orders?q=${tag}&page=2`);
    expect(page.querySelectorAll(`[data-order-row="${second.number}"] td.num`).map((cell) => cell.text)).toEqual(['2', money(second.order.total_cents)]);
    expect(textOf(page, `[data-order-row="${second.number}"] [data-flagged]`)).toBe('Flagged: Dispute opened');
  });

  it('answers htmx with the results fragment alone, and reports a bad filter without failing', async () => {
    const fragment = await get('/admin/orders?status=paid', { 'HX-Request': 'true' });
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get('Vary')).toContain('HX-Request');
    const html = await fragment.text();
    expect(html.trimStart()).toMatch(/^<div id="order-results">/);
    expect(html).not.toContain('aria-label="Back office"');

    const bad = await get('/admin/orders?from=2026-13-45&status=lost');
    expect(bad.status).toBe(422);
    const page = await htmlOf(bad);
    expect(textOf(page, '#filter-from-error')).toMatch(/YYYY-MM-DD/);
    expect(textOf(page, '#filter-status-error')).toMatch(/not an order status/);
    expect(page.querySelectorAll('[data-order-row]').length).toBeGreaterThan(0);
  });
});

describe('moving an order', () => {
  it('prepares, ships with carrier and tracking (e-mailing the customer, whose page shows it), then delivers; each move audited', async () => {
    const customer = await insertUser(db());
    const memberCookie = await logIn(ctx, customer.email);
    const { number, order } = await paidOrder({ email: customer.email, memberCookie });
    expect((await post(`/admin/orders/${number}/status`, { status: 'processing' })).status).toBe(303);

    const missing = await post(`/admin/orders/${number}/status`, { status: 'shipped', carrier: 'UPS', tracking_number: '' });
    expect(missing.status).toBe(422);
    const missingPage = await htmlOf(missing);
    expect(textOf(missingPage, '#field-tracking_number-error')).toMatch(/tracking number/);
    expect(missingPage.querySelector('#field-carrier')?.getAttribute('value')).toBe('UPS');
    expect((await orderRow(number)).status).toBe('processing');

    const shipped = await post(`/admin/orders/${number}/status`, { status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA10123456784' });
    expect(shipped.status).toBe(303);
    expect(shipped.headers.get('Location')).toBe(`/admin/orders/${number}`);
    const row = await orderRow(number);
    expect(row).toMatchObject({ status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA10123456784' });
    expect(row.shipped_at).toBeInstanceOf(Date);
    const events = await eventsOf(order.id);
    expect(events.slice(-2).map((event) => [event.from_status, event.to_status, event.actor, event.actor_user_id])).toEqual([
      ['paid', 'processing', 'staff', admin.id],
      ['processing', 'shipped', 'staff', admin.id],
    ]);
    const audit = await auditOf(order.id);
    expect(audit.map((entry) => [entry.action, entry.actor_user_id, entry.before, entry.after])).toEqual([
      ['order.status_changed', admin.id, { status: 'paid' }, { status: 'processing' }],
      ['order.status_changed', admin.id, { status: 'processing' }, { status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA10123456784' }],
    ]);

    const mail = await latestMailTo(db(), customer.email);
    expect(mail?.subject).toBe(`Your order has shipped: ${number}`);
    expect(mail?.text_body).toContain('Carrier: UPS');
    expect(mail?.text_body).toContain('Tracking number: 1Z999AA10123456784');
    expect(mail?.text_body).toMatch(new RegExp(`https?://[^\\s]+/orders/${number}\\?token=`));

    const customerPage = await htmlOf(await ctx.app.request(`/orders/${number}`, { headers: { Cookie: memberCookie } }));
    expect(customerPage.querySelector('[data-order-status]')?.getAttribute('data-order-status')).toBe('shipped');
    expect(textOf(customerPage, '[data-order-timeline]')).toContain('1Z999AA10123456784');

    const staffPage = await htmlOf(await get(`/admin/orders/${number}`));
    expect(textOf(staffPage, '[role=status]')).toContain('Marked shipped');
    expect(textOf(staffPage, '[data-tracking]')).toContain('UPS · 1Z999AA10123456784');
    expect(textOf(staffPage, '[data-timeline]')).toMatch(/Being prepared → Shipped, by Grace Lovelace/);

    expect((await post(`/admin/orders/${number}/status`, { status: 'delivered' })).status).toBe(303);
    const delivered = await orderRow(number);
    expect(delivered.status).toBe('delivered');
    expect(delivered.delivered_at).toBeInstanceOf(Date);
  });

  it('refuses a move the state machine does not allow, with the reason, and changes nothing', async () => {
    const pending = await pendingOrder();
    const { number, order } = await paidOrder();
    await db().updateTable('orders').set({ status: 'delivered' }).where('id', '=', order.id).execute();
    const cases: [string, Record<string, string>, number, RegExp][] = [
      [pending.order.number, { status: 'shipped', carrier: 'UPS', tracking_number: 'X1' }, 409, /cannot go from awaiting payment to shipped/],
      [pending.order.number, { status: 'delivered' }, 409, /cannot go from awaiting payment to delivered/],
      [number, { status: 'cancelled' }, 409, /delivered can no longer be cancelled/],
      [number, { status: 'refunded' }, 422, /refunds have their own form/],
      [number, { status: 'processing' }, 409, /cannot go from delivered/],
    ];
    for (const [orderNumber, fields, status, message] of cases) {
      const before = await orderRow(orderNumber);
      const [eventsBefore, auditBefore] = [await eventsOf(before.id), await auditOf(before.id)];
      const response = await post(`/admin/orders/${orderNumber}/status`, fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(textOf(await htmlOf(response), '[role=alert]')).toMatch(message);
      expect(await orderRow(orderNumber)).toEqual(before);
      expect(await eventsOf(before.id)).toEqual(eventsBefore);
      expect(await auditOf(before.id)).toEqual(auditBefore);
    }
    expect(await stockOf(pending.variantId)).toBe(3);
    expect((await post('/admin/orders/HS-NOTREAL9/status', { status: 'processing' })).status).toBe(404);
  });

  it('two staff shipping at once make one move and one e-mail', async () => {
    const { number, order, email } = await paidOrder();
    await post(`/admin/orders/${number}/status`, { status: 'processing' });
    const fields = { status: 'shipped', carrier: 'DHL', tracking_number: 'JD014600003' };
    const answers = await Promise.all([post(`/admin/orders/${number}/status`, fields), post(`/admin/orders/${number}/status`, fields)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 409]);
    expect((await eventsOf(order.id)).filter((event) => event.to_status === 'shipped')).toHaveLength(1);
    await latestMailTo(db(), email);
    expect(await db().selectFrom('dev_mail').select('id').where('to_address', '=', email).where('subject', 'like', 'Your order has shipped%').execute()).toHaveLength(1);
  });
});

describe('cancelling as staff', () => {
  it('a paid order is refunded in full through the provider, then cancelled and restocked, with the stock history saying why', async () => {
    const { number, order, variantId, email } = await paidOrder({ quantity: 3 });
    expect(await stockOf(variantId)).toBe(7);
    const sale = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).where('reason', '=', 'sale').execute();
    expect(sale.map((movement) => [movement.delta, movement.note, movement.actor_user_id])).toEqual([[-3, number, null]]);

    const response = await post(`/admin/orders/${number}/status`, { status: 'cancelled' });
    expect(response.status).toBe(303);
    expect(await orderRow(number)).toMatchObject({ status: 'cancelled', refunded_cents: order.total_cents });
    expect(await stockOf(variantId)).toBe(10);
    const refunds = await db().selectFrom('order_refunds').selectAll().where('order_id', '=', order.id).execute();
    expect(refunds).toEqual([expect.objectContaining({ sequence: 1, amount_cents: order.total_cents, status: 'succeeded', restock: true, actor_user_id: admin.id })]);
    expect(refunds[0]!.provider_refund_id).toBeTruthy();
    const back = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(back).toMatchObject({ delta: 3, reason: 'cancelled', note: number, actor_user_id: admin.id });
    const events = await eventsOf(order.id);
    expect(events.at(-1)).toMatchObject({ from_status: 'paid', to_status: 'cancelled', actor: 'staff', actor_user_id: admin.id });
    const audit = await auditOf(order.id);
    expect(audit.at(-1)).toMatchObject({ action: 'order.status_changed', actor_user_id: admin.id, before: { status: 'paid', refunded_cents: 0 }, after: { status: 'cancelled', refunded_cents: order.total_cents } });
    expect((await latestMailTo(db(), email))?.text_body).toContain(`is cancelled and refunded`);
  });

  it('a pending order is cancelled and its stock released; a shipped one cannot be cancelled', async () => {
    const { order, variantId } = await pendingOrder();
    expect((await post(`/admin/orders/${order.number}/status`, { status: 'cancelled' })).status).toBe(303);
    expect((await orderRow(order.number)).status).toBe('cancelled');
    expect(await stockOf(variantId)).toBe(5);
    expect((await eventsOf(order.id)).at(-1)).toMatchObject({ to_status: 'cancelled', actor: 'staff', actor_user_id: admin.id });

    // Being prepared: the state machine has no way to cancelled, so it is refunded in full and restocked.
    const preparing = await paidOrder({ quantity: 1 });
    await post(`/admin/orders/${preparing.number}/status`, { status: 'processing' });
    expect((await post(`/admin/orders/${preparing.number}/status`, { status: 'cancelled' })).status).toBe(303);
    expect(await orderRow(preparing.number)).toMatchObject({ status: 'refunded', refunded_cents: preparing.order.total_cents });
    expect(await stockOf(preparing.variantId)).toBe(10);

    const shipped = await paidOrder();
    await post(`/admin/orders/${shipped.number}/status`, { status: 'processing' });
    await post(`/admin/orders/${shipped.number}/status`, { status: 'shipped', carrier: 'UPS', tracking_number: 'T1' });
    const refused = await post(`/admin/orders/${shipped.number}/status`, { status: 'cancelled' });
    expect(refused.status).toBe(409);
    expect(textOf(await htmlOf(refused), '[role=alert]')).toMatch(/shipped can no longer be cancelled/);
    expect(await orderRow(shipped.number)).toMatchObject({ status: 'shipped', refunded_cents: 0 });
  });
});

describe('the order screen', () => {
  it('shows items, totals, payment and address; internal notes are audited and never shown to the customer', async () => {
    const { number, order, shopper } = await paidOrder({ email: `notes.${randomBytes(3).toString('hex')}@example.test` });
    const page = await htmlOf(await get(`/admin/orders/${number}`));
    expect(textOf(page, '[data-order-total]')).toBe(money(order.total_cents));
    expect(textOf(page, '[data-payment-field="Provider"]')).toBe('test');
    expect(textOf(page, '[data-payment-field="Refunded so far"]')).toBe('$0.00');
    expect(textOf(page, '[aria-labelledby="shipping-heading"]')).toContain('Katherine Johnson 1 Orbit Lane');

    const empty = await post(`/admin/orders/${number}/notes`, { body: '   ' });
    expect(empty.status).toBe(422);
    expect(textOf(await htmlOf(empty), '#field-body-error')).toMatch(/Write the note/);
    const body = 'Customer called: <b>leave at the door</b>';
    expect((await post(`/admin/orders/${number}/notes`, { body })).status).toBe(303);
    const notes = await db().selectFrom('order_notes').selectAll().where('order_id', '=', order.id).execute();
    expect(notes).toEqual([expect.objectContaining({ body, author_user_id: admin.id })]);
    expect((await auditOf(order.id)).at(-1)).toMatchObject({ action: 'order.note_added', actor_user_id: admin.id, after: { note_id: notes[0]!.id, body } });
    const after = await htmlOf(await get(`/admin/orders/${number}`));
    expect(textOf(after, '[data-timeline-kind="note"]')).toContain(`Note by Grace Lovelace: ${body}`);
    expect(after.querySelector('[data-timeline] b')).toBeNull();
    const customerView = await ctx.app.request(`/orders/${number}?token=${orderLinkToken(number, testConfig().APP_SECRET)}`, { headers: { Cookie: shopper } });
    expect(customerView.status).toBe(200);
    expect(await customerView.text()).not.toContain('leave at the door');
  });

  it('shows return requests with approve and reject; a decision is audited and leads back to the order', async () => {
    const { number, order } = await paidOrder();
    const items = await db().selectFrom('order_items').select('id').where('order_id', '=', order.id).execute();
    const request = await db()
      .insertInto('return_requests')
      .values({ order_id: order.id, reason: 'Too small', items: JSON.stringify([{ order_item_id: items[0]!.id, quantity: 1 }]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const page = await htmlOf(await get(`/admin/orders/${number}`));
    expect(textOf(page, `[data-return="${request.id}"]`)).toMatch(/Waiting for a decision.*Too small.*1 × Star Chart/);
    expect(page.querySelector(`form[action="/admin/returns/${request.id}/decision"] button[value="approved"]`)).not.toBeNull();
    const decided = await post(`/admin/returns/${request.id}/decision`, { decision: 'approved' });
    expect(decided.status).toBe(303);
    expect(decided.headers.get('Location')).toBe(`/admin/orders/${number}`);
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'return.decided').where('entity_id', '=', String(request.id)).execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: admin.id, before: { status: 'requested' }, after: { status: 'approved' } })]);
    expect(textOf(await htmlOf(await get(`/admin/orders/${number}`)), '[data-timeline]')).toMatch(/Return #\d+ approved, by Grace Lovelace/);
  });

  it('answers 404 for an unknown or malformed order number', async () => {
    expect((await get('/admin/orders/HS-AAAAAAAA')).status).toBe(404);
    expect((await get('/admin/orders/<script>')).status).toBe(404);
  });
});

describe('a customer', () => {
  it('gets 403 on every order page and action, and changes nothing', async () => {
    const { number, order } = await paidOrder();
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    for (const path of ['/admin/orders', `/admin/orders/${number}`]) {
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie } })).status, path).toBe(403);
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status, path).toBe(403);
    }
    const actions: [string, Record<string, string>][] = [
      [`/admin/orders/${number}/status`, { status: 'cancelled' }],
      [`/admin/orders/${number}/refund`, { amount: '1.00' }],
      [`/admin/orders/${number}/notes`, { body: 'hello' }],
      ['/admin/returns/1/decision', { decision: 'approved' }],
    ];
    for (const [path, fields] of actions) expect((await post(path, fields, customerCookie)).status, path).toBe(403);
    expect(await orderRow(number)).toEqual(order);
    expect(await db().selectFrom('order_notes').select('id').where('order_id', '=', order.id).execute()).toEqual([]);
  });
});
