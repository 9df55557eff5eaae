import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import { form, insertUser, logIn, STRONG_PASSWORD } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
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
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>, as = cookie) => ctx.app.request(path, form(fields, as));
const userRow = (id: number) => db().selectFrom('users').select(['role', 'active', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
const auditAbout = (id: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'user').where('entity_id', '=', String(id)).orderBy('id').execute();

describe('the customer list', () => {
  it('searches name and e-mail in any case, filters role and status, pages newest first', async () => {
    const tag = randomBytes(3).toString('hex');
    const ada = await insertUser(db(), { email: `ada.${tag}@example.test`, firstName: `Zelda${tag}` });
    const bob = await insertUser(db(), { email: `bob.${tag}@example.test` });
    const cy = await insertUser(db(), { email: `cy.${tag}@example.test`, role: 'admin' });
    await db().updateTable('users').set({ active: false }).where('id', '=', bob.id).execute();
    const ids = async (query: string) => (await htmlOf(await get(`/admin/users?${query}`))).querySelectorAll('[data-user-row]').map((row) => Number(row.getAttribute('data-user-row')));
    expect(await ids(`q=${tag.toUpperCase()}`)).toEqual([cy.id, bob.id, ada.id]);
    expect(await ids(`q=zelda${tag}`)).toEqual([ada.id]);
    expect(await ids(`q=${tag}&role=admin`)).toEqual([cy.id]);
    expect(await ids(`q=${tag}&status=inactive`)).toEqual([bob.id]);
    expect(await ids(`q=${tag}&status=active&role=customer`)).toEqual([ada.id]);
    expect(await ids(`q=${tag}&per_page=2&page=2`)).toEqual([ada.id]);
    const page = await htmlOf(await get(`/admin/users?q=${tag}`));
    expect(page.querySelector(`a[href="/admin/users/${ada.id}"]`)).not.toBeNull();
    expect(textOf(page, `[data-user-row="${bob.id}"] [data-active]`)).toBe('Deactivated');

    const fragment = await get(`/admin/users?q=${tag}`, { 'HX-Request': 'true' });
    expect((await fragment.text()).trimStart()).toMatch(/^<div id="user-results">/);
    const bad = await get(`/admin/users?q=${tag}&role=owner`);
    expect(bad.status).toBe(422);
    const badPage = await htmlOf(bad);
    expect(textOf(badPage, '#filter-role-error')).toMatch(/customer or admin/);
    expect(badPage.querySelectorAll('[data-user-row]')).toHaveLength(3);
  });
});

describe('one account', () => {
  it('shows profile, orders, addresses, open sessions and recent events, never secrets', async () => {
    const customer = await insertUser(db(), { firstName: 'Mae' });
    await logIn(ctx, customer.email);
    await logIn(ctx, customer.email);
    await db()
      .insertInto('user_addresses')
      .values({ user_id: customer.id, full_name: 'Mae Jemison', address_line1: '9 Endeavour Street', city: 'Houston', postal_code: '77058', country: 'US' })
      .execute();
    const order = await db()
      .insertInto('orders')
      .values({ number: 'HS-MAEJ2345', user_id: customer.id, email: customer.email, status: 'paid', currency: 'USD', subtotal_cents: 1200, total_cents: 1200, shipping_method_code: 'standard', shipping_method_name: 'Standard', full_name: 'Mae', address_line1: '9 Endeavour Street', city: 'Houston', postal_code: '77058', country: 'US', payment_provider: 'test' })
      .returning('number')
      .executeTakeFirstOrThrow();
    const response = await get(`/admin/users/${customer.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain(customer.password_hash);
    const page = await htmlOf(new Response(html));
    expect(textOf(page, '[data-profile="E-mail"]')).toBe(customer.email);
    expect(textOf(page, '[data-profile="Open sessions"]')).toBe('2');
    expect(page.querySelector(`a[href="/admin/orders/${order.number}"]`)).not.toBeNull();
    expect(textOf(page, '[aria-labelledby="addresses-heading"]')).toContain('9 Endeavour Street');
    expect(textOf(page, '[data-user-audit]')).toContain('login.succeeded');
    expect((await get('/admin/users/99999999')).status).toBe(404);
    expect((await get('/admin/users/abc')).status).toBe(404);
  });

  it('deactivating ends their sessions at once, reactivating lets them back; each audited with before and after', async () => {
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    const off = await post(`/admin/users/${customer.id}/status`, { status: 'inactive' });
    expect(off.status).toBe(303);
    expect(off.headers.get('Location')).toBe(`/admin/users/${customer.id}`);
    expect((await userRow(customer.id)).active).toBe(false);
    expect((await ctx.app.request('/account', { headers: { Cookie: customerCookie } })).status).toBe(303);
    const page = await htmlOf(await get(`/admin/users/${customer.id}`));
    expect(textOf(page, '[role=status]')).toMatch(/deactivated; its sessions have ended/);
    expect(textOf(page, '[data-profile="Open sessions"]')).toBe('0');
    expect(textOf(page, '[data-profile="Status"]')).toBe('Deactivated');

    expect((await post(`/admin/users/${customer.id}/status`, { status: 'active' })).status).toBe(303);
    expect((await userRow(customer.id)).active).toBe(true);
    await logIn(ctx, customer.email);
    const audit = await auditAbout(customer.id);
    expect(audit.map((entry) => [entry.action, entry.actor_user_id, entry.subject_user_id, entry.before, entry.after])).toEqual([
      ['user.deactivated', admin.id, customer.id, { active: true }, { active: false }],
      ['user.reactivated', admin.id, customer.id, { active: false }, { active: true }],
    ]);
  });

  it('changes the role (ending their sessions); the same role again changes and records nothing', async () => {
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    expect((await post(`/admin/users/${customer.id}/status`, { role: 'admin' })).status).toBe(303);
    expect((await userRow(customer.id)).role).toBe('admin');
    expect((await ctx.app.request('/account', { headers: { Cookie: customerCookie } })).status).toBe(303);
    expect((await post(`/admin/users/${customer.id}/status`, { role: 'admin' })).status).toBe(303);
    expect((await post(`/admin/users/${customer.id}/status`, { role: 'customer' })).status).toBe(303);
    const audit = await auditAbout(customer.id);
    expect(audit.map((entry) => [entry.action, entry.details, entry.before, entry.after])).toEqual([
      ['role.changed', { from: 'customer', to: 'admin' }, { role: 'customer' }, { role: 'admin' }],
      ['role.changed', { from: 'admin', to: 'customer' }, { role: 'admin' }, { role: 'customer' }],
    ]);
  });

  it('refuses an admin changing their own account, and bad input, with the reason and nothing changed', async () => {
    const own = await htmlOf(await get(`/admin/users/${admin.id}`));
    expect(own.querySelector(`form[action="/admin/users/${admin.id}/status"]`)).toBeNull();
    const before = await userRow(admin.id);
    const refused = await post(`/admin/users/${admin.id}/status`, { status: 'inactive' });
    expect(refused.status).toBe(409);
    expect(textOf(await htmlOf(refused), '[role=alert]')).toMatch(/cannot change your own role or status/);
    expect((await post(`/admin/users/${admin.id}/status`, { role: 'customer' })).status).toBe(409);
    expect(await userRow(admin.id)).toEqual(before);

    const customer = await insertUser(db());
    const customerBefore = await userRow(customer.id);
    for (const fields of [{ status: 'deleted' }, { role: 'owner' }, {}] as Record<string, string>[]) {
      const response = await post(`/admin/users/${customer.id}/status`, fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(textOf(await htmlOf(response), '[role=alert]')).toMatch(/Nothing was changed/);
    }
    expect(await userRow(customer.id)).toEqual(customerBefore);
    expect(await auditAbout(customer.id)).toEqual([]);
    expect(await auditAbout(admin.id)).toEqual([]);
    // Still signed in: the refusal ended nothing.
    expect((await get('/admin/users')).status).toBe(200);
    await logIn(ctx, customer.email, STRONG_PASSWORD);
  });

  it('a customer gets 403 on the list, an account and the status form, and changes nothing', async () => {
    const customer = await insertUser(db());
    const other = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    for (const path of ['/admin/users', `/admin/users/${other.id}`]) {
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie } })).status, path).toBe(403);
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status, path).toBe(403);
    }
    expect((await post(`/admin/users/${other.id}/status`, { role: 'admin' }, customerCookie)).status).toBe(403);
    expect((await post(`/admin/users/${customer.id}/status`, { role: 'admin' }, customerCookie)).status).toBe(403);
    expect((await userRow(other.id)).role).toBe('customer');
    expect((await userRow(customer.id)).role).toBe('customer');
  });
});
