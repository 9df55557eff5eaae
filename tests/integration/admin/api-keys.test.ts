import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: User;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx, 'Margaret'));
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const get = (path: string) => ctx.app.request(path, { headers: { Cookie: cookie } });
const post = (path: string, fields: Record<string, string>, as = cookie) => ctx.app.request(path, form(fields, as));
const keyCount = async () => Number((await db().selectFrom('api_keys').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const auditRows = () => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'api_key').orderBy('id').execute();
const KEY = /hsk_[a-z2-7]{32}/;

/** Makes a key through the page and returns it with its id, as staff would copy it. */
async function createKey(name: string): Promise<{ key: string; id: number; page: string }> {
  const response = await post('/admin/api-keys', { name });
  expect(response.status).toBe(200);
  expect(response.headers.get('Cache-Control')).toBe('no-store');
  const page = await response.text();
  const key = KEY.exec(page)![0];
  const row = await db().selectFrom('api_keys').select('id').where('name', '=', name).orderBy('id', 'desc').executeTakeFirstOrThrow();
  return { key, id: row.id, page };
}

describe('API keys in the back office', () => {
  it('lists no keys at first, in the back-office menu', async () => {
    const response = await get('/admin/api-keys');
    expect(response.status).toBe(200);
    const page = await htmlOf(response);
    expect(page.querySelector('nav[aria-label="Back office"] a[href="/admin/api-keys"]')?.getAttribute('aria-current')).toBe('page');
    expect(textOf(page, 'h1')).toBe('API keys');
    expect(page.querySelectorAll('[data-api-key]')).toHaveLength(0);
  });

  it('makes a key, shows it whole once, and never again: later pages, audit rows and the table hold only its prefix', async () => {
    const { key, id, page } = await createKey('Price comparison feed');
    const shown = await htmlOf(new Response(page));
    expect(shown.querySelector('#new-api-key')?.getAttribute('value')).toBe(key);
    expect(textOf(shown, '[data-new-api-key]')).toMatch(/only time the whole key is shown/);

    const stored = await db().selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ name: 'Price comparison feed', display_prefix: key.slice(0, 10), scopes: ['catalog:read'], created_by: admin.id, revoked_at: null });
    expect(JSON.stringify(stored)).not.toContain(key);

    const later = await (await get('/admin/api-keys')).text();
    expect(later).not.toContain(key);
    expect(later).not.toMatch(KEY);
    const list = await htmlOf(new Response(later));
    const row = list.querySelector(`[data-api-key="${id}"]`)!;
    expect(row.text).toContain('Price comparison feed');
    expect(row.text).toContain(`${key.slice(0, 10)}…`);
    expect(row.text).toContain('Read the catalog');
    expect(row.text).toContain('by Margaret');
    expect(row.querySelector('[data-last-used]')?.text).toBe('Never used');
    expect(row.querySelector('[data-api-key-state]')?.getAttribute('data-api-key-state')).toBe('live');

    const audit = (await auditRows()).filter((event) => event.entity_id === String(id));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'api_key.created', actor_user_id: admin.id, entity_type: 'api_key' });
    expect(JSON.stringify(audit)).not.toContain(key);
    expect((await get('/admin/audit?entity_type=api_key')).status).toBe(200);
  });

  it('refuses a name that is empty, too long or holds control characters, and makes nothing', async () => {
    const before = await keyCount();
    const auditBefore = (await auditRows()).length;
    for (const name of ['', '   ', 'x'.repeat(101), 'Feed\u0000']) {
      const response = await post('/admin/api-keys', { name });
      expect(response.status, JSON.stringify(name)).toBe(422);
      const page = await htmlOf(response);
      expect(page.querySelector('#field-name')?.getAttribute('aria-invalid')).toBe('true');
      expect(page.querySelector('[data-new-api-key]')).toBeNull();
      expect(await page.toString()).not.toMatch(KEY);
    }
    expect((await post('/admin/api-keys', {})).status).toBe(422);
    expect(await keyCount()).toBe(before);
    expect((await auditRows()).length).toBe(auditBefore);
  });

  it('accepts a name of exactly 100 characters', async () => {
    const { id } = await createKey('n'.repeat(100));
    expect(id).toBeGreaterThan(0);
  });

  it('revokes a key once, with an audit row and a message; a second revoke changes nothing', async () => {
    const { id } = await createKey('Old feed');
    const revoked = await post(`/admin/api-keys/${id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('Location')).toBe('/admin/api-keys');
    const page = await htmlOf(await get('/admin/api-keys'));
    expect(textOf(page, '.notice')).toMatch(/revoked/);
    expect(page.querySelector(`[data-api-key="${id}"] [data-api-key-state]`)?.getAttribute('data-api-key-state')).toBe('revoked');
    expect(page.querySelector(`form[action="/admin/api-keys/${id}/revoke"]`)).toBeNull();
    const row = await db().selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeInstanceOf(Date);

    const again = await post(`/admin/api-keys/${id}/revoke`, {});
    expect(again.status).toBe(303);
    expect(textOf(await htmlOf(await get('/admin/api-keys')), '.notice')).toBe('That key was already revoked.');
    const audit = (await auditRows()).filter((event) => event.entity_id === String(id));
    expect(audit.map((event) => event.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(audit[1]).toMatchObject({ actor_user_id: admin.id });
  });

  it.runIf(process.env.DATABASE_URL)('two staff revoking one key at once record one revocation (real Postgres)', async () => {
    const { id } = await createKey('Raced feed');
    const { cookie: other } = await signInAdmin(ctx, 'Katherine');
    const answers = await Promise.all([post(`/admin/api-keys/${id}/revoke`, {}), post(`/admin/api-keys/${id}/revoke`, {}, other)]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    const audit = (await auditRows()).filter((event) => event.entity_id === String(id) && event.action === 'api_key.revoked');
    expect(audit).toHaveLength(1);
  });

  it('answers 404 for a key that does not exist or an id that is not one', async () => {
    expect((await post('/admin/api-keys/999999/revoke', {})).status).toBe(404);
    expect((await post('/admin/api-keys/abc/revoke', {})).status).toBe(404);
  });

  it('refuses a cross-site post and a customer, and makes or revokes nothing', async () => {
    const { id } = await createKey('Guarded feed');
    const before = await keyCount();
    const crossSite = form({ name: 'Evil' }, cookie);
    const refused = await ctx.app.request('/admin/api-keys', { ...crossSite, headers: { ...crossSite.headers, 'Sec-Fetch-Site': 'cross-site' } });
    expect(refused.status).toBe(403);
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    expect((await post('/admin/api-keys', { name: 'Mine' }, customerCookie)).status).toBe(403);
    expect((await post(`/admin/api-keys/${id}/revoke`, {}, customerCookie)).status).toBe(403);
    expect((await ctx.app.request('/admin/api-keys', { headers: { Cookie: customerCookie } })).status).toBe(403);
    expect(await keyCount()).toBe(before);
    const row = await db().selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it('shows when a key was last used', async () => {
    const { key, id } = await createKey('Busy feed');
    await ctx.app.request('/api/v1/openapi.json', { headers: { Authorization: `Bearer ${key}` } });
    const page = await htmlOf(await get('/admin/api-keys'));
    expect(page.querySelector(`[data-api-key="${id}"] [data-last-used]`)?.text).toMatch(/^Last used /);
  });
});
