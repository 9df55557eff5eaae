import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => ctx.close());

describe('the back office', () => {
  it('opens for an admin signed in with a second factor', async () => {
    const { cookie } = await signInAdmin(ctx);
    const response = await ctx.app.request('/admin', { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('aria-label="Back office"');
  });

  it('sends a visitor to sign in, and tells htmx to navigate there rather than swap', async () => {
    const page = await ctx.app.request('/admin/orders?status=paid');
    expect(page.status).toBe(303);
    expect(page.headers.get('Location')).toBe('/login?next=%2Fadmin%2Forders%3Fstatus%3Dpaid');
    const fragment = await ctx.app.request('/admin/orders', { headers: { 'HX-Request': 'true' } });
    expect(fragment.status).toBe(204);
    expect(fragment.headers.get('HX-Redirect')).toBe('/login?next=%2Fadmin%2Forders');
  });

  it('refuses a customer with 403', async () => {
    const customer = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, customer.email);
    for (const headers of [{ Cookie: cookie }, { Cookie: cookie, 'HX-Request': 'true' }]) {
      expect((await ctx.app.request('/admin', { headers })).status).toBe(403);
    }
  });
});
