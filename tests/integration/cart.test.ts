import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../support/accounts.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

/** A form post as htmx sends it, aimed at `target`. */
const htmxForm = (fields: Record<string, string>, cookie: string, target = 'body'): RequestInit => ({
  ...form(fields),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, 'HX-Request': 'true', 'HX-Target': target },
});
const cartPage = async (cookie: string) => htmlOf(await ctx.app.request('/cart', { headers: { Cookie: cookie } }));
const lineIds = async (cookie: string) => (await cartPage(cookie)).querySelectorAll('[data-cart-line]').map((line) => line.getAttribute('data-cart-line')!);
const quantities = async (cookie: string) =>
  (await cartPage(cookie)).querySelectorAll('[data-cart-line] input[name=quantity]').map((input) => Number(input.getAttribute('value')));

/** Adds as a guest with no cookie yet; returns the guest session cookie the store set. */
async function guestAdds(variantId: number, quantity = 1): Promise<string> {
  const response = await ctx.app.request('/cart/items', form({ variant_id: String(variantId), quantity: String(quantity) }));
  expect(response.status).toBe(303);
  expect(response.headers.get('Location')).toBe('/cart?done=added');
  return sessionCookieFrom(response)!;
}

describe('a guest’s cart', () => {
  it('starts a session only when something is added, and shows the line, the badge and the totals', async () => {
    const { product, variants } = await insertProduct(ctx.database.db, { name: 'Walnut Desk Lamp' }, [{ price_cents: 2499, stock: 5 }]);
    const browsing = await ctx.app.request(`/products/${product.slug}`);
    expect(browsing.headers.getSetCookie()).toEqual([]);
    const cookie = await guestAdds(variants[0]!.id, 2);
    expect(cookie).toMatch(/^session=/);
    const page = await cartPage(cookie);
    expect(page.querySelectorAll('[data-cart-line]')).toHaveLength(1);
    expect(textOf(page, '#cart-count')).toBe('2');
    expect(textOf(page, '[data-cart-subtotal]')).toBe('$49.98');
    expect(textOf(page, '[data-cart-total]')).toMatch(/^\$\d/);
  });

  it('caps a line at the stock, with a message, and refuses sold-out and withdrawn products', async () => {
    const { variants } = await insertProduct(ctx.database.db, { name: 'Rare Teapot' }, [{ stock: 3 }]);
    const soldOut = await insertProduct(ctx.database.db, { name: 'Gone Kettle' }, [{ stock: 0 }]);
    const withdrawn = await insertProduct(ctx.database.db, { name: 'Old Mug', active: false });
    const cookie = await guestAdds(variants[0]!.id, 2);
    const more = await ctx.app.request('/cart/items', htmxForm({ variant_id: String(variants[0]!.id), quantity: '5' }, cookie));
    expect(more.status).toBe(200);
    const body = await more.text();
    expect(body).toContain('Only 3 of Rare Teapot are available');
    expect(body).toMatch(/<span id="cart-count"[^>]*hx-swap-oob="true"[^>]*>3<\/span>/);
    for (const [variant, message] of [
      [soldOut.variants[0]!, 'Gone Kettle is sold out.'],
      [withdrawn.variants[0]!, 'Old Mug is no longer sold.'],
    ] as const) {
      const refused = await ctx.app.request('/cart/items', form({ variant_id: String(variant.id), quantity: '1' }, cookie));
      expect(refused.status).toBe(409);
      expect(textOf(await htmlOf(refused), '[role=alert]')).toBe(message);
    }
    expect(await quantities(cookie)).toEqual([3]);
  });

  it('refuses bad quantities and ids with a message, ignores prices sent by the browser, and never changes the cart', async () => {
    const { variants } = await insertProduct(ctx.database.db, {}, [{ price_cents: 1500, stock: 50 }]);
    const cookie = await guestAdds(variants[0]!.id, 1);
    const [lineId] = await lineIds(cookie);
    for (const quantity of ['0', '-1', '1.5', 'abc', '2147483648', '1e20', '', '10001']) {
      const response = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity }, cookie));
      expect(response.status, `quantity ${quantity}`).toBe(422);
    }
    for (const quantity of ['-1', '1.5', 'abc', '1e20']) {
      expect((await ctx.app.request(`/cart/items/${lineId}`, form({ _method: 'PUT', quantity }, cookie))).status).toBe(422);
    }
    expect((await ctx.app.request('/cart/items', form({ variant_id: '99999999', quantity: '1' }, cookie))).status).toBe(404);
    expect((await ctx.app.request('/cart/items', form({ variant_id: '1; DROP TABLE carts', quantity: '1' }, cookie))).status).toBe(422);
    const withPrice = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1', price: '1', total: '0', discount: '9999' }, cookie));
    expect(withPrice.status).toBe(303);
    const page = await cartPage(cookie);
    expect(await quantities(cookie)).toEqual([2]);
    expect(textOf(page, '[data-cart-subtotal]')).toBe('$30.00');
  });

  it('another cart’s line answers 404 and is left alone', async () => {
    const { variants } = await insertProduct(ctx.database.db, {}, [{ stock: 10 }]);
    const mine = await guestAdds(variants[0]!.id, 1);
    const theirs = await guestAdds(variants[0]!.id, 4);
    const [theirLine] = await lineIds(theirs);
    expect((await ctx.app.request(`/cart/items/${theirLine}`, form({ _method: 'PUT', quantity: '1' }, mine))).status).toBe(404);
    expect((await ctx.app.request(`/cart/items/${theirLine}`, form({ _method: 'DELETE' }, mine))).status).toBe(404);
    expect((await ctx.app.request(`/cart/items/${theirLine}/save`, form({}, mine))).status).toBe(404);
    expect((await ctx.app.request('/cart/items/abc', form({ _method: 'DELETE' }, mine))).status).toBe(404);
    expect(await quantities(theirs)).toEqual([4]);
  });

  it('flags a line whose price changed since it was added, and totals use today’s price', async () => {
    const { variants } = await insertProduct(ctx.database.db, {}, [{ price_cents: 1000, stock: 10 }]);
    const cookie = await guestAdds(variants[0]!.id, 1);
    await ctx.database.db.updateTable('product_variants').set({ price_cents: 1200 }).where('id', '=', variants[0]!.id).execute();
    await ctx.database.db.updateTable('product_variants').set({ stock: 0 }).where('id', '=', variants[0]!.id).execute();
    let page = await cartPage(cookie);
    expect(textOf(page, '[data-price-changed]')).toContain('$10.00');
    expect(page.querySelector('[data-line-unavailable]')).not.toBeNull();
    await ctx.database.db.updateTable('product_variants').set({ stock: 10 }).where('id', '=', variants[0]!.id).execute();
    page = await cartPage(cookie);
    expect(textOf(page, '[data-cart-subtotal]')).toBe('$12.00');
  });

  it('changes quantity, saves for later and back, removes, and empties', async () => {
    const a = await insertProduct(ctx.database.db, {}, [{ stock: 10 }]);
    const b = await insertProduct(ctx.database.db, {}, [{ stock: 10 }]);
    const cookie = await guestAdds(a.variants[0]!.id, 1);
    await ctx.app.request('/cart/items', form({ variant_id: String(b.variants[0]!.id), quantity: '1' }, cookie));
    const [first, second] = await lineIds(cookie);
    expect((await ctx.app.request(`/cart/items/${first}`, form({ _method: 'PUT', quantity: '4' }, cookie))).headers.get('Location')).toBe('/cart?done=updated');
    expect(await quantities(cookie)).toEqual([4, 1]);
    await ctx.app.request(`/cart/items/${second}/save`, form({}, cookie));
    let page = await cartPage(cookie);
    expect(page.querySelectorAll('[data-cart-line]')).toHaveLength(1);
    const savedId = page.querySelector('[data-saved-line]')!.getAttribute('data-saved-line');
    await ctx.app.request(`/cart/saved/${savedId}/move`, form({}, cookie));
    expect(await quantities(cookie)).toEqual([4, 1]);
    await ctx.app.request(`/cart/items/${first}`, form({ _method: 'PUT', quantity: '0' }, cookie));
    expect(await quantities(cookie)).toEqual([1]);
    await ctx.app.request('/cart', form({ _method: 'DELETE' }, cookie));
    page = await cartPage(cookie);
    expect(page.querySelectorAll('[data-cart-line]')).toHaveLength(0);
    expect(textOf(page, '#cart-count')).toBe('0');
  });

  it('an htmx action from the cart page answers with the cart, the badge, the mini-cart and a spoken message', async () => {
    const { variants } = await insertProduct(ctx.database.db, { name: 'Linen Apron' }, [{ stock: 10 }]);
    const cookie = await guestAdds(variants[0]!.id, 1);
    const [line] = await lineIds(cookie);
    const response = await ctx.app.request(`/cart/items/${line}`, htmxForm({ _method: 'PUT', quantity: '3' }, cookie, 'section#cart'));
    expect(response.status).toBe(200);
    const fragment = await htmlOf(response);
    expect(fragment.querySelector('#cart [data-cart-line] input[name=quantity]')?.getAttribute('value')).toBe('3');
    expect(fragment.querySelector('#cart-count')?.getAttribute('hx-swap-oob')).toBe('true');
    expect(textOf(fragment, '#cart-count')).toBe('3');
    expect(textOf(fragment, '#cart-status')).toBe('Quantity updated.');
    expect(fragment.querySelector('#mini-cart-body')?.getAttribute('hx-swap-oob')).toBe('true');
  });
});

describe('concurrent adds', () => {
  it('twenty adds of one at the same moment make a line of twenty', async () => {
    const { variants } = await insertProduct(ctx.database.db, {}, [{ stock: 100 }]);
    const cookie = await guestAdds(variants[0]!.id, 1);
    await Promise.all(Array.from({ length: 19 }, () => ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }, cookie))));
    expect(await quantities(cookie)).toEqual([20]);
  });
});

describe('signing in with a guest cart', () => {
  it('merges into the member’s cart: quantities add up, capped by stock, with a notice; nothing is lost', async () => {
    const user = await insertUser(ctx.database.db);
    const shared = await insertProduct(ctx.database.db, { name: 'Copper Pan' }, [{ stock: 5 }]);
    const onlyGuest = await insertProduct(ctx.database.db, { name: 'Oak Board' }, [{ stock: 9 }]);
    const member = await logIn(ctx, user.email);
    await ctx.app.request('/cart/items', form({ variant_id: String(shared.variants[0]!.id), quantity: '4' }, member));

    const guest = await guestAdds(shared.variants[0]!.id, 3);
    await ctx.app.request('/cart/items', form({ variant_id: String(onlyGuest.variants[0]!.id), quantity: '2' }, guest));
    const signedIn = await logIn(ctx, user.email, undefined, guest);

    const page = await cartPage(signedIn);
    expect(textOf(page, '.notice')).toContain('Only 5 of Copper Pan are available');
    expect(await quantities(signedIn)).toEqual([5, 2]);
    // The notice is said once.
    expect((await cartPage(signedIn)).querySelector('.notice-info')).toBeNull();
    // The guest's cookie no longer names a cart.
    expect(textOf(await cartPage(guest), '#cart-count')).toBe('0');
  });
});
