import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { REFRESH_TOKEN_SECONDS } from '../../../src/accounts/api-tokens.js';
import { verifyPassword } from '../../../src/accounts/passwords.js';
import { findUserByEmail, findUserById } from '../../../src/accounts/users.js';
import { form, insertUser, latestMailTo, linkIn, logIn, STRONG_PASSWORD } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { auditActions, cookielessApi, giveMfa, liveFamilies, userWithTokens } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';

const NEW_PASSWORD = 'a brand new passphrase here';
const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });

/** Only the budget under test should refuse: the general per-IP auth budget is raised. */
const roomyApp = () => createTestApp({ env: { RATE_LIMIT_MAX: '100000' } });

describe('API auth', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await roomyApp();
  });
  afterAll(async () => ctx.close());
  const db = () => ctx.database.db;

  describe('POST /auth/register', () => {
    it('creates the account and mails a verification link, without signing in', async () => {
      const email = 'new.shopper@example.test';
      const answer = await cookielessApi(ctx).post('/auth/register', { email, password: STRONG_PASSWORD, firstName: 'Mary', lastName: 'Somerville' });
      expect(answer.status).toBe(202);
      expect(answer.body.message).toMatch(/If that address can be used/);
      const user = await findUserByEmail(db(), email);
      expect(user).toMatchObject({ first_name: 'Mary', last_name: 'Somerville', role: 'customer', email_verified_at: null });
      expect(await liveFamilies(ctx, user!.id)).toBe(0);
      expect((await latestMailTo(db(), email))?.text_body).toMatch(/verify-email\?token=/);
      expect(await auditActions(ctx, { actor: user!.id })).toEqual(['account.registered']);
    });

    it('answers an address that has an account exactly as a new one, and mails its owner instead', async () => {
      const owner = await insertUser(db());
      const answer = await cookielessApi(ctx).post('/auth/register', { email: owner.email.toUpperCase(), password: 'another fine passphrase', firstName: 'Eve', lastName: 'Intruder' });
      expect(answer.status).toBe(202);
      expect(answer.body.message).toMatch(/If that address can be used/);
      const after = await findUserById(db(), owner.id);
      expect(after).toMatchObject({ first_name: 'Ada', password_hash: owner.password_hash });
      expect((await latestMailTo(db(), owner.email))?.text_body).toMatch(/reset-password\?token=/);
    });

    it('refuses a weak password, bad fields and bad JSON with 4xx and creates nothing', async () => {
      const api = cookielessApi(ctx);
      const email = 'refused@example.test';
      const weak = await api.post('/auth/register', { email, password: 'password', firstName: 'A', lastName: 'B' });
      expect(weak.status).toBe(422);
      expect(weak.body).toEqual(problem('weak-password'));
      expect(weak.body.errors[0].field).toBe('body.password');
      const unknown = await api.post('/auth/register', { email, password: STRONG_PASSWORD, firstName: 'A', lastName: 'B', role: 'admin' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ field: 'body', message: 'Unknown field: role.' }]);
      const types = await api.post('/auth/register', { email: 42, password: STRONG_PASSWORD, firstName: 'A', lastName: ['B'] });
      expect(types.status).toBe(400);
      expect(types.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.email', 'body.lastName']);
      const badEmail = await api.post('/auth/register', { email: 'not-an-address', password: STRONG_PASSWORD, firstName: 'A', lastName: 'B' });
      expect(badEmail.body.errors).toEqual([{ field: 'body.email', message: 'Enter an e-mail address like name@example.com.' }]);
      const malformed = await api.call('POST', '/auth/register', { raw: '{', headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual(problem('malformed'));
      expect(await findUserByEmail(db(), email)).toBeUndefined();
      expect(await findUserByEmail(db(), 'not-an-address')).toBeUndefined();
    });

    it('shares the sign-up page’s per-IP limit and refuses with 429 once spent, creating nothing', async () => {
      const own = await roomyApp();
      try {
        const api = cookielessApi(own);
        for (let i = 0; i < 20; i += 1) expect((await api.post('/auth/register', { email: 'x' })).status).toBe(400);
        const refused = await api.post('/auth/register', { email: 'late@example.test', password: STRONG_PASSWORD, firstName: 'A', lastName: 'B' });
        expect(refused.status).toBe(429);
        expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
        expect(await findUserByEmail(own.database.db, 'late@example.test')).toBeUndefined();
        // The page counts against the same budget.
        expect((await own.app.request('/register', form({ email: 'page@example.test', password: STRONG_PASSWORD, first_name: 'A', last_name: 'B' }))).status).toBe(429);
      } finally {
        await own.close();
      }
    });
  });

  describe('POST /auth/login', () => {
    it('returns a token pair and the user; the access token works; the sign-in is audited', async () => {
      const user = await insertUser(db());
      const api = cookielessApi(ctx);
      const answer = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: REFRESH_TOKEN_SECONDS.customer, user: { id: user.id, email: user.email, role: 'customer' } });
      expect(answer.body.accessToken).toMatch(/^hsa_/);
      expect(answer.body.refreshToken).toMatch(/^hsr_/);
      expect((await api.get('/account', { token: answer.body.accessToken })).body.id).toBe(user.id);
      expect(await auditActions(ctx, { actor: user.id })).toContain('login.succeeded');
    });

    it('refuses a wrong password and a deactivated account alike, issuing nothing and auditing the failure', async () => {
      const user = await insertUser(db());
      const gone = await insertUser(db());
      await db().updateTable('users').set({ active: false }).where('id', '=', gone.id).execute();
      const before = await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'login.failed').executeTakeFirstOrThrow();
      const api = cookielessApi(ctx);
      const wrong = await api.post('/auth/login', { email: user.email, password: 'not the password at all' });
      const inactive = await api.post('/auth/login', { email: gone.email, password: STRONG_PASSWORD });
      for (const answer of [wrong, inactive]) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(problem('invalid-credentials'));
        expect(answer.body.detail).toBe('That e-mail address and password do not match an account.');
      }
      expect(await liveFamilies(ctx, user.id)).toBe(0);
      expect(await liveFamilies(ctx, gone.id)).toBe(0);
      const after = await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'login.failed').executeTakeFirstOrThrow();
      expect(Number(after.n) - Number(before.n)).toBe(2);
    });

    it('asks for the second factor (mfa-required, no tokens), refuses a wrong code, accepts the right one', async () => {
      const user = await insertUser(db());
      const code = await giveMfa(ctx, user);
      const api = cookielessApi(ctx);
      const noCode = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD });
      expect(noCode.status).toBe(401);
      expect(noCode.body).toEqual(problem('mfa-required'));
      expect(noCode.body.accessToken).toBeUndefined();
      const wrongCode = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, code: code(-20) });
      expect(wrongCode.status).toBe(401);
      expect(wrongCode.body).toEqual(problem('invalid-code'));
      expect(await liveFamilies(ctx, user.id)).toBe(0);
      expect(await auditActions(ctx, { subject: user.id })).toEqual(['login.mfa_failed']);
      const ok = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, code: code() });
      expect(ok.status).toBe(200);
      expect(ok.body.user.mfaEnabled).toBe(true);
      // Each code works once.
      const replay = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, code: code() });
      expect(replay.status).toBe(401);
      expect(await liveFamilies(ctx, user.id)).toBe(1);
    });

    it('lets staff sign in; their refresh token lives 12 hours', async () => {
      const admin = await insertUser(db(), { role: 'admin' });
      const code = await giveMfa(ctx, admin);
      const answer = await cookielessApi(ctx).post('/auth/login', { email: admin.email, password: STRONG_PASSWORD, code: code() });
      expect(answer.status).toBe(200);
      expect(answer.body.refreshExpiresIn).toBe(12 * 3600);
      expect(answer.body.user.role).toBe('admin');
    });

    it('refuses unknown fields, wrong types and bad JSON with 400', async () => {
      const user = await insertUser(db());
      const api = cookielessApi(ctx);
      expect((await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, remember: true })).status).toBe(400);
      expect((await api.post('/auth/login', { email: user.email, password: 12345678 })).status).toBe(400);
      expect((await api.call('POST', '/auth/login', { raw: '{"email":', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
      expect((await api.call('POST', '/auth/login', { raw: 'email=a', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
      expect(await liveFamilies(ctx, user.id)).toBe(0);
    });

    it('locks the account after 10 failures (wrong codes included), for the page as well: 429 even with the right password', async () => {
      const own = await roomyApp();
      try {
        const user = await insertUser(own.database.db);
        const code = await giveMfa(own, user);
        const api = cookielessApi(own);
        for (let i = 0; i < 7; i += 1) expect((await api.post('/auth/login', { email: user.email, password: `wrong guess ${i}` })).status).toBe(401);
        for (let i = 0; i < 3; i += 1) expect((await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, code: '000000' })).status).toBe(401);
        const locked = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD, code: code() });
        expect(locked.status).toBe(429);
        expect(locked.body).toEqual(problem('rate-limited'));
        expect(locked.headers.get('Retry-After')).toMatch(/^\d+$/);
        expect(await liveFamilies(own, user.id)).toBe(0);
        expect((await own.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD }))).status).toBe(429);
      } finally {
        await own.close();
      }
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates: a new pair that works, in the same family', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const answer = await api.post('/auth/refresh', { refreshToken: tokens.refreshToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ tokenType: 'Bearer', user: { id: user.id } });
      expect(answer.body.refreshToken).not.toBe(tokens.refreshToken);
      expect((await api.get('/account', { token: answer.body.accessToken })).status).toBe(200);
      expect(await liveFamilies(ctx, user.id)).toBe(1);
    });

    it('treats a used refresh token as stolen: 401 token-reused, and the whole family stops working', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const rotated = await api.post('/auth/refresh', { refreshToken: tokens.refreshToken });
      expect(rotated.status).toBe(200);
      const reused = await api.post('/auth/refresh', { refreshToken: tokens.refreshToken });
      expect(reused.status).toBe(401);
      expect(reused.body).toEqual(problem('token-reused'));
      expect((await api.get('/account', { token: rotated.body.accessToken })).status).toBe(401);
      const newer = await api.post('/auth/refresh', { refreshToken: rotated.body.refreshToken });
      expect(newer.status).toBe(401);
      expect(newer.body).toEqual(problem('invalid-token'));
      expect(await liveFamilies(ctx, user.id)).toBe(0);
    });

    it('refuses an expired refresh token with 401, leaving the family alone', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const family = db().selectFrom('api_token_families').select('id').where('user_id', '=', user.id);
      await db().updateTable('api_tokens').set({ expires_at: sql<Date>`now() - interval '1 second'` as never }).where('kind', '=', 'refresh').where('family_id', 'in', family).execute();
      const api = cookielessApi(ctx);
      const answer = await api.post('/auth/refresh', { refreshToken: tokens.refreshToken });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(problem('invalid-token'));
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(200);
    });

    it('refuses an unknown token with 401, and a bad body with 400', async () => {
      const api = cookielessApi(ctx);
      const unknown = await api.post('/auth/refresh', { refreshToken: 'hsr_' + 'a'.repeat(32) });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(problem('invalid-token'));
      expect((await api.post('/auth/refresh', { refreshToken: 7 })).status).toBe(400);
      expect((await api.post('/auth/refresh', { refreshToken: 'x', extra: 1 })).status).toBe(400);
      expect((await api.post('/auth/refresh', {})).status).toBe(400);
    });
  });

  describe('POST /auth/logout', () => {
    it('ends the family: its access and refresh tokens stop working; other sign-ins go on', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const other = await api.post('/auth/login', { email: user.email, password: STRONG_PASSWORD });
      const answer = await api.post('/auth/logout', undefined, { token: tokens.accessToken });
      expect(answer.status).toBe(204);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect((await api.post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
      expect((await api.get('/account', { token: other.body.accessToken })).status).toBe(200);
      expect(await auditActions(ctx, { actor: user.id })).toContain('logout');
    });

    it('needs a user’s token: none 401, an API key 403', async () => {
      const api = cookielessApi(ctx);
      const none = await api.post('/auth/logout');
      expect(none.status).toBe(401);
      const admin = await insertUser(db(), { role: 'admin' });
      const { key } = await createApiKey(db(), { name: 'feed', createdBy: admin.id });
      const keyed = await api.post('/auth/logout', undefined, { token: key });
      expect(keyed.status).toBe(403);
    });
  });

  describe('forgot and reset password', () => {
    it('answers the same for any address, mailing only an account’s owner', async () => {
      const user = await insertUser(db());
      const api = cookielessApi(ctx);
      const known = await api.post('/auth/forgot-password', { email: user.email });
      const unknown = await api.post('/auth/forgot-password', { email: 'nobody.here@example.test' });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(unknown.body).toEqual(known.body);
      expect((await latestMailTo(db(), user.email))?.text_body).toMatch(/reset-password\?token=/);
      expect(await latestMailTo(db(), 'nobody.here@example.test', 300)).toBeUndefined();
      expect((await api.post('/auth/forgot-password', { email: 'nope' })).status).toBe(400);
    });

    it('resets with the mailed token: weak passwords refused first, then every sign-in of the account ends', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const cookie = await logIn(ctx, user.email);
      const api = cookielessApi(ctx);
      await api.post('/auth/forgot-password', { email: user.email });
      const token = new URL(linkIn((await latestMailTo(db(), user.email))!.text_body, '/reset-password')).searchParams.get('token')!;

      const weak = await api.post('/auth/reset-password', { token, password: 'password1' });
      expect(weak.status).toBe(422);
      expect(weak.body).toEqual(problem('weak-password'));
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, STRONG_PASSWORD)).toBe(true);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(200);

      expect((await api.post('/auth/reset-password', { token, password: NEW_PASSWORD })).status).toBe(204);
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, NEW_PASSWORD)).toBe(true);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect((await ctx.app.request('/account', { headers: { Cookie: cookie } })).status).toBe(303);
      expect(await auditActions(ctx, { subject: user.id })).toContain('password.reset');

      const again = await api.post('/auth/reset-password', { token, password: 'yet another passphrase' });
      expect(again.status).toBe(422);
      expect(again.body).toEqual(problem('invalid-token'));
      expect(await verifyPassword((await findUserById(db(), user.id))!.password_hash, NEW_PASSWORD)).toBe(true);
      expect((await api.post('/auth/login', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    });

    it('refuses a bad reset body with 400', async () => {
      const api = cookielessApi(ctx);
      expect((await api.post('/auth/reset-password', { token: 'abc', password: NEW_PASSWORD, email: 'x@example.test' })).status).toBe(400);
      expect((await api.post('/auth/reset-password', { token: 'abc' })).status).toBe(400);
      expect((await api.call('POST', '/auth/reset-password', { raw: '{', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    });
  });

  describe('revocation from the browser side', () => {
    it('a password reset through the page ends the API tokens too', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      await ctx.app.request('/forgot-password', form({ email: user.email }));
      const link = linkIn((await latestMailTo(db(), user.email))!.text_body, '/reset-password');
      const path = new URL(link).pathname + new URL(link).search;
      expect((await ctx.app.request(path, form({ password: NEW_PASSWORD }))).status).toBe(200);
      expect((await cookielessApi(ctx).get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect(await liveFamilies(ctx, user.id)).toBe(0);
    });

    it('staff deactivating a user end their tokens, which stay dead after reactivation', async () => {
      const { user, tokens } = await userWithTokens(ctx);
      const { cookie } = await signInAdmin(ctx);
      const api = cookielessApi(ctx);
      const deactivate = await ctx.app.request(`/admin/users/${user.id}/status`, form({ status: 'inactive' }, cookie));
      expect(deactivate.status).toBe(303);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect((await ctx.app.request(`/admin/users/${user.id}/status`, form({ status: 'active' }, cookie))).status).toBe(303);
      expect((await api.get('/account', { token: tokens.accessToken })).status).toBe(401);
      expect((await api.post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
      expect(await liveFamilies(ctx, user.id)).toBe(0);
    });
  });
});

describe.runIf(process.env.DATABASE_URL)('API refresh on real Postgres', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await roomyApp();
  });
  afterAll(async () => ctx.close());

  it('of two simultaneous refreshes with one token exactly one wins; the other is reuse', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { tokens } = await userWithTokens(ctx);
      const api = cookielessApi(ctx);
      const answers = await Promise.all([api.post('/auth/refresh', { refreshToken: tokens.refreshToken }), api.post('/auth/refresh', { refreshToken: tokens.refreshToken })]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      expect(answers.find((answer) => answer.status === 401)!.body).toEqual(problem('token-reused'));
      const spent = await ctx.database.db.selectFrom('api_tokens').select('id').where('kind', '=', 'refresh').where('used_at', 'is not', null).where('family_id', '=', (await ctx.database.db.selectFrom('api_token_families').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id).execute();
      expect(spent).toHaveLength(1);
    }
  });
});
