import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessions } from '../../src/accounts/sessions.js';
import { createGuestCart } from '../../src/cart/carts.js';
import { LISTING_FORM_ID } from '../../views/catalog/listing.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../support/accounts.js';
import { signInAdmin } from '../support/admin.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { decodedBody } from '../support/html.js';
import { processMetrics } from '../../src/web/metrics.js';
import { insertCategory, insertProduct } from '../support/factories.js';

/** A page's bytes as sent, and the HTML inside them. */
async function read(response: Response): Promise<{ raw: Buffer; html: string }> {
  const raw = Buffer.from(await response.arrayBuffer());
  return { raw, html: decodedBody(raw, response.headers.get('Content-Encoding')) };
}

const get = (ctx: TestContext, path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { 'Accept-Encoding': 'br, gzip', ...headers } });
const cartCount = (html: string) => parse(html).querySelector('#cart-count')?.text.trim();

/** What a browser would send for the form matching `selector`: its inputs, checked boxes and selects. */
function formFields(root: HTMLElement, selector: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const element = root.querySelector(selector)!;
  for (const input of element.querySelectorAll('input')) {
    const name = input.getAttribute('name');
    const type = input.getAttribute('type') ?? 'text';
    if (!name || type === 'submit' || type === 'file' || (type === 'checkbox' && !input.hasAttribute('checked'))) continue;
    fields[name] = input.getAttribute('value') ?? '';
  }
  for (const textarea of element.querySelectorAll('textarea')) fields[textarea.getAttribute('name')!] = textarea.text;
  for (const select of element.querySelectorAll('select')) {
    fields[select.getAttribute('name')!] = (select.querySelector('option[selected]') ?? select.querySelector('option'))?.getAttribute('value') ?? '';
  }
  return fields;
}

/** Staff change the first variant's price through the back office, as a browser would. */
async function changePrice(ctx: TestContext, staffCookie: string, productId: number, price: string): Promise<void> {
  const editor = await ctx.app.request(`/admin/products/${productId}`, { headers: { Cookie: staffCookie } });
  expect(editor.status).toBe(200);
  const fields = formFields(parse(await editor.text()), 'form[data-product-form]');
  const saved = await ctx.app.request(`/admin/products/${productId}`, form({ ...fields, v0_price: price }, staffCookie));
  expect(saved.status).toBe(303);
}

describe('anonymous catalog pages from cached bytes', () => {
  let ctx: TestContext;
  let slug: string;
  let productId: number;
  let variantId: number;
  let categorySlug: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    const category = await insertCategory(ctx.database.db, { name: 'Kettles' });
    categorySlug = category.slug;
    const { product, variants } = await insertProduct(ctx.database.db, { name: 'Copper Kettle', brand: 'Hearth', category_id: category.id }, [{ price_cents: 4500, stock: 50 }]);
    await insertProduct(ctx.database.db, { name: 'Steel Kettle', brand: 'Forge', category_id: category.id }, [{ price_cents: 2500, stock: 50 }]);
    ({ slug } = product);
    productId = product.id;
    variantId = variants[0]!.id;
  });
  afterAll(() => ctx.close());
  beforeEach(() => ctx.catalog.invalidate()); // each test starts with no page cached
  afterAll(() => vi.restoreAllMocks());

  it('sends two anonymous visitors the same bytes and ETag, rendered once, with fresh security headers each', async () => {
    const renders = vi.spyOn(ctx.catalog, 'product');
    const first = await get(ctx, `/products/${slug}`);
    const second = await get(ctx, `/products/${slug}`);
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = [await read(first), await read(second)];
    expect(a.html).toContain('Copper Kettle');
    expect(b.raw.equals(a.raw)).toBe(true);
    expect(renders).toHaveBeenCalledTimes(1);
    renders.mockRestore();
    for (const response of [first, second]) {
      expect(response.headers.get('Content-Encoding')).toBe('br');
      expect(response.headers.get('Vary')).toBe('HX-Request, Accept-Encoding');
      expect(response.headers.get('Cache-Control')).toBe('no-cache');
      expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    }
    expect(second.headers.get('ETag')).toBe(first.headers.get('ETag'));
    const nonce = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('Content-Security-Policy') ?? '')?.[1];
    expect(nonce(first)).toBeTruthy();
    expect(a.html).not.toContain(nonce(first)!); // the nonce lives in the header only
    // The repeat comes from the fast lane: the page holds no inline script, so its policy is the
    // same one without a nonce (nothing inline may run at all); every other header is the same.
    expect(nonce(second)).toBeUndefined();
    expect(second.headers.get('Content-Security-Policy')).toBe(first.headers.get('Content-Security-Policy')!.replace(/ 'nonce-[^']*'/, ''));
    expect(second.headers.get('Content-Security-Policy')).toMatch(/script-src 'self' ?;/);
    const perAnswer = new Set(['x-request-id', 'content-security-policy', 'content-length', 'server-timing']);
    const rest = (response: Response) => [...response.headers].filter(([name]) => !perAnswer.has(name));
    expect(rest(second)).toEqual(rest(first));
    expect(second.headers.get('X-Request-Id')).toMatch(/^[\w-]{16,}$/);
    expect(second.headers.get('X-Request-Id')).not.toBe(first.headers.get('X-Request-Id'));
  });

  it('counts and logs a page the fast lane answers like any other request, under its route', async () => {
    const served = async () => {
      const values = (await processMetrics().requests.get()).values;
      return values.find((value) => value.labels.route === '/products/:slug' && value.labels.status === '2xx' && value.labels.method === 'GET')?.value ?? 0;
    };
    await get(ctx, `/products/${slug}`); // the full way: renders and fills the cache
    const before = await served();
    const repeat = await get(ctx, `/products/${slug}`, { 'X-Request-Id': 'from-the-proxy-42' });
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('X-Request-Id')).toBe('from-the-proxy-42'); // a proxy's id is kept, as on the full way
    expect(await served()).toBe(before + 1);
    const forged = await get(ctx, `/products/${slug}`, { 'X-Request-Id': 'no spaces <or> markup' });
    expect(forged.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 304 with no body when the browser holds the ETag', async () => {
    const first = await get(ctx, '/products');
    const etag = first.headers.get('ETag')!;
    const again = await get(ctx, '/products', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(again.headers.get('Cache-Control')).toBe('no-cache');
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect((await get(ctx, '/products', { 'If-None-Match': 'W/"something-else"' })).status).toBe(200);
  });

  it('keeps brotli, gzip and plain bytes apart, each the same page under one ETag', async () => {
    const br = await get(ctx, '/', { 'Accept-Encoding': 'br' });
    const gzip = await get(ctx, '/', { 'Accept-Encoding': 'gzip' });
    const plain = await get(ctx, '/', { 'Accept-Encoding': 'identity' });
    const brAgain = await get(ctx, '/', { 'Accept-Encoding': 'br' });
    expect([br, gzip, plain, brAgain].map((response) => response.headers.get('Content-Encoding'))).toEqual(['br', 'gzip', null, 'br']);
    const pages = await Promise.all([br, gzip, plain, brAgain].map(read));
    expect(pages[0]!.html).toContain('Copper Kettle');
    for (const page of pages) expect(page.html).toBe(pages[0]!.html);
    expect(pages[3]!.raw.equals(pages[0]!.raw)).toBe(true);
    expect(new Set([br, gzip, plain, brAgain].map((response) => response.headers.get('ETag'))).size).toBe(1);
  });

  it('never mixes the whole page, the results fragment, the filter form fragment and a history restore', async () => {
    const path = `/categories/${categorySlug}?sort=price_asc`;
    const variants = {
      page: {},
      results: { 'HX-Request': 'true' },
      form: { 'HX-Request': 'true', 'HX-Target': `form#${LISTING_FORM_ID}` },
      restore: { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' },
    };
    const firstRound: Record<string, string> = {};
    for (const [name, headers] of Object.entries(variants)) firstRound[name] = (await read(await get(ctx, path, headers))).html;
    expect(firstRound.page).toMatch(/^<!doctype html>/i);
    expect(firstRound.restore).toBe(firstRound.page);
    expect(firstRound.results).not.toMatch(/<html/i);
    expect(firstRound.results).toContain('Steel Kettle');
    expect(parse(firstRound.form!).querySelector(`#${LISTING_FORM_ID}`)).not.toBeNull();
    expect(firstRound.form).not.toMatch(/<html/i);
    expect(new Set(Object.values(firstRound)).size).toBe(3);
    // Asked again in the other order, now from the cache: each still gets its own.
    for (const [name, headers] of Object.entries(variants).reverse()) expect((await read(await get(ctx, path, headers))).html).toBe(firstRound[name]);
  });

  it('shares one entry between spellings of the same query, and none between different queries', async () => {
    const renders = vi.spyOn(ctx.catalog, 'list');
    const one = await read(await get(ctx, '/products?brand=Hearth&sort=price_desc&brand=Forge'));
    const calls = renders.mock.calls.length;
    expect(calls).toBeGreaterThan(0);
    const reordered = await read(await get(ctx, '/products?sort=price_desc&brand=Hearth&brand=Forge'));
    expect(reordered.raw.equals(one.raw)).toBe(true);
    expect(renders.mock.calls.length).toBe(calls);
    const other = await read(await get(ctx, '/products?brand=Hearth&sort=price_asc&brand=Forge'));
    expect(renders.mock.calls.length).toBeGreaterThan(calls);
    expect(other.html).not.toBe(one.html);
    const search = await read(await get(ctx, '/products?q=copper'));
    expect(parse(search.html).querySelector('input[name="q"]')?.getAttribute('value')).toBe('copper');
    renders.mockRestore();
  });

  it('gives a signed-in shopper and a guest with items their own page, and neither leaks into the shared one', async () => {
    const member = await insertUser(ctx.database.db, { firstName: 'Marguerite' });
    const memberCookie = await logIn(ctx, member.email);
    const added = await ctx.app.request('/cart/items', form({ variant_id: String(variantId), quantity: '2' }));
    const guestCookie = sessionCookieFrom(added)!;
    expect(guestCookie).toBeTruthy();

    // They ask first, so a cache that kept their pages would hand them to the next visitor.
    const memberPage = await get(ctx, `/products/${slug}`, { Cookie: memberCookie });
    const guestPage = await get(ctx, `/products/${slug}`, { Cookie: guestCookie });
    expect((await read(memberPage)).html).toContain('Marguerite');
    expect(cartCount((await read(guestPage)).html)).toBe('2');
    expect(memberPage.headers.get('Cache-Control')).toBe('private, no-cache');

    const anonymous = (await read(await get(ctx, `/products/${slug}`))).html;
    expect(anonymous).not.toContain('Marguerite');
    expect(cartCount(anonymous)).toBe('0');
    // And the other way round: with the shared page cached, they still get their own.
    expect((await read(await get(ctx, `/products/${slug}`, { Cookie: memberCookie }))).html).toContain('Marguerite');
    expect(cartCount((await read(await get(ctx, `/products/${slug}`, { Cookie: guestCookie }))).html)).toBe('2');
    expect(cartCount((await read(await get(ctx, `/products/${slug}`))).html)).toBe('0');
  });

  it('gives a guest with an empty cart the shared bytes, but a notice waiting in their session only to them', async () => {
    const sessions = createSessions(ctx.store);
    const cartId = await createGuestCart(ctx.database.db);
    const { token, session } = await sessions.create(null, 'customer', { userAgent: 'test', ip: '127.0.0.1' }, { cartId });
    const cookie = `session=${token}`;
    const anonymous = await read(await get(ctx, '/products'));
    const guest = await get(ctx, '/products', { Cookie: cookie });
    expect((await read(guest)).raw.equals(anonymous.raw)).toBe(true);
    expect(guest.headers.get('Cache-Control')).toBe('private, no-cache'); // as for any page drawn for a session

    await sessions.update({ ...session, notice: 'Your saved cart was added to this one.' });
    const noticed = (await read(await get(ctx, '/products', { Cookie: cookie }))).html;
    expect(noticed).toContain('Your saved cart was added to this one.');
    expect((await read(await get(ctx, '/products'))).html).not.toContain('Your saved cart');
    expect((await read(await get(ctx, '/products', { Cookie: cookie }))).html).not.toContain('Your saved cart'); // shown once
  });

  it('shows a price staff changed on the next anonymous request', async () => {
    const { cookie } = await signInAdmin(ctx);
    expect((await read(await get(ctx, `/products/${slug}`))).html).toContain('$45.00');
    expect((await read(await get(ctx, `/products/${slug}`))).html).toContain('$45.00'); // cached now
    await changePrice(ctx, cookie, productId, '39.00');
    const after = (await read(await get(ctx, `/products/${slug}`))).html;
    expect(after).toContain('$39.00');
    expect(after).not.toContain('$45.00');
    await changePrice(ctx, cookie, productId, '45.00');
  });

  it('renders a page once however many visitors miss it at the same moment', async () => {
    const renders = vi.spyOn(ctx.catalog, 'product');
    const responses = await Promise.all(Array.from({ length: 25 }, () => get(ctx, `/products/${slug}`)));
    expect(responses.map((response) => response.status)).toEqual(Array(25).fill(200));
    const pages = await Promise.all(responses.map(read));
    expect(new Set(pages.map((page) => page.raw.toString('base64'))).size).toBe(1);
    expect(renders).toHaveBeenCalledTimes(1);
    renders.mockRestore();
  });

  it('keeps no page that is not a 200 (an unknown product, a bad filter)', async () => {
    const renders = vi.spyOn(ctx.catalog, 'product');
    expect((await get(ctx, '/products/no-such-kettle')).status).toBe(404);
    expect((await get(ctx, '/products/no-such-kettle')).status).toBe(404);
    expect(renders).toHaveBeenCalledTimes(2);
    renders.mockRestore();
    const bad = await get(ctx, '/products?min_price=abc');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('ETag')).toBeNull();
  });
});
