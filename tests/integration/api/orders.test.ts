import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { cookielessApi, userWithTokens } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';

const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });
const checkout = { shippingAddress: { fullName: 'Katherine Johnson', addressLine1: '1 Orbit Lane', city: 'Hampton', postalCode: '23666', country: 'US' }, shippingMethod: 'standard' };

describe('API orders', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());
  const db = () => ctx.database.db;
  const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
  const statusOf = async (number: string) => (await db().selectFrom('orders').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status;

  /** An order placed through the API (and paid with the test card unless `pay` is false). */
  async function placeOrder(token: string, options: { pay?: boolean; quantity?: number } = {}) {
    const api = cookielessApi(ctx);
    const { variants } = await insertProduct(db(), { name: 'Star Chart' }, [{ price_cents: 1500, stock: 10 }]);
    expect((await api.post('/cart/items', { variantId: variants[0]!.id, quantity: options.quantity ?? 1 }, { token })).status).toBe(201);
    const placed = await api.post('/checkout/orders', checkout, { token, headers: { 'Idempotency-Key': randomUUID() } });
    expect(placed.status).toBe(201);
    const number = placed.body.number as string;
    if (options.pay !== false) expect((await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242424242424242' }, { token })).status).toBe(200);
    return { number, variantId: variants[0]!.id };
  }

  it('lists my orders newest first, a page at a time', async () => {
    const api = cookielessApi(ctx);
    const { tokens } = await userWithTokens(ctx);
    const token = tokens.accessToken;
    const first = await placeOrder(token);
    const second = await placeOrder(token);
    const third = await placeOrder(token, { pay: false });
    const someoneElse = await userWithTokens(ctx);
    await placeOrder(someoneElse.tokens.accessToken);

    const page = await api.get('/orders?limit=2', { token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, limit: 2, total: 3, totalPages: 2 });
    expect(page.body.items.map((item: { number: string }) => item.number)).toEqual([third.number, second.number]);
    expect(page.body.items[0]).toMatchObject({ status: 'pending', statusLabel: 'Awaiting payment', paidAt: null, total: { amount: 2099, currency: 'USD' } });
    const next = await api.get('/orders?limit=2&page=2', { token });
    expect(next.body.items.map((item: { number: string }) => item.number)).toEqual([first.number]);
    expect(next.body.items[0]).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    expect((await api.get('/orders', { token: someoneElse.tokens.accessToken })).body.total).toBe(1);
    expect((await api.get('/orders?limit=101', { token })).status).toBe(400);
    expect((await api.get('/orders?page=abc', { token })).status).toBe(400);
  });

  it('shows one of my orders with its lines, totals, history and tracking', async () => {
    const api = cookielessApi(ctx);
    const { tokens } = await userWithTokens(ctx);
    const { number, variantId } = await placeOrder(tokens.accessToken, { quantity: 2 });
    await db().updateTable('orders').set({ status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA1', shipped_at: new Date() }).where('number', '=', number).execute();
    const answer = await api.get(`/orders/${number}`, { token: tokens.accessToken });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      number,
      status: 'shipped',
      statusLabel: 'Shipped',
      totals: { subtotal: { amount: 3000 }, shipping: { amount: 599 }, tax: { amount: 0 }, total: { amount: 3599 }, refunded: { amount: 0 } },
      items: [{ variantId, name: 'Star Chart', quantity: 2, unitPrice: { amount: 1500, currency: 'USD' }, total: { amount: 3000, currency: 'USD' } }],
      tracking: { carrier: 'UPS', trackingNumber: '1Z999AA1', shippedAt: expect.any(String), deliveredAt: null },
      canCancel: false,
      returns: [],
    });
    expect(answer.body.timeline.map((entry: { status: string; label: string }) => [entry.status, entry.label])).toEqual([
      ['pending', 'Awaiting payment'],
      ['paid', 'Paid'],
    ]);
  });

  it('answers 404 for another user’s order, 400 for a malformed number, 401 without a token and 403 for an API key', async () => {
    const api = cookielessApi(ctx);
    const owner = await userWithTokens(ctx);
    const { number } = await placeOrder(owner.tokens.accessToken, { pay: false });
    const stranger = await userWithTokens(ctx);
    const theirs = await api.get(`/orders/${number}`, { token: stranger.tokens.accessToken });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(problem('not-found'));
    const cancel = await api.post(`/orders/${number}/cancel`, undefined, { token: stranger.tokens.accessToken });
    expect(cancel.status).toBe(404);
    expect(await statusOf(number)).toBe('pending');
    expect((await api.get('/orders/HS-00000000', { token: stranger.tokens.accessToken })).status).toBe(404);
    const malformed = await api.get('/orders/12345', { token: owner.tokens.accessToken });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'path.number', message: 'An order number looks like HS-ABCD2345.' }]);
    expect((await api.get('/orders')).status).toBe(401);
    expect((await api.get(`/orders/${number}`)).status).toBe(401);
    const { key } = await createApiKey(db(), { name: 'Feed', createdBy: owner.user.id });
    expect((await api.get('/orders', { token: key })).status).toBe(403);
    expect((await api.post(`/orders/${number}/cancel`, undefined, { token: key })).status).toBe(403);
    expect(await statusOf(number)).toBe('pending');
  });

  it('cancels by the order page’s rule: unpaid released, paid refunded, shipped refused with 409', async () => {
    const api = cookielessApi(ctx);
    const { tokens } = await userWithTokens(ctx);
    const token = tokens.accessToken;

    const unpaid = await placeOrder(token, { pay: false });
    expect(await stockOf(unpaid.variantId)).toBe(9);
    const cancelled = await api.post(`/orders/${unpaid.number}/cancel`, undefined, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ number: unpaid.number, status: 'cancelled', canCancel: false });
    expect(await stockOf(unpaid.variantId)).toBe(10);
    const twice = await api.post(`/orders/${unpaid.number}/cancel`, undefined, { token });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toBe('The order is already cancelled.');

    const paid = await placeOrder(token);
    const refunded = await api.post(`/orders/${paid.number}/cancel`, undefined, { token });
    expect(refunded.status).toBe(200);
    // The cart kept the unpaid order's line, so this order holds both; all of it is refunded.
    expect(refunded.body).toMatchObject({ status: 'cancelled', totals: { total: { amount: 3599 }, refunded: { amount: 3599 } } });
    expect(await stockOf(paid.variantId)).toBe(10);

    const shipped = await placeOrder(token);
    await db().updateTable('orders').set({ status: 'shipped' }).where('number', '=', shipped.number).execute();
    const late = await api.post(`/orders/${shipped.number}/cancel`, undefined, { token });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ detail: 'An order that is shipped can no longer be cancelled.' });
    expect(await statusOf(shipped.number)).toBe('shipped');
    expect(await stockOf(shipped.variantId)).toBe(9);
  });
});
