import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ADDRESSES_PER_USER } from '../../../src/accounts/addresses.js';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { verifyPassword } from '../../../src/accounts/passwords.js';
import { findUserById } from '../../../src/accounts/users.js';
import { form, insertUser, logIn, STRONG_PASSWORD } from '../../support/accounts.js';
import { auditActions, cookielessApi, liveFamilies, userWithTokens } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';

const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });
const NEW_PASSWORD = 'a brand new passphrase here';
const home = { fullName: 'Ada Lovelace', addressLine1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' };
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field).sort();

describe('API account', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
  });
  afterAll(async () => ctx.close());
  const db = () => ctx.database.db;
  const addressCount = async (userId: number) => Number((await db().selectFrom('user_addresses').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n);

  describe('GET /account', () => {
    it('answers the signed-in user', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const answer = await cookielessApi(ctx).get('/account', { token: tokens.accessToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        id: user.id,
        email: user.email,
        firstName: 'Ada',
        lastName: 'Lovelace',
        role: 'customer',
        emailVerified: true,
        mfaEnabled: false,
        cartReminders: true,
        createdAt: new Date(user.created_at).toISOString(),
      });
      expect(answer.headers.get('Cache-Control')).toBe('no-store');
    });

    it('refuses no token, an expired or revoked one (401) and an API key (403)', async () => {
      const api = cookielessApi(ctx);
      expect((await api.get('/account')).status).toBe(401);
      const expired = await userWithTokens(ctx);
      await db().updateTable('api_tokens').set({ expires_at: sql<Date>`now() - interval '1 second'` as never }).where('kind', '=', 'access').where('family_id', 'in', db().selectFrom('api_token_families').select('id').where('user_id', '=', expired.user.id)).execute();
      const stale = await api.get('/account', { token: expired.tokens.accessToken });
      expect(stale.status).toBe(401);
      expect(stale.body.detail).toMatch(/expired or revoked/);
      const revoked = await userWithTokens(ctx);
      await db().updateTable('api_token_families').set({ revoked_at: new Date(), revoked_reason: 'test' }).where('user_id', '=', revoked.user.id).execute();
      expect((await api.get('/account', { token: revoked.tokens.accessToken })).status).toBe(401);
      const admin = await insertUser(db(), { role: 'admin' });
      const { key } = await createApiKey(db(), { name: 'feed', createdBy: admin.id });
      const keyed = await api.get('/account', { token: key });
      expect(keyed.status).toBe(403);
      expect(keyed.body).toEqual(problem('forbidden'));
    });
  });

  describe('PATCH /account', () => {
    it('changes only the fields sent', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const names = await api.call('PATCH', '/account', { token: tokens.accessToken, json: { firstName: '  Augusta ', lastName: 'King' } });
      expect(names.status).toBe(200);
      expect(names.body).toMatchObject({ firstName: 'Augusta', lastName: 'King', cartReminders: true });
      const reminders = await api.call('PATCH', '/account', { token: tokens.accessToken, json: { cartReminders: false } });
      expect(reminders.body).toMatchObject({ firstName: 'Augusta', cartReminders: false });
      expect(await findUserById(db(), user.id)).toMatchObject({ first_name: 'Augusta', last_name: 'King', cart_reminders: false, email: user.email });
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const patch = (json: unknown) => api.call('PATCH', '/account', { token: tokens.accessToken, json });
      const unknown = await patch({ firstName: 'Eve', role: 'admin' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ field: 'body', message: 'Unknown field: role.' }]);
      expect((await patch({ email: 'new@example.test' })).body.errors).toContainEqual({ field: 'body', message: 'Unknown field: email.' });
      const types = await patch({ cartReminders: 'no', lastName: 3 });
      expect(types.status).toBe(400);
      expect(fieldsOf(types.body)).toEqual(['body.cartReminders', 'body.lastName']);
      const blank = await patch({ firstName: '   ' });
      expect(blank.body.errors).toEqual([{ field: 'body.firstName', message: 'Enter your first name.' }]);
      expect((await patch({ firstName: 'Line\nbreak' })).status).toBe(400);
      const empty = await patch({});
      expect(empty.status).toBe(400);
      expect(empty.body.errors[0].message).toMatch(/at least one/);
      const malformed = await api.call('PATCH', '/account', { token: tokens.accessToken, raw: '{', headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect((await api.call('PATCH', '/account', { json: { firstName: 'Eve' } })).status).toBe(401);
      expect(await findUserById(db(), user.id)).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', cart_reminders: true });
    });
  });

  describe('POST /account/password', () => {
    it('changes the password and ends every sign-in: API tokens (this one too) and browser sessions', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const other = await userWithTokens(ctx, {});
      const cookie = await logIn(ctx, user.email);
      const api = cookielessApi(ctx);
      const answer = await api.post('/account/password', { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD }, { token: tokens.accessToken });
      expect(answer.status).toBe(204);
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, NEW_PASSWORD)).toBe(true);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect((await api.post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
      expect((await ctx.app.request('/account', { headers: { Cookie: cookie } })).status).toBe(303);
      expect(await auditActions(ctx, { actor: user.id })).toContain('password.changed');
      // Nobody else is signed out.
      expect((await api.get('/account', { token: other.tokens.accessToken })).status).toBe(200);
      expect((await api.post('/auth/login', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    });

    it('refuses a wrong current password, a weak new one and bad input; nothing changes', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const change = (json: unknown) => api.post('/account/password', json, { token: tokens.accessToken });
      const wrong = await change({ currentPassword: 'not my password', newPassword: NEW_PASSWORD });
      expect(wrong.status).toBe(422);
      expect(fieldsOf(wrong.body)).toEqual(['body.currentPassword']);
      const weak = await change({ currentPassword: STRONG_PASSWORD, newPassword: 'password' });
      expect(weak.status).toBe(422);
      expect(weak.body).toEqual(problem('weak-password'));
      expect(fieldsOf(weak.body)).toEqual(['body.newPassword']);
      expect((await change({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(400);
      expect((await change({ currentPassword: STRONG_PASSWORD })).status).toBe(400);
      expect((await change({ currentPassword: STRONG_PASSWORD, newPassword: 123456789012 })).status).toBe(400);
      expect((await api.post('/account/password', { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(401);
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, STRONG_PASSWORD)).toBe(true);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(200);
    });

    it('counts wrong current passwords against the sign-in lock: 429 after 10', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      for (let i = 0; i < 10; i += 1) expect((await api.post('/account/password', { currentPassword: `guess number ${i}`, newPassword: NEW_PASSWORD }, { token: tokens.accessToken })).status).toBe(422);
      const locked = await api.post('/account/password', { currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD }, { token: tokens.accessToken });
      expect(locked.status).toBe(429);
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, STRONG_PASSWORD)).toBe(true);
    });

    it('a password change on the security page ends the API tokens too', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const cookie = await logIn(ctx, user.email);
      const page = await ctx.app.request('/account/security/password', form({ current_password: STRONG_PASSWORD, password: NEW_PASSWORD }, cookie));
      expect(page.status).toBe(303);
      expect((await cookielessApi(ctx).get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect(await liveFamilies(ctx, user.id)).toBe(0);
    });
  });

  describe('addresses', () => {
    it('saves, lists, reads, replaces and deletes, with the page’s default-address rules', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const token = tokens.accessToken;
      const first = await api.post('/account/addresses', home, { token });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ ...home, country: 'GB', addressLine2: '', state: '', phone: '', isDefaultShipping: true });
      const second = await api.post('/account/addresses', { ...home, fullName: 'Ada at work', addressLine2: 'Floor 2', phone: '+44 20 7946 0000' }, { token });
      expect(second.body.isDefaultShipping).toBe(false);
      const third = await api.post('/account/addresses', { ...home, fullName: 'Ada away', isDefaultShipping: true }, { token });
      expect(third.body.isDefaultShipping).toBe(true);

      const list = await api.get('/account/addresses', { token });
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ page: 1, limit: 20, total: 3, totalPages: 1 });
      expect(list.body.items.map((item: { id: number }) => item.id)).toEqual([third.body.id, second.body.id, first.body.id]);
      const paged = await api.get('/account/addresses?page=2&limit=2', { token });
      expect(paged.body).toMatchObject({ page: 2, limit: 2, total: 3, totalPages: 2, items: [{ id: first.body.id }] });

      expect((await api.get(`/account/addresses/${second.body.id}`, { token })).body).toEqual(second.body);
      const replaced = await api.call('PUT', `/account/addresses/${third.body.id}`, { token, json: { ...home, city: 'Bath' } });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: third.body.id, city: 'Bath', isDefaultShipping: false });
      const promoted = await api.call('PUT', `/account/addresses/${second.body.id}`, { token, json: { ...home, isDefaultShipping: true } });
      expect(promoted.body.isDefaultShipping).toBe(true);

      expect((await api.call('DELETE', `/account/addresses/${second.body.id}`, { token })).status).toBe(204);
      expect((await api.get(`/account/addresses/${second.body.id}`, { token })).status).toBe(404);
      const left = await api.get('/account/addresses', { token });
      expect(left.body.items.every((item: { isDefaultShipping: boolean }) => !item.isDefaultShipping)).toBe(true);
      expect(await addressCount(user.id)).toBe(2);
    });

    it('answers 404 for another user’s address and changes nothing', async () => {
      const owner = await userWithTokens(ctx);
      const other = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const theirs = (await api.post('/account/addresses', home, { token: owner.tokens.accessToken })).body;
      const token = other.tokens.accessToken;
      for (const answer of [
        await api.get(`/account/addresses/${theirs.id}`, { token }),
        await api.call('PUT', `/account/addresses/${theirs.id}`, { token, json: { ...home, city: 'Stolen' } }),
        await api.call('DELETE', `/account/addresses/${theirs.id}`, { token }),
        await api.get('/account/addresses/2147483647', { token }),
      ]) {
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual(problem('not-found'));
      }
      expect((await api.get('/account/addresses', { token })).body.total).toBe(0);
      expect((await api.get(`/account/addresses/${theirs.id}`, { token: owner.tokens.accessToken })).body).toEqual(theirs);
    });

    it('refuses bad ids, fields, types and JSON with 400, and no token with 401; nothing is saved', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const token = tokens.accessToken;
      const saved = (await api.post('/account/addresses', home, { token })).body;
      for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
        const answer = await api.get(`/account/addresses/${id}`, { token });
        expect(answer.status, id).toBe(400);
        expect(fieldsOf(answer.body)).toEqual(['path.id']);
      }
      const country = await api.post('/account/addresses', { ...home, country: 'XX' }, { token });
      expect(country.status).toBe(400);
      expect(country.body.errors).toEqual([{ field: 'body.country', message: 'Choose a country from the list.' }]);
      const missing = await api.post('/account/addresses', { fullName: 'Ada' }, { token });
      expect(fieldsOf(missing.body)).toEqual(['body.addressLine1', 'body.city', 'body.country', 'body.postalCode']);
      expect((await api.post('/account/addresses', { ...home, userId: 1 }, { token })).status).toBe(400);
      expect((await api.post('/account/addresses', { ...home, isDefaultShipping: 'yes' }, { token })).status).toBe(400);
      expect((await api.post('/account/addresses', { ...home, city: 'x'.repeat(101) }, { token })).status).toBe(400);
      expect((await api.call('POST', '/account/addresses', { token, raw: '{"fullName":', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
      expect((await api.call('PUT', `/account/addresses/${saved.id}`, { token, json: { city: 'Only this' } })).status).toBe(400);
      expect((await api.post('/account/addresses', home)).status).toBe(401);
      expect((await api.get('/account/addresses')).status).toBe(401);
      expect((await api.get('/account/addresses?limit=101', { token })).status).toBe(400);
      expect(await addressCount(user.id)).toBe(1);
      expect((await api.get(`/account/addresses/${saved.id}`, { token })).body).toEqual(saved);
    });

    it(`keeps the page’s limit of ${MAX_ADDRESSES_PER_USER} addresses (422)`, async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      for (let i = 0; i < MAX_ADDRESSES_PER_USER; i += 1) expect((await api.post('/account/addresses', { ...home, fullName: `Ada ${'I'.repeat(i + 1)}` }, { token: tokens.accessToken })).status).toBe(201);
      const over = await api.post('/account/addresses', home, { token: tokens.accessToken });
      expect(over.status).toBe(422);
      expect(over.body).toEqual(problem('address-limit'));
      expect(over.body.detail).toMatch(/up to 20 addresses/);
      expect(await addressCount(user.id)).toBe(MAX_ADDRESSES_PER_USER);
    });
  });
});

describe.runIf(process.env.DATABASE_URL)('API addresses on real Postgres', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp();
  });
  afterAll(async () => ctx.close());

  it('two simultaneous additions at the limit: exactly one is saved', async () => {
    const { user, tokens } = await userWithTokens(ctx);
    const api = cookielessApi(ctx);
    for (let i = 0; i < MAX_ADDRESSES_PER_USER - 1; i += 1) await api.post('/account/addresses', { ...home, fullName: `Ada ${'I'.repeat(i + 1)}` }, { token: tokens.accessToken });
    const answers = await Promise.all([1, 2].map(() => api.post('/account/addresses', home, { token: tokens.accessToken })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422]);
    const rows = await ctx.database.db.selectFrom('user_addresses').select('id').where('user_id', '=', user.id).execute();
    expect(rows).toHaveLength(MAX_ADDRESSES_PER_USER);
  });

  it('simultaneous "make default" replacements leave exactly one default', async () => {
    const { user, tokens } = await userWithTokens(ctx);
    const api = cookielessApi(ctx);
    const ids: number[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await api.post('/account/addresses', { ...home, fullName: `Ada ${'I'.repeat(i + 1)}` }, { token: tokens.accessToken })).body.id);
    const answers = await Promise.all(ids.map((id) => api.call('PUT', `/account/addresses/${id}`, { token: tokens.accessToken, json: { ...home, isDefaultShipping: true } })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const defaults = await ctx.database.db.selectFrom('user_addresses').select('id').where('user_id', '=', user.id).where('is_default_shipping', '=', true).execute();
    expect(defaults).toHaveLength(1);
  });
});
