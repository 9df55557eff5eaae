import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRecoveryCode } from '../../src/accounts/recovery-codes.js';
import { hashToken } from '../../src/accounts/tokens.js';
import { issueEmailToken } from '../../src/accounts/users.js';
import { insertProduct } from '../support/factories.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, logIn, sessionCookieFrom, STRONG_PASSWORD } from '../support/accounts.js';
import { htmlOf, textOf } from '../support/html.js';
import { enqueueMessage } from '../../src/mail/outbox.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const address = (fullName: string) => ({
  full_name: fullName,
  address_line1: '1 Infinite Loop',
  city: 'Cupertino',
  state: 'CA',
  postal_code: '95014',
  country: 'US',
  phone: '+1 408 555 0100',
});
const get = (path: string, cookie: string) => ctx.app.request(path, { headers: { Cookie: cookie, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' } });

/** Every key at any depth of a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  return [];
}

describe('who may use the privacy pages', () => {
  it('sends a visitor to sign in from each of them', async () => {
    const attempts: [string, string][] = [
      ['GET', '/account/privacy'],
      ['GET', '/account/export'],
      ['GET', '/account/delete'],
      ['POST', '/account/delete'],
    ];
    for (const [method, path] of attempts) {
      const response = await ctx.app.request(path, method === 'POST' ? form({ current_password: STRONG_PASSWORD, confirm: '1' }) : {});
      expect(response.status, path).toBe(303);
      expect(response.headers.get('Location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('links both from the account pages', async () => {
    const user = await insertUser(db());
    const cookie = await logIn(ctx, user.email);
    const page = await htmlOf(await get('/account/privacy', cookie));
    expect(page.querySelector('nav[aria-label="Account"] a[href="/account/privacy"]')!.getAttribute('aria-current')).toBe('page');
    expect(page.querySelector('a[href="/account/export"]')).not.toBeNull();
    expect(page.querySelector('a[href="/account/delete"]')).not.toBeNull();
  });
});

describe('GET /account/export', () => {
  it("downloads the user's data as JSON, and no secret of any kind", async () => {
    const user = await insertUser(db(), { firstName: 'Export<Me>' });
    const other = await insertUser(db());
    const cookie = await logIn(ctx, user.email);
    const secondCookie = await logIn(ctx, user.email);
    for (const [who, name] of [
      [cookie, 'Home of Export'],
      [await logIn(ctx, other.email), 'Home of Someone Else'],
    ] as const) {
      expect((await ctx.app.request('/account/addresses', form(address(name), who))).status).toBe(303);
    }
    // Secrets the account holds: a TOTP key, recovery codes, an e-mail link.
    const totpKey = 'v1:secret-totp-key-ciphertext';
    await db().updateTable('users').set({ totp_key_encrypted: totpKey, totp_last_step: 123 }).where('id', '=', user.id).execute();
    const codeHash = hashRecoveryCode('abcd-efgh-ijkl');
    await db().insertInto('user_recovery_codes').values({ user_id: user.id, code_hash: codeHash }).execute();
    const linkToken = await issueEmailToken(db(), user, 'reset_password');
    const { variants } = await insertProduct(db(), { name: 'Exported Kettle' }, [{ price_cents: 2500, stock: 3 }]);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }, cookie));

    const response = await get('/account/export', cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="account-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const text = await response.text();
    const data = JSON.parse(text);

    expect(Object.keys(data).sort()).toEqual(['addresses', 'audit_events', 'cart', 'email_links', 'exported_at', 'format', 'profile', 'sessions']);
    expect(data.cart).toEqual([expect.objectContaining({ product: 'Exported Kettle', quantity: 2, unit_price_cents_at_add: 2500, saved_for_later: false })]);
    expect(data.profile).toMatchObject({ email: user.email, first_name: 'Export<Me>', last_name: 'Lovelace', role: 'customer', two_step_verification: true, recovery_codes_left: 1 });
    expect(Object.keys(data.profile).sort()).toEqual(
      ['active', 'created_at', 'email', 'email_verified_at', 'first_name', 'last_name', 'recovery_codes_left', 'role', 'two_step_verification', 'updated_at'].sort(),
    );
    expect(data.addresses).toHaveLength(1);
    expect(data.addresses[0]).toMatchObject({ ...address('Home of Export'), address_line2: '', is_default_shipping: true });
    expect(text).not.toContain('Someone Else');
    expect(data.sessions).toHaveLength(2);
    for (const session of data.sessions) {
      expect(Object.keys(session).sort()).toEqual(['created_at', 'expires_at', 'ip', 'last_seen_at', 'public_id', 'user_agent']);
    }
    expect(data.email_links).toEqual([expect.objectContaining({ purpose: 'reset_password', email: user.email, used_at: null })]);
    expect(data.audit_events.map((event: { action: string }) => event.action)).toEqual(['login.succeeded', 'login.succeeded']);
    expect(data.audit_events[0]).toMatchObject({ by_you: true });

    const keys = new Set(keysOf(data));
    for (const secret of ['password_hash', 'totp_key_encrypted', 'totp_last_step', 'code_hash', 'token_hash', 'user_id', 'actor_user_id', 'subject_user_id']) {
      expect(keys.has(secret), secret).toBe(false);
    }
    const sessionHashes = [cookie, secondCookie].map((pair) => hashToken(pair.split('=')[1]!));
    for (const secret of [user.password_hash, totpKey, codeHash, hashToken(linkToken), linkToken, ...sessionHashes]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('deleting the account', () => {
  async function accountWithData() {
    const user = await insertUser(db());
    const cookie = await logIn(ctx, user.email);
    const otherBrowser = await logIn(ctx, user.email);
    expect((await ctx.app.request('/account/addresses', form(address('To be erased'), cookie))).status).toBe(303);
    await issueEmailToken(db(), user, 'verify_email');
    await db().insertInto('user_recovery_codes').values({ user_id: user.id, code_hash: hashRecoveryCode('wxyz-wxyz-wxyz') }).execute();
    return { user, cookie, otherBrowser };
  }
  const rowsOf = async (userId: number) => ({
    users: await db().selectFrom('users').select('id').where('id', '=', userId).execute(),
    addresses: await db().selectFrom('user_addresses').select('id').where('user_id', '=', userId).execute(),
    tokens: await db().selectFrom('email_tokens').select('id').where('user_id', '=', userId).execute(),
    codes: await db().selectFrom('user_recovery_codes').select('id').where('user_id', '=', userId).execute(),
  });

  it('shows a confirmation form that asks for the password and a tick', async () => {
    const { cookie } = await accountWithData();
    const page = await htmlOf(await get('/account/delete', cookie));
    const deleteForm = page.querySelector('form[data-delete-account]')!;
    expect(deleteForm.getAttribute('action')).toBe('/account/delete');
    expect(deleteForm.querySelector('input[name="current_password"][type="password"]')).not.toBeNull();
    expect(deleteForm.querySelector('input[name="confirm"][type="checkbox"]')).not.toBeNull();
  });

  it('refuses a wrong password or a missing tick with 422, and deletes nothing', async () => {
    const { user, cookie } = await accountWithData();
    const before = await rowsOf(user.id);
    const attempts: Record<string, string>[] = [
      { current_password: 'not my password', confirm: '1' },
      { current_password: STRONG_PASSWORD },
      { current_password: STRONG_PASSWORD, confirm: 'yes' },
      { confirm: '1' },
      { current_password: 'x'.repeat(1_000_000), confirm: '1' },
    ];
    for (const fields of attempts) {
      const response = await ctx.app.request('/account/delete', form(fields, cookie));
      expect(response.status).toBe(422);
      const page = await htmlOf(response);
      const message = page.querySelector('#field-current_password-error') ?? page.querySelector('#field-confirm-error');
      expect(message?.text, JSON.stringify(Object.keys(fields))).toBeTruthy();
      expect(sessionCookieFrom(response)).toBeUndefined();
    }
    expect(textOf(await htmlOf(await ctx.app.request('/account/delete', form(attempts[0]!, cookie))), '#field-current_password-error')).toBe(
      'That is not your current password.',
    );
    expect(await rowsOf(user.id)).toEqual(before);
    expect((await get('/account', cookie)).status).toBe(200);
  });

  it('erases the user and their data, ends every session, keeps the audit trail nameless, and records the deletion', async () => {
    const { user, cookie, otherBrowser } = await accountWithData();
    const eventIds = (await db().selectFrom('audit_events').select('id').where('actor_user_id', '=', user.id).execute()).map((event) => event.id);
    expect(eventIds.length).toBeGreaterThan(0);
    const before = await db().selectFrom('audit_events').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();

    await enqueueMessage(db(), { kind: 'account.welcome', to: user.email, subject: 'Welcome', text: 'Hello Ada' });
    expect((await db().selectFrom('outbox_messages').select('id').where('recipient', '=', user.email).execute()).length).toBe(1);
    const response = await ctx.app.request('/account/delete', form({ current_password: STRONG_PASSWORD, confirm: '1' }, cookie));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(sessionCookieFrom(response)).toBe('');
    const page = await htmlOf(response);
    expect(page.querySelector('[data-account-deleted]')).not.toBeNull();
    expect(page.querySelector('[data-account-link]')?.text ?? '').not.toContain('Ada');

    expect(await rowsOf(user.id)).toEqual({ users: [], addresses: [], tokens: [], codes: [] });
    const mailToThem = await db().selectFrom('outbox_messages').select('id').where('recipient', '=', user.email).execute();
    expect(mailToThem).toEqual([]);
    for (const session of [cookie, otherBrowser]) {
      const account = await get('/account', session);
      expect(account.status).toBe(303);
      expect(account.headers.get('Location')).toMatch(/^\/login/);
    }
    expect(await ctx.store.setMembers(`user-sessions:${user.id}`)).toEqual([]);

    const kept = await db().selectFrom('audit_events').selectAll().where('id', 'in', eventIds).execute();
    expect(kept).toHaveLength(eventIds.length);
    for (const event of kept) expect([event.actor_user_id, event.subject_user_id]).toEqual([null, null]);
    const recorded = await db().selectFrom('audit_events').selectAll().where('id', '>', before.id).execute();
    expect(recorded.map((event) => event.action)).toEqual(['account.deleted']);
    expect(recorded[0]).toMatchObject({ actor_user_id: null, subject_user_id: null, ip: null, details: {} });

    const again = await ctx.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD }));
    expect(again.status).toBe(422);
    expect(sessionCookieFrom(again)).toBeUndefined();
  });

  it('does not let a staff account delete itself here', async () => {
    const admin = await insertUser(db(), { role: 'admin' });
    const cookie = await logIn(ctx, admin.email);
    const response = await ctx.app.request('/account/delete', form({ current_password: STRONG_PASSWORD, confirm: '1' }, cookie));
    expect(response.status).toBe(409);
    expect(textOf(await htmlOf(response), '.notice-error')).toMatch(/staff account/);
    expect(await db().selectFrom('users').select('id').where('id', '=', admin.id).execute()).toHaveLength(1);
  });
});
