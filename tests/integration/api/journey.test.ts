import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD } from '../../support/accounts.js';
import { cookielessApi } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';

/**
 * What a mobile app does on its first day, through the JSON API alone: sign up, sign in, find a
 * product by searching (with a typo), fill the cart, pay with the test provider, see the order,
 * refresh its tokens and sign out. Every answer is checked against openapi.json by the client.
 */
describe('a mobile shopper, through the API alone', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
    await insertProduct(ctx.database.db, { name: 'Aeropress Coffee Maker', slug: 'aeropress-coffee-maker', brand: 'Aerobie' }, [{ sku: 'AERO-1', price_cents: 3995, stock: 5 }]);
  });
  afterAll(async () => ctx.close());

  it('registers, searches, buys with the test card and sees the paid order', async () => {
    const api = cookielessApi(ctx);
    const email = `katherine.${randomUUID().slice(0, 8)}@example.test`;

    const registered = await api.post('/auth/register', { email, password: STRONG_PASSWORD, firstName: 'Katherine', lastName: 'Johnson' });
    expect(registered.status).toBe(202);
    const login = await api.post('/auth/login', { email, password: STRONG_PASSWORD });
    expect(login.status).toBe(200);
    let token: string = login.body.accessToken;
    expect((await api.get('/account', { token })).body).toMatchObject({ email, firstName: 'Katherine' });

    const found = await api.get('/products?q=aeropres');
    expect(found.status).toBe(200);
    const summary = found.body.items.find((item: { slug: string }) => item.slug === 'aeropress-coffee-maker');
    expect(summary).toBeDefined();
    const product = await api.get('/products/aeropress-coffee-maker');
    const variant = product.body.variants[0];
    expect(variant.price).toEqual({ amount: 3995, currency: 'USD' });

    expect((await api.post('/cart/items', { variantId: variant.id, quantity: 2 }, { token })).status).toBe(201);
    const cart = await api.get('/cart', { token });
    expect(cart.body.lines).toHaveLength(1);
    expect(cart.body.lines[0].quantity).toBe(2);

    const placed = await api.post(
      '/checkout/orders',
      { shippingAddress: { fullName: 'Katherine Johnson', addressLine1: '1 Langley Way', city: 'Hampton', state: 'VA', postalCode: '23666', country: 'US' }, shippingMethod: 'standard' },
      { token, headers: { 'Idempotency-Key': randomUUID() } },
    );
    expect(placed.status).toBe(201);
    const number: string = placed.body.number;
    expect(placed.body.status).toBe('pending');

    const paid = await api.post(`/checkout/orders/${number}/test-payment`, { cardNumber: '4242 4242 4242 4242' }, { token });
    expect(paid.status).toBe(200);

    // The tokens rotate as an app's would after fifteen minutes; the new access token works.
    const refreshed = await api.post('/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    token = refreshed.body.accessToken;

    const orders = await api.get('/orders', { token });
    expect(orders.body.items.map((order: { number: string }) => order.number)).toEqual([number]);
    const order = await api.get(`/orders/${number}`, { token });
    expect(order.body).toMatchObject({ number, status: 'paid' });
    expect(order.body.total.amount).toBeGreaterThanOrEqual(2 * 3995);
    expect((await api.get('/cart', { token })).body.lines).toHaveLength(0);
    const stock = await ctx.database.db.selectFrom('product_variants').select('stock').where('sku', '=', 'AERO-1').executeTakeFirstOrThrow();
    expect(stock.stock).toBe(3);

    expect((await api.post('/auth/logout', undefined, { token })).status).toBe(204);
    expect((await api.get('/orders', { token })).status).toBe(401);
  });
});
