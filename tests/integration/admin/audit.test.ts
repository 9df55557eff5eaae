import { randomBytes } from 'node:crypto';
import type { HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../src/accounts/audit.js';
import type { User } from '../../../src/db/schema-accounts.js';
import { AUDIT_RESULTS_ID } from '../../../views/admin/audit.js';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: User;
let other: User;
let cookie: string;
let productId: number;
let variantId: number;
let couponId: number;
let orderNumber: string;

const db = () => ctx.database.db;
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const pageOf = async (path: string) => htmlOf(await get(path));
const ids = (page: HTMLElement) => page.querySelectorAll('[data-audit-entry]').map((row) => Number(row.getAttribute('data-audit-entry')));
const actions = (page: HTMLElement) => page.querySelectorAll('[data-audit-action]').map((cell) => cell.text);

beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx, 'Grace'));
  other = await insertUser(db(), { role: 'admin', firstName: 'Linus', email: `linus.${randomBytes(3).toString('hex')}@example.test` });
  const { product, variants } = await insertProduct(db(), { name: 'Audited Lamp' }, [{ stock: 10 }]);
  productId = product.id;
  variantId = variants[0]!.id;
  const order = await db()
    .insertInto('orders')
    .values({
      number: `HS-${randomBytes(4).toString('hex').toUpperCase()}`,
      user_id: null,
      cart_id: null,
      email: 'buyer@example.test',
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
    .returning(['id', 'number'])
    .executeTakeFirstOrThrow();
  orderNumber = order.number;

  // Older entries, dated so the date filters have something to tell apart.
  await db()
    .insertInto('audit_events')
    .values([
      { action: 'category.created', actor_user_id: other.id, occurred_at: new Date('2026-01-10T12:00:00Z'), entity_type: 'category', entity_id: '7', after: JSON.stringify({ name: 'Lamps' }) },
      { action: 'order.status_changed', actor_user_id: null, occurred_at: new Date('2026-02-20T08:00:00Z'), entity_type: 'order', entity_id: String(order.id), before: JSON.stringify({ status: 'paid' }), after: JSON.stringify({ status: 'processing' }) },
    ])
    .execute();
  await recordAudit(db(), {
    action: 'product.updated',
    actorUserId: other.id,
    ip: '203.0.113.9',
    entity: { type: 'product', id: productId },
    before: { name: 'Audited Lamp' },
    after: { name: '<script>alert(1)</script>' },
  });
  // Real actions through the back office.
  await ctx.app.request(`/admin/inventory/${variantId}/adjust`, form({ mode: 'change', quantity: '4', reason: 'received', note: 'Crate <7>' }, cookie));
  const created = await ctx.app.request('/admin/coupons', form({ code: `AUDIT${randomBytes(2).toString('hex').toUpperCase()}`, kind: 'percent', value: '15', active: 'on' }, cookie));
  couponId = Number(created.headers.get('Location')!.split('/').at(-1));
});
afterAll(() => ctx.close());

describe('the audit log', () => {
  it('lists entries newest first with who, what, the entity linked to its page, IP and a readable, escaped diff', async () => {
    const page = await pageOf('/admin/audit?per_page=100');
    const listed = ids(page);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
    expect(actions(page).slice(0, 3)).toEqual(['coupon.created', 'stock.adjusted', 'product.updated']);

    const product = page.querySelectorAll('[data-audit-entry]').find((row) => textOf(row, '[data-audit-action]') === 'product.updated')!;
    expect(textOf(product, '[data-audit-actor]')).toContain(other.email);
    expect(product.querySelector('[data-audit-entity] a')!.getAttribute('href')).toBe(`/admin/products/${productId}`);
    expect(product.text).toContain('203.0.113.9');
    expect(textOf(product, '[data-field="name"] [data-before]')).toBe('Audited Lamp');
    expect(textOf(product, '[data-field="name"] [data-after]')).toBe('<script>alert(1)</script>');
    const html = await (await get('/admin/audit')).text();
    expect(html.includes('&lt;script')).toBe(true);
    expect(html.includes('<script>alert(1)')).toBe(false);
    expect(html.includes('Crate &lt;7')).toBe(true);

    const stock = page.querySelectorAll('[data-audit-entry]').find((row) => textOf(row, '[data-audit-action]') === 'stock.adjusted')!;
    expect(textOf(stock, '[data-audit-actor]')).toContain(admin.email);
    expect(stock.querySelector('[data-audit-entity] a')!.getAttribute('href')).toBe(`/admin/inventory/${variantId}`);
    expect([textOf(stock, '[data-field="stock"] [data-before]'), textOf(stock, '[data-field="stock"] [data-after]')]).toEqual(['10', '14']);
    const coupon = page.querySelectorAll('[data-audit-entry]').find((row) => textOf(row, '[data-audit-action]') === 'coupon.created')!;
    expect(coupon.querySelector('[data-audit-entity] a')!.getAttribute('href')).toBe(`/admin/coupons/${couponId}`);
    // An order recorded by id links by its number; no one signed in is "System".
    const order = page.querySelectorAll('[data-audit-entry]').find((row) => textOf(row, '[data-audit-action]') === 'order.status_changed')!;
    expect(order.querySelector('[data-audit-entity] a')!.getAttribute('href')).toBe(`/admin/orders/${orderNumber}`);
    expect(textOf(order, '[data-audit-actor]')).toBe('System');
  });

  it('filters by action, action group, actor, entity and dates', async () => {
    expect(actions(await pageOf('/admin/audit?action=coupon.created'))).toEqual(['coupon.created']);
    expect(actions(await pageOf('/admin/audit?action=stock.'))).toEqual(['stock.adjusted']);
    expect(actions(await pageOf(`/admin/audit?actor=${encodeURIComponent(other.email.slice(0, 12).toUpperCase())}`))).toEqual(['product.updated', 'category.created']);
    expect(actions(await pageOf('/admin/audit?actor=system&action=order.'))).toEqual(['order.status_changed']);
    expect(actions(await pageOf(`/admin/audit?entity_type=variant&entity_id=${variantId}`))).toEqual(['stock.adjusted']);
    expect(actions(await pageOf('/admin/audit?from=2026-01-01&to=2026-01-31'))).toEqual(['category.created']);
    expect(actions(await pageOf('/admin/audit?from=2026-02-20&to=2026-02-20'))).toEqual(['order.status_changed']);
    const page = await pageOf('/admin/audit?action=stock.');
    expect(page.querySelector('#audit-action')!.getAttribute('value')).toBe('stock.');
  });

  it('leaves out a filter it cannot use, saying which, rather than failing', async () => {
    const response = await get('/admin/audit?action=%3Cscript%3E&from=yesterday&actor=system');
    expect(response.status).toBe(200);
    const page = await htmlOf(response);
    expect(textOf(page, `#${AUDIT_RESULTS_ID} [role=alert]`)).toMatch(/Action: .*From: /);
    expect(textOf(page, '#audit-action-error')).toMatch(/Enter an action/);
    expect(actions(page)).toContain('order.status_changed');
    expect(actions(page)).not.toContain('coupon.created');
  });

  it('pages by keyset, older then newer, and htmx gets the results alone with a pushed URL', async () => {
    const all = ids(await pageOf('/admin/audit?per_page=100'));
    const first = await pageOf('/admin/audit?per_page=2');
    expect(ids(first)).toEqual(all.slice(0, 2));
    const older = first.querySelector('a[rel=next]')!;
    expect(older.getAttribute('hx-push-url')).toBe('true');
    expect(older.getAttribute('href')).toBe(`/admin/audit?before=${all[1]}`);
    const second = await pageOf(`${older.getAttribute('href')!}&per_page=2`);
    expect(ids(second)).toEqual(all.slice(2, 4));
    const newer = second.querySelector('a[rel=prev]')!.getAttribute('href')!;
    expect(ids(await pageOf(`${newer}&per_page=2`))).toEqual(all.slice(0, 2));

    const fragment = await get('/admin/audit?action=stock.', { 'HX-Request': 'true' });
    const body = await fragment.text();
    expect(body.startsWith(`<section id="${AUDIT_RESULTS_ID}"`)).toBe(true);
    expect(body).toContain('stock.adjusted');
    expect(body).not.toContain('coupon.created');
  });

  it('is read-only: no route changes it and the table refuses changes', async () => {
    const before = ids(await pageOf('/admin/audit?per_page=100'));
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await ctx.app.request('/admin/audit', { method, headers: { Cookie: cookie } });
      expect(response.status, method).toBeGreaterThanOrEqual(400);
    }
    await expect(db().deleteFrom('audit_events').where('id', '=', before[0]!).execute()).rejects.toThrow(/append-only/);
    expect(ids(await pageOf('/admin/audit?per_page=100'))).toEqual(before);
  });

  it('refuses a customer, page and fragment alike', async () => {
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    expect((await ctx.app.request('/admin/audit', { headers: { Cookie: customerCookie } })).status).toBe(403);
    expect((await ctx.app.request('/admin/audit?action=stock.', { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status).toBe(403);
  });
});
