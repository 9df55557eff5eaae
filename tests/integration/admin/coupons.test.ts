import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import type { NewCoupon } from '../../../src/db/schema-carts.js';
import type { OrderStatus } from '../../../src/orders/status.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertCategory, insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: User;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const DAY = 86_400_000;
const db = () => ctx.database.db;
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>) => ctx.app.request(path, form(fields, cookie));
const uniqueCode = (prefix: string) => `${prefix}${randomBytes(3).toString('hex').toUpperCase()}`;
const couponByCode = (code: string) => db().selectFrom('coupons').selectAll().where('code', '=', code).executeTakeFirst();
const couponCount = async () => Number((await db().selectFrom('coupons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const audits = (action: string, id: number) => db().selectFrom('audit_events').selectAll().where('action', '=', action).where('entity_id', '=', String(id)).orderBy('id').execute();
const idFrom = (response: Response) => Number(/^\/admin\/coupons\/(\d+)$/.exec(response.headers.get('Location') ?? '')![1]);

const valid = (overrides: Record<string, string> = {}) => ({ code: uniqueCode('SAVE'), kind: 'percent', value: '10', active: 'on', ...overrides });

async function insertCoupon(overrides: Partial<NewCoupon> = {}) {
  return db()
    .insertInto('coupons')
    .values({ code: uniqueCode('C'), kind: 'percent', percent_basis_points: 1000, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An order that used a coupon, as checkout leaves it. */
async function redeem(couponId: number, email: string, status: OrderStatus) {
  const number = `HS-${randomBytes(4).toString('hex').toUpperCase()}`;
  const order = await db()
    .insertInto('orders')
    .values({
      number,
      user_id: null,
      cart_id: null,
      email,
      status,
      currency: 'USD',
      subtotal_cents: 1000,
      total_cents: 1000,
      shipping_method_code: 'standard',
      shipping_method_name: 'Standard',
      full_name: 'Ada Lovelace',
      address_line1: '1 Analytical Way',
      city: 'London',
      postal_code: 'N1 1AA',
      country: 'GB',
      payment_provider: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db().insertInto('coupon_redemptions').values({ coupon_id: couponId, order_id: order.id, user_id: null, email }).execute();
}

describe('creating a coupon', () => {
  it('saves checkout’s rules from the form, restrictions found by slug or SKU, and audits it', async () => {
    const [first, second] = [await insertProduct(db()), await insertProduct(db())];
    const category = await insertCategory(db());
    const code = uniqueCode('SPRING');
    const ends = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 16);
    const response = await post('/admin/coupons', {
      code: ` ${code.toLowerCase()} `,
      kind: 'percent',
      value: '12.5',
      min_subtotal: '20',
      starts_at: '',
      ends_at: ends,
      usage_limit: '100',
      per_customer_limit: '1',
      products: `${first.product.slug.toUpperCase()}, ${second.variants[0]!.sku}`,
      categories: category.slug,
      active: 'on',
    });
    expect(response.status).toBe(303);
    const coupon = (await couponByCode(code))!;
    expect(idFrom(response)).toBe(coupon.id);
    expect(coupon).toMatchObject({
      kind: 'percent',
      percent_basis_points: 1250,
      amount_cents: null,
      min_subtotal_cents: 2000,
      starts_at: null,
      ends_at: new Date(`${ends}:00Z`),
      usage_limit: 100,
      per_customer_limit: 1,
      product_ids: [first.product.id, second.product.id].sort((a, b) => a - b),
      category_ids: [category.id],
      active: true,
    });
    const [audit] = await audits('coupon.created', coupon.id);
    expect(audit).toMatchObject({ actor_user_id: admin.id, entity_type: 'coupon', before: null });
    expect(audit!.after).toMatchObject({ code, percent_basis_points: 1250, ends_at: new Date(`${ends}:00Z`).toISOString(), category_ids: [category.id] });

    const page = await htmlOf(await get(`/admin/coupons/${coupon.id}`));
    expect(textOf(page, '[role=status].notice')).toBe(`Coupon ${code} created.`);
    expect(page.querySelector('#field-products')!.getAttribute('value')).toBe([first.product.slug, second.product.slug].sort().join(', '));
  });

  it('names each bad field, keeps what was typed, and writes nothing', async () => {
    const taken = await insertCoupon();
    const before = await couponCount();
    const cases: [Record<string, string>, string, RegExp][] = [
      [valid({ code: taken.code.toLowerCase() }), 'code', /already a coupon/],
      [valid({ code: 'x' }), 'code', /2 to 40 letters/],
      [valid({ value: '0' }), 'value', /above 0 and at most 100/],
      [valid({ value: '100.5' }), 'value', /above 0 and at most 100/],
      [valid({ value: '12.345' }), 'value', /above 0 and at most 100/],
      [valid({ kind: 'fixed', value: '-5' }), 'value', /amount above 0/],
      [valid({ kind: 'fixed', value: '0.00' }), 'value', /amount above 0/],
      [valid({ starts_at: '2026-12-10T10:00', ends_at: '2026-12-01T10:00' }), 'ends_at', /after the start/],
      [valid({ starts_at: '2026-02-30T10:00' }), 'starts_at', /date and time/],
      [valid({ usage_limit: '0' }), 'usage_limit', /1 or more/],
      [valid({ per_customer_limit: '1.5' }), 'per_customer_limit', /1 or more/],
      [valid({ min_subtotal: '-1' }), 'min_subtotal', /amount like 25/],
      [valid({ products: 'no-such-thing, also-missing' }), 'products', /no-such-thing, also-missing/],
      [valid({ categories: 'nowhere' }), 'categories', /No category has the slug nowhere/],
      [valid({ kind: 'bogus' }), 'kind', /percentage or a fixed amount/],
    ];
    for (const [fields, field, message] of cases) {
      const response = await post('/admin/coupons', fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      const page = await htmlOf(response);
      expect(textOf(page, `#field-${field}-error`), field).toMatch(message);
      expect(page.querySelector('#field-code')!.getAttribute('value')).toBe(fields.code);
    }
    // Several problems at once are all named.
    const many = await htmlOf(await post('/admin/coupons', valid({ code: '!', value: '200', ends_at: 'soon' })));
    expect(['code', 'value', 'ends_at'].map((field) => many.querySelector(`#field-${field}-error`) !== null)).toEqual([true, true, true]);
    expect(await couponCount()).toBe(before);
    expect(await db().selectFrom('audit_events').select('id').where('action', '=', 'coupon.created').execute()).toHaveLength(1);
  });
});

describe('editing and expiring', () => {
  it('records only what changed; a refused edit changes nothing', async () => {
    const created = await post('/admin/coupons', valid({ value: '12.5', usage_limit: '5' }));
    const id = idFrom(created);
    const saved = await post(`/admin/coupons/${id}`, { code: 'IGNORED', kind: 'percent', value: '30', usage_limit: '5', active: 'on' });
    expect(saved.status).toBe(303);
    const coupon = (await db().selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirstOrThrow())!;
    expect(coupon.code).not.toBe('IGNORED');
    expect(coupon.percent_basis_points).toBe(3000);
    const [update] = await audits('coupon.updated', id);
    expect(update).toMatchObject({ actor_user_id: admin.id, entity_type: 'coupon', before: { percent_basis_points: 1250 }, after: { percent_basis_points: 3000 } });

    const refused = await post(`/admin/coupons/${id}`, { kind: 'fixed', value: 'free', usage_limit: '5', active: 'on' });
    expect(refused.status).toBe(422);
    expect(textOf(await htmlOf(refused), '#field-value-error')).toMatch(/amount above 0/);
    expect((await db().selectFrom('coupons').select(['kind', 'percent_basis_points']).where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ kind: 'percent', percent_basis_points: 3000 });
    expect(await audits('coupon.updated', id)).toHaveLength(1);
    expect((await get('/admin/coupons/999999')).status).toBe(404);
  });

  it('a coupon made here applies at checkout, and once expired checkout refuses it', async () => {
    const code = uniqueCode('TENOFF');
    const created = await post('/admin/coupons', { code, kind: 'fixed', value: '10', active: 'on' });
    const id = idFrom(created);
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 4000, stock: 20 }]);
    const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
    const shopper = sessionCookieFrom(added)!;
    expect((await ctx.app.request('/cart/coupon', form({ code: code.toLowerCase() }, shopper))).status).toBe(303);
    const cart = await htmlOf(await ctx.app.request('/cart', { headers: { Cookie: shopper } }));
    expect(textOf(cart, '[data-cart-discount]')).toContain('10.00');

    const expired = await post(`/admin/coupons/${id}/expire`, {});
    expect(expired.status).toBe(303);
    const coupon = await db().selectFrom('coupons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(coupon.active).toBe(false);
    expect(Math.abs(coupon.ends_at!.getTime() - Date.now())).toBeLessThan(60_000);
    const [audit] = await audits('coupon.expired', id);
    expect(audit).toMatchObject({ actor_user_id: admin.id, before: { active: true, ends_at: null }, after: { active: false, ends_at: coupon.ends_at!.toISOString() } });

    const other = sessionCookieFrom(await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' })))!;
    const refused = await ctx.app.request('/cart/coupon', form({ code }, other));
    expect(refused.status).toBe(422);
    expect(textOf(await htmlOf(refused), '[role=alert]')).toMatch(/no longer valid|expired/);
    const page = await htmlOf(await get(`/admin/coupons/${id}`));
    expect(textOf(page, '[data-coupon-state]')).toBe('Expired');
    expect(page.querySelector(`form[action="/admin/coupons/${id}/expire"]`)).toBeNull();

    // Expiring twice changes nothing more.
    await post(`/admin/coupons/${id}/expire`, {});
    expect(await audits('coupon.expired', id)).toHaveLength(1);
  });
});

describe('the coupon list', () => {
  it('shows status and usage by orders that stand, and uses per customer', async () => {
    const used = await insertCoupon({ usage_limit: 2 });
    await redeem(used.id, 'ada@example.test', 'paid');
    await redeem(used.id, 'ADA@example.test', 'delivered');
    await redeem(used.id, 'bob@example.test', 'cancelled');
    const open = await insertCoupon({ usage_limit: 5, per_customer_limit: 2 });
    await redeem(open.id, 'cy@example.test', 'paid');
    const scheduled = await insertCoupon({ starts_at: new Date(Date.now() + DAY) });
    const ended = await insertCoupon({ ends_at: new Date(Date.now() - DAY) });

    const page = await htmlOf(await get('/admin/coupons?per_page=100'));
    const row = (code: string) => ({ state: textOf(page, `[data-coupon="${code}"] [data-coupon-state]`), uses: textOf(page, `[data-coupon="${code}"] [data-coupon-uses]`) });
    expect(row(used.code)).toEqual({ state: 'Used up', uses: 'Used 2 of 2 times by 1 customer' });
    expect(row(open.code)).toEqual({ state: 'Active', uses: 'Used 1 of 5 times by 1 customer; at most 2 per customer' });
    expect(row(scheduled.code).state).toBe('Scheduled');
    expect(row(ended.code).state).toBe('Expired');

    const detail = await htmlOf(await get(`/admin/coupons/${used.id}`));
    expect(detail.querySelectorAll('[data-customer-uses]').map((node) => [node.getAttribute('data-customer-uses'), textOf(node, 'td.num')])).toEqual([['ada@example.test', '2']]);

    const search = await get(`/admin/coupons?q=${used.code.toLowerCase()}`, { 'HX-Request': 'true' });
    const fragment = await search.text();
    expect(fragment.startsWith('<section id="coupon-results"')).toBe(true);
    expect(fragment).toContain(used.code);
    expect(fragment).not.toContain(open.code);
  });
});

describe('access', () => {
  it('refuses a customer every coupon page and action, and changes nothing', async () => {
    const coupon = await insertCoupon();
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    for (const path of ['/admin/coupons', '/admin/coupons/new', `/admin/coupons/${coupon.id}`]) {
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie } })).status).toBe(403);
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status).toBe(403);
    }
    for (const path of ['/admin/coupons', `/admin/coupons/${coupon.id}`, `/admin/coupons/${coupon.id}/expire`]) {
      expect((await ctx.app.request(path, form(valid(), customerCookie))).status).toBe(403);
    }
    expect((await db().selectFrom('coupons').select('active').where('id', '=', coupon.id).executeTakeFirstOrThrow()).active).toBe(true);
  });
});
