import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddress } from '../../../src/accounts/addresses.js';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { StripePaymentProvider } from '../../../src/payments/index.js';
import { cookielessApi, userWithTokens } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { startFakeStripe, type FakeStripe } from '../../support/fake-stripe.js';

const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field).sort();
const shippingAddress = { fullName: 'Mary Jackson', addressLine1: '3 Wind Tunnel Road', city: 'Hampton', postalCode: '23666', country: 'US' };
const order = (overrides: Record<string, unknown> = {}) => ({ shippingAddress, shippingMethod: 'standard', ...overrides });
const keyed = (token: string, key: string = randomUUID()) => ({ token, headers: { 'Idempotency-Key': key } });

async function stockOf(ctx: TestContext, variantId: number) {
  return (await ctx.database.db.selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;
}

/** A signed-in shopper whose cart (filled through the API) holds `quantity` of a new product. */
async function shopperWithCart(ctx: TestContext, variant: { price_cents?: number; stock?: number } = {}, quantity = 2) {
  const { user, tokens } = await userWithTokens(ctx);
  const { variants } = await insertProduct(ctx.database.db, { name: 'Slide Rule' }, [{ price_cents: 3000, stock: 10, ...variant }]);
  const added = await cookielessApi(ctx).post('/cart/items', { variantId: variants[0]!.id, quantity }, { token: tokens.accessToken });
  expect(added.status).toBe(201);
  return { user, token: tokens.accessToken, variantId: variants[0]!.id };
}

describe('API checkout with the test provider', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());
  const db = () => ctx.database.db;
  const ordersOf = async (userId: number) => db().selectFrom('orders').select(['number', 'status']).where('user_id', '=', userId).orderBy('id').execute();

  it('places an order priced by the server, and the same Idempotency-Key answers the same order', async () => {
    const api = cookielessApi(ctx);
    const { user, token, variantId } = await shopperWithCart(ctx);
    const key = randomUUID();
    const placed = await api.post('/checkout/orders', order({ smsUpdates: false }), keyed(token, key));
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'pending',
      statusLabel: 'Awaiting payment',
      email: user.email,
      totals: { subtotal: { amount: 6000, currency: 'USD' }, shipping: { amount: 599 }, total: { amount: 6599 }, refunded: { amount: 0 } },
      shippingMethod: { code: 'standard' },
      shippingAddress: { fullName: 'Mary Jackson', country: 'US', addressLine2: '', phone: '' },
      items: [expect.objectContaining({ variantId, name: 'Slide Rule', quantity: 2, unitPrice: { amount: 3000, currency: 'USD' }, total: { amount: 6000, currency: 'USD' } })],
      timeline: [expect.objectContaining({ status: 'pending' })],
      canCancel: true,
      payBy: expect.any(String),
    });
    expect(placed.headers.get('Location')).toBe(`/api/v1/orders/${placed.body.number}`);
    expect(await stockOf(ctx, variantId)).toBe(8);

    const replay = await api.post('/checkout/orders', order({ smsUpdates: false }), keyed(token, key));
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body.number).toBe(placed.body.number);
    const otherBody = await api.post('/checkout/orders', order({ shippingMethod: 'express' }), keyed(token, key));
    expect(otherBody.status).toBe(422);
    expect(otherBody.body).toEqual(problem('idempotency-conflict'));
    expect(await ordersOf(user.id)).toEqual([{ number: placed.body.number, status: 'pending' }]);
    expect(await stockOf(ctx, variantId)).toBe(8);
  });

  it('pays with the test card as the checkout page does: paid, cart emptied, and asked again, 409', async () => {
    const api = cookielessApi(ctx);
    const { user, token, variantId } = await shopperWithCart(ctx);
    const placed = await api.post('/checkout/orders', order(), keyed(token));
    const number = placed.body.number as string;
    const intent = await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token });
    expect(intent.status).toBe(200);
    expect(intent.body).toMatchObject({ provider: 'test', orderNumber: number, amount: { amount: 6599, currency: 'USD' }, paymentId: expect.any(String), testPayment: { path: `/api/v1/checkout/orders/${number}/test-payment`, cards: { succeeds: '4242424242424242' } } });
    expect(intent.body.clientSecret).toBeUndefined();
    const again = await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token });
    expect(again.body.paymentId).toBe(intent.body.paymentId);

    const paid = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242 4242 4242 4242' }, { token });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ number, status: 'paid', paidAt: expect.any(String), canCancel: true, payBy: null });
    expect(paid.body.timeline.map((entry: { status: string }) => entry.status)).toEqual(['pending', 'paid']);
    expect((await api.get('/cart', { token })).body.lines).toEqual([]);
    expect(await stockOf(ctx, variantId)).toBe(8);
    const row = await db().selectFrom('orders').select(['status', 'payment_id']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'paid', payment_id: intent.body.paymentId });

    const twice = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242424242424242' }, { token });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toBe('This order is paid: there is nothing to pay.');
    expect((await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token })).status).toBe(409);
    // The key that made it still answers it, although the cart it came from is empty now.
    expect(await ordersOf(user.id)).toHaveLength(1);
  });

  it('a declined card cancels the order, puts the stock back and keeps the cart; a non-card is refused before trying', async () => {
    const api = cookielessApi(ctx);
    const { user, token, variantId } = await shopperWithCart(ctx);
    const number = (await api.post('/checkout/orders', order(), keyed(token))).body.number as string;
    expect(await stockOf(ctx, variantId)).toBe(8);

    const notACard = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '1234' }, { token });
    expect(notACard.status).toBe(422);
    expect(fieldsOf(notACard.body)).toEqual(['body.cardNumber']);
    expect(await ordersOf(user.id)).toEqual([{ number, status: 'pending' }]);

    const declined = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4000 0000 0000 0002' }, { token });
    expect(declined.status).toBe(422);
    expect(declined.body).toEqual(problem('payment-declined'));
    expect(declined.body.detail).toMatch(/declined.*Nothing was charged/);
    expect(await ordersOf(user.id)).toEqual([{ number, status: 'cancelled' }]);
    expect(await stockOf(ctx, variantId)).toBe(10);
    expect((await api.get('/cart', { token })).body.lines).toHaveLength(1);

    const retry = await api.post('/checkout/orders', order(), keyed(token));
    expect(retry.status).toBe(201);
    expect(retry.body.number).not.toBe(number);
  });

  it('ships to one of the user’s saved addresses, and refuses another user’s', async () => {
    const api = cookielessApi(ctx);
    const { user, token } = await shopperWithCart(ctx);
    const stranger = await userWithTokens(ctx);
    const theirs = await createAddress(db(), stranger.user.id, { full_name: 'Not Me', address_line1: '9 Elsewhere', address_line2: '', city: 'Oslo', state: '', postal_code: '0150', country: 'NO', phone: '' });
    const refused = await api.post('/checkout/orders', { addressId: theirs.id, shippingMethod: 'standard' }, keyed(token));
    expect(refused.status).toBe(422);
    expect(fieldsOf(refused.body)).toEqual(['body.addressId']);
    expect(await ordersOf(user.id)).toEqual([]);

    const mine = await createAddress(db(), user.id, { full_name: 'Dorothy Vaughan', address_line1: '1 Langley Way', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23681', country: 'US', phone: '' });
    const placed = await api.post('/checkout/orders', { addressId: mine.id, shippingMethod: 'standard', email: 'dorothy@example.test' }, keyed(token));
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ email: 'dorothy@example.test', shippingAddress: { fullName: 'Dorothy Vaughan', state: 'VA', postalCode: '23681' } });
  });

  it('refuses bad requests with 400 and broken rules with 409/422, placing nothing', async () => {
    const api = cookielessApi(ctx);
    const { user, token, variantId } = await shopperWithCart(ctx, { stock: 10 });
    const cases: [Record<string, unknown>, Record<string, string> | undefined, number, string[]][] = [
      [order(), {}, 400, ['header.idempotency-key']],
      [order(), { 'Idempotency-Key': 'short' }, 400, ['header.idempotency-key']],
      [{ shippingMethod: 'standard' }, undefined, 400, ['body.shippingAddress']],
      [order({ addressId: 1 }), undefined, 400, ['body.shippingAddress']],
      [order({ total: 1 }), undefined, 400, ['body']],
      [order({ shippingAddress: { ...shippingAddress, country: 'XX' } }), undefined, 400, ['body.shippingAddress.country']],
      [order({ smsUpdates: 'yes' }), undefined, 400, ['body.smsUpdates']],
      [order({ email: 'not-an-email' }), undefined, 400, ['body.email']],
      [order({ shippingAddress: { ...shippingAddress, addressLine2: 'card 4242 4242 4242 4242' } }), undefined, 422, ['body.shippingAddress.addressLine2']],
      [order({ shippingMethod: 'teleport' }), undefined, 422, []],
    ];
    for (const [body, headers, status, fields] of cases) {
      const answer = await api.post('/checkout/orders', body, { token, headers: headers ?? { 'Idempotency-Key': randomUUID() } });
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(fieldsOf(answer.body), JSON.stringify(body)).toEqual(fields);
    }
    const malformed = await api.call('POST', '/checkout/orders', { ...keyed(token), raw: '{"shippingMethod":', headers: { 'Idempotency-Key': randomUUID(), 'Content-Type': 'application/json' } });
    expect(malformed.status).toBe(400);

    // The cart changed behind the shopper's back: fewer left than wanted is a 409 with the domain's words.
    await db().updateTable('product_variants').set({ stock: 1 }).where('id', '=', variantId).execute();
    const short = await api.post('/checkout/orders', order(), keyed(token));
    expect(short.status).toBe(409);
    expect(short.body.detail).toMatch(/^Only 1 of Slide Rule are left/);
    expect(await ordersOf(user.id)).toEqual([]);
    expect(await stockOf(ctx, variantId)).toBe(1);

    const empty = await userWithTokens(ctx);
    const nothing = await api.post('/checkout/orders', order(), keyed(empty.tokens.accessToken));
    expect(nothing.status).toBe(422);
    expect(nothing.body.detail).toBe('Your cart is empty.');
  });

  it('refuses no token, an API key, another user’s order and a malformed number', async () => {
    const api = cookielessApi(ctx);
    const { token } = await shopperWithCart(ctx);
    const number = (await api.post('/checkout/orders', order(), keyed(token))).body.number as string;
    expect((await api.post('/checkout/orders', order(), { headers: { 'Idempotency-Key': randomUUID() } })).status).toBe(401);
    const { key } = await createApiKey(db(), { name: 'Feed', createdBy: (await userWithTokens(ctx)).user.id });
    expect((await api.post('/checkout/orders', order(), keyed(key))).status).toBe(403);
    expect((await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token: key })).status).toBe(403);
    const stranger = await userWithTokens(ctx);
    const theirs = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242424242424242' }, { token: stranger.tokens.accessToken });
    expect(theirs.status).toBe(404);
    expect((await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token: stranger.tokens.accessToken })).status).toBe(404);
    expect((await api.post('/checkout/orders/HS-nope/payment-intent', undefined, { token })).status).toBe(400);
    expect((await db().selectFrom('orders').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status).toBe('pending');
  });
});

describe('API checkout with Stripe', () => {
  let stripe: FakeStripe;
  let ctx: TestContext;
  beforeAll(async () => {
    stripe = await startFakeStripe();
    const payments = new StripePaymentProvider({ secretKey: stripe.secretKey, publishableKey: 'pk_test_api', webhookSecret: 'whsec_api', ...stripe.sdkOptions });
    ctx = await createTestApp({ payments });
  });
  afterAll(async () => {
    await ctx.close();
    await stripe.close();
  });

  it('hands the app the PaymentIntent, its client secret and the publishable key; no test payments', async () => {
    const api = cookielessApi(ctx);
    const { token } = await shopperWithCart(ctx);
    const number = (await api.post('/checkout/orders', order(), keyed(token))).body.number as string;
    const intent = await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token });
    expect(intent.status).toBe(200);
    expect(intent.body).toMatchObject({ provider: 'stripe', orderNumber: number, amount: { amount: 6599, currency: 'USD' }, paymentId: expect.stringMatching(/^pi_/), clientSecret: expect.stringMatching(/^pi_/), publishableKey: 'pk_test_api' });
    expect(intent.body.testPayment).toBeUndefined();
    const again = await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token });
    expect(again.body.paymentId).toBe(intent.body.paymentId);
    expect(stripe.requests.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents').map((request) => request.idempotencyKey)).toEqual([`order-${number}-payment`, `order-${number}-payment`]);
    const test = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242424242424242' }, { token });
    expect(test.status).toBe(404);
    expect((await ctx.database.db.selectFrom('orders').select(['status', 'payment_id']).where('number', '=', number).executeTakeFirstOrThrow())).toEqual({ status: 'pending', payment_id: intent.body.paymentId });
  });

  it('answers 503 (never 500) when Stripe fails, and the order still awaits payment', async () => {
    const api = cookielessApi(ctx);
    const { token } = await shopperWithCart(ctx);
    const number = (await api.post('/checkout/orders', order(), keyed(token))).body.number as string;
    stripe.failNextRequests(1);
    const failed = await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual(problem('payment-provider-unavailable'));
    expect((await ctx.database.db.selectFrom('orders').select(['status', 'payment_id']).where('number', '=', number).executeTakeFirstOrThrow())).toEqual({ status: 'pending', payment_id: null });
    expect((await api.post(`/checkout/orders/${number}/payment-intent`, undefined, { token })).status).toBe(200);
  });
});

describe.runIf(process.env.DATABASE_URL)('API checkout on real Postgres', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());

  it('two shoppers checking out the last unit at once: one order, stock never below zero', async () => {
    const api = cookielessApi(ctx);
    const first = await shopperWithCart(ctx, { stock: 1 }, 1);
    const second = await userWithTokens(ctx);
    expect((await api.post('/cart/items', { variantId: first.variantId, quantity: 1 }, { token: second.tokens.accessToken })).status).toBe(201);
    const answers = await Promise.all([first.token, second.tokens.accessToken].map((token) => api.post('/checkout/orders', order(), keyed(token))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.detail).toMatch(/sold out|no longer available/);
    expect(await stockOf(ctx, first.variantId)).toBe(0);
    const orders = await ctx.database.db.selectFrom('order_items').select('order_id').where('variant_id', '=', first.variantId).execute();
    expect(orders).toHaveLength(1);
  });

  it('the same Idempotency-Key sent twice at once makes one order', async () => {
    const api = cookielessApi(ctx);
    const { user, token } = await shopperWithCart(ctx);
    const key = randomUUID();
    const answers = await Promise.all([0, 1].map(() => api.post('/checkout/orders', order(), keyed(token, key))));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    expect(answers[0]!.body.number).toBe(answers[1]!.body.number);
    expect(await ctx.database.db.selectFrom('orders').select('id').where('user_id', '=', user.id).execute()).toHaveLength(1);
  });
});
