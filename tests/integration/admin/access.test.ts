import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

/** Every back-office route the app serves, read from the router itself, so a new screen cannot be missed. */
function adminRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return ctx.app.routes
    .filter((route) => route.path === '/admin' || route.path.startsWith('/admin/'))
    .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
    .map((route) => ({ method: route.method, path: route.path.replace(/:[a-z_]+(\{[^}]*\})?/gi, '1') }))
    .filter((route) => !seen.has(`${route.method} ${route.path}`) && seen.add(`${route.method} ${route.path}`));
}

function request(route: { method: string; path: string }, headers: Record<string, string>) {
  const body = route.method === 'GET' ? undefined : new URLSearchParams({ status: 'inactive', role: 'admin', amount: '1.00' }).toString();
  return ctx.app.request(route.path, {
    method: route.method,
    headers: { ...headers, ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body,
  });
}

describe('the back office', () => {
  it('opens for an admin signed in with a second factor', async () => {
    const { cookie } = await signInAdmin(ctx);
    const response = await ctx.app.request('/admin', { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('aria-label="Back office"');
  });

  it('serves the screens the contract names', () => {
    const paths = new Set(adminRoutes().map((route) => `${route.method} ${route.path}`));
    for (const expected of ['GET /admin', 'GET /admin/products', 'GET /admin/products/new', 'GET /admin/products/1', 'POST /admin/products/import', 'GET /admin/products/export', 'GET /admin/categories', 'GET /admin/inventory', 'GET /admin/coupons', 'GET /admin/users', 'POST /admin/users/1/status', 'GET /admin/orders', 'GET /admin/orders/1', 'POST /admin/orders/1/status', 'POST /admin/orders/1/refund', 'GET /admin/audit']) {
      expect(paths, expected).toContain(expected);
    }
  });

  it('sends a visitor to sign in from every route, and tells htmx to navigate there rather than swap', async () => {
    const page = await ctx.app.request('/admin/orders?status=paid');
    expect(page.status).toBe(303);
    expect(page.headers.get('Location')).toBe('/login?next=%2Fadmin%2Forders%3Fstatus%3Dpaid');
    for (const route of adminRoutes()) {
      const plain = await request(route, {});
      expect(plain.status, `${route.method} ${route.path}`).toBe(303);
      expect(plain.headers.get('Location'), `${route.method} ${route.path}`).toMatch(/^\/login\?next=/);
      const fragment = await request(route, { 'HX-Request': 'true' });
      expect(fragment.status, `htmx ${route.method} ${route.path}`).toBe(204);
      expect(fragment.headers.get('HX-Redirect'), `htmx ${route.method} ${route.path}`).toMatch(/^\/login\?next=/);
    }
  });

  it('refuses a customer with 403 on every route, pages and fragments alike, and changes nothing', async () => {
    const customer = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, customer.email);
    const before = await ctx.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    for (const route of adminRoutes()) {
      for (const headers of [{ Cookie: cookie }, { Cookie: cookie, 'HX-Request': 'true' }] as Record<string, string>[]) {
        expect((await request(route, headers)).status, `${route.method} ${route.path}`).toBe(403);
      }
    }
    const after = await ctx.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
    expect(after.count).toBe(before.count);
  });

  it('refuses an admin without a second factor until it is set up', async () => {
    const admin = await insertUser(ctx.database.db, { role: 'admin' });
    const cookie = await logIn(ctx, admin.email);
    for (const route of adminRoutes().slice(0, 10)) {
      const response = await request(route, { Cookie: cookie });
      expect(response.status, `${route.method} ${route.path}`).toBe(303);
      expect(response.headers.get('Location')).toBe('/account/security/mfa?required=1');
    }
  });
});
