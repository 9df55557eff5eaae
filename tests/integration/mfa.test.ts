import { generateHOTP } from '@oslojs/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpStepAt } from '../../src/accounts/totp.js';
import type { User } from '../../src/db/schema-accounts.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, latestMailTo, linkIn, logIn, sessionCookieFrom, STRONG_PASSWORD } from '../support/accounts.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

/** Base32 as typed from the page ("ABCD EFGH …") back to the key's bytes. */
function keyFromTyped(typed: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...typed.replace(/\s+/g, '')].map((char) => alphabet.indexOf(char).toString(2).padStart(5, '0')).join('');
  const bytes = bits.match(/.{8}/g)!.map((byte) => Number.parseInt(byte, 2));
  return new Uint8Array(bytes);
}
const codeAt = (key: Uint8Array, step: number) => generateHOTP(key, BigInt(step), 6);

/** Turns MFA on through the pages, as a user would; returns the key and the recovery codes shown. */
async function enableThroughPages(user: User): Promise<{ cookie: string; key: Uint8Array; recoveryCodes: string[] }> {
  let cookie = await logIn(ctx, user.email);
  const setup = await htmlOf(await ctx.app.request('/account/security/mfa', { headers: { Cookie: cookie } }));
  expect(setup.querySelector('svg[role=img]')).not.toBeNull();
  const key = keyFromTyped(textOf(setup, '[data-totp-secret]'));
  expect(key).toHaveLength(20);
  const wrong = await ctx.app.request('/account/security/mfa', form({ code: '000000' }, cookie));
  expect(wrong.status).toBe(422);
  const enabled = await ctx.app.request('/account/security/mfa', form({ code: codeAt(key, totpStepAt(new Date())) }, cookie));
  expect(enabled.status).toBe(200);
  cookie = sessionCookieFrom(enabled)!; // a privilege change: a new token
  const recoveryCodes = (await htmlOf(enabled)).querySelectorAll('[data-recovery-codes] li').map((item) => item.text.trim());
  expect(recoveryCodes).toHaveLength(10);
  return { cookie, key, recoveryCodes };
}

async function passwordStep(email: string, password = STRONG_PASSWORD): Promise<string> {
  const response = await ctx.app.request('/login', form({ email, password }));
  expect(response.status).toBe(200);
  expect(sessionCookieFrom(response)).toBeUndefined(); // no session before the second factor
  const pending = response.headers.getSetCookie().find((cookie) => cookie.startsWith('login-pending='))!;
  return pending.split(';')[0]!;
}

describe('two-step verification', () => {
  it('is set up from the typed key, then sign-in needs a code, and each code works once', async () => {
    const user = await insertUser(ctx.database.db);
    const { key } = await enableThroughPages(user);
    const stored = await ctx.database.db.selectFrom('users').select(['totp_key_encrypted']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.totp_key_encrypted).not.toContain(Buffer.from(key).toString('base64'));

    // The setup code's step is used; the next step's code signs in once, and not twice.
    const step = totpStepAt(new Date()) + 1;
    const pending = await passwordStep(user.email);
    const signedIn = await ctx.app.request('/login', form({ code: codeAt(key, step) }, pending));
    expect(signedIn.status).toBe(303);
    expect(sessionCookieFrom(signedIn)).toBeTruthy();
    const replayPending = await passwordStep(user.email);
    const replay = await ctx.app.request('/login', form({ code: codeAt(key, step) }, replayPending));
    expect(replay.status).toBe(422);
    expect(sessionCookieFrom(replay)).toBeUndefined();
  });

  it('a code without the password step is refused', async () => {
    const user = await insertUser(ctx.database.db);
    const { key } = await enableThroughPages(user);
    const response = await ctx.app.request('/login', form({ code: codeAt(key, totpStepAt(new Date()) + 1) }));
    expect(response.status).toBe(422);
    expect(sessionCookieFrom(response)).toBeUndefined();
  });

  it('recovery codes each work once', async () => {
    const user = await insertUser(ctx.database.db);
    const { recoveryCodes } = await enableThroughPages(user);
    const first = await ctx.app.request('/login', form({ code: recoveryCodes[0]!.toUpperCase() }, await passwordStep(user.email)));
    expect(first.status).toBe(303);
    const again = await ctx.app.request('/login', form({ code: recoveryCodes[0]! }, await passwordStep(user.email)));
    expect(again.status).toBe(422);
  });

  it('a password reset does not bypass it', async () => {
    const user = await insertUser(ctx.database.db);
    await enableThroughPages(user);
    await ctx.app.request('/forgot-password', form({ email: user.email }));
    const link = linkIn((await latestMailTo(ctx.database.db, user.email))!.text_body, '/reset-password');
    const url = new URL(link);
    expect((await ctx.app.request(url.pathname + url.search, form({ password: 'a fresh reset passphrase' }))).status).toBe(200);
    await passwordStep(user.email, 'a fresh reset passphrase'); // asks for the code, no session yet
  });

  it('admins must set it up before the back office opens, and cannot turn it off', async () => {
    const admin = await insertUser(ctx.database.db, { role: 'admin' });
    const before = await ctx.app.request('/admin', { headers: { Cookie: await logIn(ctx, admin.email) } });
    expect(before.headers.get('Location')).toBe('/account/security/mfa?required=1');
    const { cookie, key } = await enableThroughPages(admin);
    const admitted = await ctx.app.request('/admin', { headers: { Cookie: cookie } });
    expect(admitted.status).toBe(200);
    expect(await admitted.text()).toContain('data-admin-home');
    const off = await ctx.app.request('/account/security/mfa/disable', form({ current_password: STRONG_PASSWORD, code: codeAt(key, totpStepAt(new Date()) + 1) }, cookie));
    expect(off.status).toBe(422);
    const row = await ctx.database.db.selectFrom('users').select('totp_key_encrypted').where('id', '=', admin.id).executeTakeFirstOrThrow();
    expect(row.totp_key_encrypted).not.toBeNull();
  });

  it('a customer turns it off with password and code; sign-in then needs the password only', async () => {
    const user = await insertUser(ctx.database.db);
    const { cookie, key } = await enableThroughPages(user);
    const off = await ctx.app.request('/account/security/mfa/disable', form({ current_password: STRONG_PASSWORD, code: codeAt(key, totpStepAt(new Date()) + 1) }, cookie));
    expect(off.status).toBe(303);
    await logIn(ctx, user.email);
    const audit = await ctx.database.db.selectFrom('audit_events').select('action').where('subject_user_id', '=', user.id).execute();
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(['mfa.enabled', 'mfa.disabled', 'login.succeeded']));
  });
});

describe('staff changing users', () => {
  it('deactivating ends every session at once; a role change ends them too; all of it audited', async () => {
    const admin = await insertUser(ctx.database.db, { role: 'admin' });
    const { cookie: adminCookie } = await enableThroughPages(admin);
    const customer = await insertUser(ctx.database.db);
    const customerCookie = await logIn(ctx, customer.email);
    const promoted = await insertUser(ctx.database.db);
    const promotedCookie = await logIn(ctx, promoted.email);

    const refused = await ctx.app.request(`/admin/users/${promoted.id}/status`, form({ role: 'admin' }, customerCookie));
    expect(refused.status).toBe(403);

    const off = await ctx.app.request(`/admin/users/${customer.id}/status`, form({ status: 'inactive' }, adminCookie));
    expect(off.status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: customerCookie } })).status).toBe(303);
    expect((await ctx.app.request('/login', form({ email: customer.email, password: STRONG_PASSWORD }))).status).toBe(422);

    expect((await ctx.app.request(`/admin/users/${promoted.id}/status`, form({ role: 'admin' }, adminCookie))).status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: promotedCookie } })).status).toBe(303);

    expect((await ctx.app.request(`/admin/users/${admin.id}/status`, form({ status: 'inactive' }, adminCookie))).status).toBe(409);
    expect((await ctx.app.request('/admin/users/99999999/status', form({ status: 'inactive' }, adminCookie))).status).toBe(404);
    expect((await ctx.app.request(`/admin/users/${customer.id}/status`, form({ status: 'deleted' }, adminCookie))).status).toBe(422);

    const audit = await ctx.database.db.selectFrom('audit_events').select(['action', 'actor_user_id', 'subject_user_id', 'details']).where('actor_user_id', '=', admin.id).execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'user.deactivated', subject_user_id: customer.id }),
        expect.objectContaining({ action: 'role.changed', subject_user_id: promoted.id, details: { from: 'customer', to: 'admin' } }),
      ]),
    );
  });
});

describe('staff deciding returns', () => {
  it('approve an open request once; a second decision finds nothing open', async () => {
    const admin = await insertUser(ctx.database.db, { role: 'admin' });
    const { cookie } = await enableThroughPages(admin);
    const order = await ctx.database.db
      .insertInto('orders')
      .values({
        number: 'HS-RETURN22',
        email: 'r@example.test',
        status: 'delivered',
        currency: 'USD',
        subtotal_cents: 1000,
        total_cents: 1000,
        shipping_method_code: 'standard',
        shipping_method_name: 'Standard',
        full_name: 'R',
        address_line1: '1 Road',
        city: 'Town',
        postal_code: '1',
        country: 'US',
        payment_provider: 'test',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const request = await ctx.database.db
      .insertInto('return_requests')
      .values({ order_id: order.id, reason: 'Broken', items: JSON.stringify([]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await ctx.app.request(`/admin/returns/${request.id}/decision`, form({ decision: 'maybe' }, cookie))).status).toBe(422);
    expect((await ctx.app.request(`/admin/returns/${request.id}/decision`, form({ decision: 'approved' }, cookie))).status).toBe(303);
    expect((await ctx.app.request(`/admin/returns/${request.id}/decision`, form({ decision: 'rejected' }, cookie))).status).toBe(404);
    const decided = await ctx.database.db.selectFrom('return_requests').select(['status', 'decided_by']).where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(decided).toEqual({ status: 'approved', decided_by: admin.id });
  });
});
