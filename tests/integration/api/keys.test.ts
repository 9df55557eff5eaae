import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import { form } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { apiClient, type ApiClient } from '../../support/api.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertCategory, insertProduct } from '../../support/factories.js';

let ctx: TestContext;
let api: ApiClient;
let admin: User;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  api = apiClient(ctx);
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

/** A key made the way staff make one: through the back office page, copied from the answer. */
async function keyFromBackOffice(name: string): Promise<{ key: string; id: number }> {
  const page = await (await ctx.app.request('/admin/api-keys', form({ name }, cookie))).text();
  const key = /hsk_[a-z2-7]{32}/.exec(page)![0];
  const { id } = await ctx.database.db.selectFrom('api_keys').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return { key, id };
}

describe('an integration’s API key', () => {
  it('reads the catalog: categories, the product list and a product', async () => {
    const category = await insertCategory(ctx.database.db, { name: 'Lanterns' });
    const { product } = await insertProduct(ctx.database.db, { name: 'Storm Lantern', category_id: category.id }, [{ price_cents: 2500, stock: 5 }]);
    ctx.catalog.invalidate();
    const { key, id } = await keyFromBackOffice('Price comparison feed');

    const categories = await api.get('/categories', { token: key });
    expect(categories.status).toBe(200);
    expect(JSON.stringify(categories.body)).toContain('Lanterns');
    const products = await api.get('/products?q=lantern', { token: key });
    expect(products.status).toBe(200);
    expect(JSON.stringify(products.body)).toContain('Storm Lantern');
    expect((await api.get(`/products/${product.slug}`, { token: key })).status).toBe(200);

    const row = await ctx.database.db.selectFrom('api_keys').select(['last_used_at', 'created_by']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeInstanceOf(Date);
    expect(row.created_by).toBe(admin.id);
  });

  it('is refused with 403 on user routes (cart, orders, account, checkout) and staff routes, and changes nothing', async () => {
    const { key } = await keyFromBackOffice('Curious feed');
    const count = async (table: 'carts' | 'orders') => Number((await ctx.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = [await count('carts'), await count('orders')];
    for (const [method, path, json] of [
      ['GET', '/cart'],
      ['DELETE', '/cart'],
      ['GET', '/orders'],
      ['GET', '/account'],
      ['GET', '/account/addresses'],
      ['POST', '/checkout/orders', {}],
      ['GET', '/admin/orders'],
      ['GET', '/admin/users'],
    ] as [string, string, unknown?][]) {
      const answer = await api.call(method, path, { token: key, ...(json ? { json } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.detail, `${method} ${path}`).toBe('An API key can only read the catalog.');
    }
    expect([await count('carts'), await count('orders')]).toEqual(before);
  });

  it('stops working (401) once revoked in the back office, and a key of the wrong shape never worked', async () => {
    const { key, id } = await keyFromBackOffice('Retired feed');
    expect((await api.get('/categories', { token: key })).status).toBe(200);
    expect((await ctx.app.request(`/admin/api-keys/${id}/revoke`, form({}, cookie))).status).toBe(303);
    const refused = await api.get('/categories', { token: key });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('This API key is unknown or was revoked.');
    expect((await api.get('/categories', { token: 'hsk_short' })).status).toBe(401);
    expect((await api.get('/categories', { token: `hsk_${'a'.repeat(32)}` })).status).toBe(401);
  });

  it('is described in the document: catalog reads accept an API key, user routes do not', async () => {
    const doc = (await api.document()) as unknown as { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
    const schemes = (path: string, method = 'get') => (doc.paths[path]?.[method]?.security ?? []).flatMap((requirement) => Object.keys(requirement));
    expect(schemes('/categories')).toContain('apiKey');
    expect(schemes('/products')).toContain('apiKey');
    expect(schemes('/cart')).not.toContain('apiKey');
    expect(schemes('/orders')).not.toContain('apiKey');
    expect(schemes('/admin/orders')).not.toContain('apiKey');
  });
});
