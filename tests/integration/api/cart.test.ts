import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { cookielessApi, userWithTokens } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';

const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field).sort();

describe('API cart', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());
  const db = () => ctx.database.db;

  /** The lines of a user's cart straight from the database: what "nothing changed" is checked against. */
  const linesOf = async (userId: number) =>
    db()
      .selectFrom('cart_lines')
      .innerJoin('carts', 'carts.id', 'cart_lines.cart_id')
      .select(['cart_lines.id', 'cart_lines.variant_id', 'cart_lines.quantity'])
      .where('carts.user_id', '=', userId)
      .orderBy('cart_lines.id')
      .execute();
  const couponOf = async (userId: number) => (await db().selectFrom('carts').select('coupon_code').where('user_id', '=', userId).executeTakeFirst())?.coupon_code ?? null;

  async function shopper() {
    const { user, tokens } = await userWithTokens(ctx);
    return { user, token: tokens.accessToken };
  }

  it('refuses no token (401) and an API key (403), changing nothing', async () => {
    const api = cookielessApi(ctx);
    const { variants } = await insertProduct(db());
    expect((await api.get('/cart')).status).toBe(401);
    expect((await api.post('/cart/items', { variantId: variants[0]!.id })).status).toBe(401);
    const { user } = await shopper();
    const { key } = await createApiKey(db(), { name: 'Feed', createdBy: user.id });
    const asKey = await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 1 }, { token: key });
    expect(asKey.status).toBe(403);
    expect(asKey.body).toEqual(problem('forbidden'));
    expect((await api.get('/cart', { token: key })).status).toBe(403);
    expect(await db().selectFrom('cart_lines').select('id').where('variant_id', '=', variants[0]!.id).execute()).toEqual([]);
  });

  it('answers an empty cart before anything is added, with the shipping options to estimate', async () => {
    const { token } = await shopper();
    const answer = await cookielessApi(ctx).get('/cart', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: null, lines: [], units: 0, coupon: null, totals: { total: { amount: 0, currency: 'USD' } }, estimateCountry: 'US' });
    expect(answer.body.shippingOptions.map((option: { code: string }) => option.code)).toEqual(['standard', 'express']);
  });

  it('adds, caps by stock, changes and removes lines, priced by the server', async () => {
    const api = cookielessApi(ctx);
    const { user, token } = await shopper();
    const { product, variants } = await insertProduct(db(), { name: 'Brass Compass' }, [{ price_cents: 2500, stock: 4, options: { Size: 'Small' } }], [{ url: '/media/c.webp', alt: 'Compass' }]);
    const variantId = variants[0]!.id;

    const added = await api.post('/cart/items', { variantId, quantity: 2 }, { token });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ quantity: 2, message: 'Added 2 × Brass Compass to your cart.' });
    expect(added.body.limitedTo).toBeUndefined();
    const line = added.body.cart.lines[0];
    expect(line).toMatchObject({
      id: added.body.lineId,
      variantId,
      productId: product.id,
      name: 'Brass Compass',
      options: { Size: 'Small' },
      image: { url: 'http://localhost:3000/media/c.webp', alt: 'Compass' },
      quantity: 2,
      maxQuantity: 4,
      unitPrice: { amount: 2500, currency: 'USD' },
      subtotal: { amount: 5000, currency: 'USD' },
      unavailable: false,
    });
    // $50.00 is under the $75 free-shipping threshold of the standard method ($5.99); no tax rate is set.
    expect(added.body.cart.totals).toMatchObject({ subtotal: { amount: 5000 }, shipping: { amount: 599 }, tax: { amount: 0 }, total: { amount: 5599 }, freeShipping: false });
    expect(added.body.cart.units).toBe(2);

    const capped = await api.post('/cart/items', { variantId, quantity: 5 }, { token });
    expect(capped.status).toBe(201);
    expect(capped.body).toMatchObject({ lineId: line.id, quantity: 4, limitedTo: 4, message: 'Only 4 of Brass Compass are available; your cart has 4.' });

    const changed = await api.call('PATCH', `/cart/items/${line.id}`, { token, json: { quantity: 1 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ lineId: line.id, quantity: 1, message: 'Quantity updated.' });
    const overStock = await api.call('PATCH', `/cart/items/${line.id}`, { token, json: { quantity: 9 } });
    expect(overStock.body).toMatchObject({ quantity: 4, limitedTo: 4 });
    const zero = await api.call('PATCH', `/cart/items/${line.id}`, { token, json: { quantity: 0 } });
    expect(zero.body).toMatchObject({ quantity: 0, message: 'Removed from your cart.', cart: { lines: [] } });
    expect(await linesOf(user.id)).toEqual([]);

    const again = await api.post('/cart/items', { variantId }, { token });
    expect(again.body.quantity).toBe(1);
    const removed = await api.call('DELETE', `/cart/items/${again.body.lineId}`, { token });
    expect(removed.status).toBe(204);
    expect(await linesOf(user.id)).toEqual([]);
    expect((await api.call('DELETE', `/cart/items/${again.body.lineId}`, { token })).status).toBe(404);
  });

  it('refuses what the shop refuses (409/422 with its words) and bad requests (400), changing nothing', async () => {
    const api = cookielessApi(ctx);
    const { user, token } = await shopper();
    const { variants } = await insertProduct(db(), { name: 'Globe' }, [{ stock: 5 }]);
    const { variants: soldOut } = await insertProduct(db(), { name: 'Astrolabe' }, [{ stock: 0 }]);
    const { variants: withdrawn } = await insertProduct(db(), { name: 'Orrery', active: false }, [{ stock: 5 }]);
    const first = await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 2 }, { token });
    const before = await linesOf(user.id);

    const tooMany = await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 10_001 }, { token });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ detail: 'Enter a whole number of items from 1 to 10,000.' });
    const tooManyUpdate = await api.call('PATCH', `/cart/items/${first.body.lineId}`, { token, json: { quantity: 10_001 } });
    expect(tooManyUpdate.status).toBe(422);
    expect(tooManyUpdate.body.detail).toBe('Enter a whole number of items from 0 to 10,000.');

    const sold = await api.post('/cart/items', { variantId: soldOut[0]!.id }, { token });
    expect(sold.status).toBe(409);
    expect(sold.body).toMatchObject({ detail: 'Astrolabe is sold out.' });
    expect((await api.post('/cart/items', { variantId: withdrawn[0]!.id }, { token })).body).toMatchObject({ status: 409, detail: 'Orrery is no longer sold.' });
    const unknown = await api.post('/cart/items', { variantId: 2_000_000_000 }, { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('That product does not exist.');

    const malformed = await api.call('POST', '/cart/items', { token, raw: '{', headers: { 'Content-Type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(problem('malformed'));
    const extra = await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 1, price: 1 }, { token });
    expect(extra.status).toBe(400);
    expect(extra.body.errors).toEqual([{ field: 'body', message: 'Unknown field: price.' }]);
    const wrongTypes = await api.post('/cart/items', { variantId: String(variants[0]!.id), quantity: 1.5 }, { token });
    expect(wrongTypes.status).toBe(400);
    expect(fieldsOf(wrongTypes.body)).toEqual(['body.quantity', 'body.variantId']);
    expect((await api.call('POST', '/cart/items', { token, raw: 'variantId=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await api.call('PATCH', '/cart/items/abc', { token, json: { quantity: 1 } })).status).toBe(400);
    expect((await api.call('PATCH', '/cart/items/0', { token, json: { quantity: 1 } })).status).toBe(400);
    expect((await api.call('DELETE', '/cart/items/99999999999', { token })).status).toBe(400);
    expect((await api.call('PATCH', `/cart/items/${first.body.lineId}`, { token, json: { quantity: -1 } })).status).toBe(400);

    expect(await linesOf(user.id)).toEqual(before);
  });

  it('answers 404 for another user’s line and leaves it alone', async () => {
    const api = cookielessApi(ctx);
    const owner = await shopper();
    const other = await shopper();
    const { variants } = await insertProduct(db(), {}, [{ stock: 5 }]);
    const line = await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 2 }, { token: owner.token });
    const patch = await api.call('PATCH', `/cart/items/${line.body.lineId}`, { token: other.token, json: { quantity: 1 } });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual(problem('not-found'));
    await api.post('/cart/items', { variantId: variants[0]!.id }, { token: other.token });
    expect((await api.call('PATCH', `/cart/items/${line.body.lineId}`, { token: other.token, json: { quantity: 1 } })).status).toBe(404);
    expect((await api.call('DELETE', `/cart/items/${line.body.lineId}`, { token: other.token })).status).toBe(404);
    expect(await linesOf(owner.user.id)).toEqual([{ id: line.body.lineId, variant_id: variants[0]!.id, quantity: 2 }]);
  });

  it('applies and removes a coupon by the shop’s rules, and empties the cart', async () => {
    const api = cookielessApi(ctx);
    const { user, token } = await shopper();
    const code = `SAVE${randomBytes(3).toString('hex').toUpperCase()}`;
    await db().insertInto('coupons').values({ code, kind: 'percent', percent_basis_points: 1000 }).execute();
    await db().insertInto('coupons').values({ code: `${code}X`, kind: 'fixed', amount_cents: 500, active: false }).execute();
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 4000, stock: 5 }]);
    await api.post('/cart/items', { variantId: variants[0]!.id, quantity: 2 }, { token });

    const applied = await api.post('/cart/coupon', { code: ` ${code.toLowerCase()} ` }, { token });
    expect(applied.status).toBe(200);
    expect(applied.body.coupon).toEqual({ code });
    // 10 % of $80.00; $72.00 is under the $75 threshold, so standard shipping is charged.
    expect(applied.body.totals).toMatchObject({ subtotal: { amount: 8000 }, discount: { amount: 800 }, shipping: { amount: 599 }, total: { amount: 7799 } });

    const unknown = await api.post('/cart/coupon', { code: 'NOPE-NOPE' }, { token });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ detail: 'There is no coupon with that code.' });
    const inactive = await api.post('/cart/coupon', { code: `${code}X` }, { token });
    expect(inactive.body).toMatchObject({ status: 422, detail: 'That coupon is no longer valid.' });
    expect((await api.post('/cart/coupon', { code: 5 }, { token })).status).toBe(400);
    expect(await couponOf(user.id)).toBe(code);

    const dropped = await api.call('DELETE', '/cart/coupon', { token });
    expect(dropped.status).toBe(200);
    expect(dropped.body.coupon).toBeNull();
    expect(await couponOf(user.id)).toBeNull();

    await api.post('/cart/coupon', { code }, { token });
    const cleared = await api.call('DELETE', '/cart', { token });
    expect(cleared.status).toBe(204);
    expect(await linesOf(user.id)).toEqual([]);
    expect(await couponOf(user.id)).toBeNull();
    expect((await api.get('/cart', { token })).body).toMatchObject({ lines: [], units: 0 });
  });

  it('refuses a coupon for a user with no cart without making one', async () => {
    const { user, token } = await shopper();
    expect((await cookielessApi(ctx).post('/cart/coupon', { code: 'NOPE-NOPE' }, { token })).status).toBe(422);
    expect(await db().selectFrom('carts').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });
});
