import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin, WeakPasswordError } from '../../src/accounts/users.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, latestMailTo, linkIn, logIn, sessionCookieFrom, STRONG_PASSWORD } from '../support/accounts.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
const users = () => ctx.database.db.selectFrom('users').selectAll();

describe('registration', () => {
  it('creates an unverified account and mails a verification link built from APP_URL', async () => {
    const email = `new.${Date.now()}@example.test`;
    const response = await ctx.app.request('/register', form({ email, password: STRONG_PASSWORD, first_name: 'Grace', last_name: 'Hopper' }));
    expect(response.status).toBe(200);
    expect(textOf(await htmlOf(response), 'h1')).toBe('Check your e-mail');
    const user = await users().where('email', '=', email).executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeNull();
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const mail = await latestMailTo(ctx.database.db, email);
    const link = linkIn(mail!.text_body, '/verify-email');
    expect(link.startsWith('http://localhost:3000/verify-email?token=')).toBe(true);

    // A GET only shows the button (mail scanners follow links); the POST confirms, once.
    expect((await ctx.app.request(pathOf(link))).status).toBe(200);
    expect((await users().where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at).toBeNull();
    expect((await ctx.app.request(pathOf(link), { method: 'POST' })).status).toBe(200);
    expect((await users().where('id', '=', user.id).executeTakeFirstOrThrow()).email_verified_at).not.toBeNull();
    expect((await ctx.app.request(pathOf(link), { method: 'POST' })).status).toBe(400);
  });

  it('answers a taken address exactly as a new one, creates nothing, and tells the owner', async () => {
    const owner = await insertUser(ctx.database.db);
    const fresh = `fresh.${Date.now()}@example.test`;
    const fields = (email: string) => form({ email, password: STRONG_PASSWORD, first_name: 'Eve', last_name: 'Mallory' });
    const taken = await ctx.app.request('/register', fields(owner.email.toUpperCase()));
    const created = await ctx.app.request('/register', fields(fresh));
    expect(taken.status).toBe(created.status);
    expect(await taken.text()).toBe(await created.text());
    expect(await users().where('email', 'ilike', owner.email).execute()).toHaveLength(1);
    expect((await latestMailTo(ctx.database.db, owner.email))?.subject).toMatch(/already have/);
  });

  it('refuses weak passwords and bad fields with a message per field, and creates nothing', async () => {
    const email = `weak.${Date.now()}@example.test`;
    const weak = await ctx.app.request('/register', form({ email, password: 'password123', first_name: 'A', last_name: 'B' }));
    expect(weak.status).toBe(422);
    expect(textOf(await htmlOf(weak), '#field-password-error')).not.toBe('');
    const bad = await ctx.app.request(
      '/register',
      form({ email: 'a@b.test\r\nBcc: victim@example.test', password: STRONG_PASSWORD, first_name: 'x'.repeat(1_000_000), last_name: 'Null\u0000Byte' }),
    );
    expect(bad.status).toBe(422);
    const page = await htmlOf(bad);
    for (const field of ['email', 'first_name', 'last_name']) expect(textOf(page, `#field-${field}-error`)).not.toBe('');
    expect(await users().where('email', 'in', [email, 'a@b.test']).execute()).toHaveLength(0);
  });

  it('refuses invalid UTF-8 in a name (it arrives as U+FFFD) and creates nothing', async () => {
    const email = `utf.${Date.now()}@example.test`;
    const body = `email=${encodeURIComponent(email)}&password=${encodeURIComponent(STRONG_PASSWORD)}&first_name=%FF%FEAda&last_name=Byron`;
    const response = await ctx.app.request('/register', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect(response.status).toBe(422);
    expect(textOf(await htmlOf(response), '#field-first_name-error')).toMatch(/cannot accept/);
    expect(await users().where('email', '=', email).execute()).toHaveLength(0);
  });
});

describe('signing in and out', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie of at least 160 bits and shows the account', async () => {
    const user = await insertUser(ctx.database.db, { firstName: '<script>alert(1)</script>' });
    const response = await ctx.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD }));
    expect(response.status).toBe(303);
    const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('session='))!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
    expect(header.split(';')[0]!.split('=')[1]!.length * 5).toBeGreaterThanOrEqual(160);
    const account = await ctx.app.request('/account', { headers: { Cookie: sessionCookieFrom(response)! } });
    expect(account.status).toBe(200);
    expect(account.headers.get('Cache-Control')).toBe('no-store');
    // The name is shown as text and kept as an attribute value, never run as markup.
    const page = await htmlOf(account);
    expect(page.querySelectorAll('script').filter((script) => script.text.includes('alert'))).toHaveLength(0);
    expect(textOf(page, '[data-account-link]')).toContain('<script>alert(1)</script>');
    expect(page.querySelector('#field-first_name')?.getAttribute('value')).toBe('<script>alert(1)</script>');
  });

  it('answers a wrong password and an unknown address the same way', async () => {
    const user = await insertUser(ctx.database.db);
    const wrong = await ctx.app.request('/login', form({ email: user.email, password: 'not the password at all' }));
    const unknown = await ctx.app.request('/login', form({ email: `nobody.${Date.now()}@example.test`, password: 'not the password at all' }));
    expect(wrong.status).toBe(422);
    expect(unknown.status).toBe(422);
    const message = (response: Response) => htmlOf(response).then((page) => textOf(page, '[role=alert]'));
    expect(await message(wrong)).toBe(await message(unknown));
    expect(sessionCookieFrom(wrong)).toBeUndefined();
  });

  it('gives a new token at sign-in: the cookie from before no longer works', async () => {
    const user = await insertUser(ctx.database.db);
    const first = await logIn(ctx, user.email);
    const second = await logIn(ctx, user.email, STRONG_PASSWORD, first);
    expect(second).not.toBe(first);
    expect((await ctx.app.request('/account', { headers: { Cookie: first } })).status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: second } })).status).toBe(200);
  });

  it('logout ends the session on the server: replaying the cookie is a visitor', async () => {
    const user = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, user.email);
    const out = await ctx.app.request('/logout', form({}, cookie));
    expect(out.status).toBe(303);
    expect(sessionCookieFrom(out)).toBe('');
    const replay = await ctx.app.request('/account', { headers: { Cookie: cookie } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('Location')).toBe('/login?next=%2Faccount');
  });

  it('a deactivated account cannot sign in, and its sessions stop working', async () => {
    const user = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, user.email);
    await ctx.database.db.updateTable('users').set({ active: false }).where('id', '=', user.id).execute();
    expect((await ctx.app.request('/account', { headers: { Cookie: cookie } })).status).toBe(303);
    expect((await ctx.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD }))).status).toBe(422);
  });

  it('never follows a next= to another site', async () => {
    const user = await insertUser(ctx.database.db);
    for (const next of ['//evil.test/', 'https://evil.test/', '/\\evil.test']) {
      const response = await ctx.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD, next }));
      expect(response.headers.get('Location')).toBe('/account');
    }
  });
});

describe('passwords', () => {
  it('a password change ends every other session and rotates this one', async () => {
    const user = await insertUser(ctx.database.db);
    const here = await logIn(ctx, user.email);
    const elsewhere = await logIn(ctx, user.email);
    const newPassword = 'a completely different passphrase';
    const changed = await ctx.app.request('/account/security/password', form({ current_password: STRONG_PASSWORD, password: newPassword }, here));
    expect(changed.status).toBe(303);
    const rotated = sessionCookieFrom(changed)!;
    expect(rotated).not.toBe(here);
    expect((await ctx.app.request('/account', { headers: { Cookie: elsewhere } })).status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: here } })).status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: rotated } })).status).toBe(200);
    await logIn(ctx, user.email, newPassword);
  });

  it('a reset link works once, signs out everywhere, and mail goes only to known addresses', async () => {
    const user = await insertUser(ctx.database.db);
    const session = await logIn(ctx, user.email);
    const unknown = `ghost.${Date.now()}@example.test`;
    const knownResponse = await ctx.app.request('/forgot-password', form({ email: user.email }));
    const unknownResponse = await ctx.app.request('/forgot-password', form({ email: unknown }));
    expect(await knownResponse.text()).toBe(await unknownResponse.text());
    const link = linkIn((await latestMailTo(ctx.database.db, user.email))!.text_body, '/reset-password');
    expect(await latestMailTo(ctx.database.db, unknown, 200)).toBeUndefined();

    expect((await ctx.app.request(pathOf(link))).status).toBe(200);
    const reset = await ctx.app.request(pathOf(link), form({ password: 'my brand new passphrase' }));
    expect(reset.status).toBe(200);
    expect((await ctx.app.request('/account', { headers: { Cookie: session } })).status).toBe(303);
    await logIn(ctx, user.email, 'my brand new passphrase');
    expect((await ctx.app.request(pathOf(link), form({ password: 'yet another passphrase' }))).status).toBe(400);
    await logIn(ctx, user.email, 'my brand new passphrase');
  });

  it('an expired reset link is refused', async () => {
    const user = await insertUser(ctx.database.db);
    await ctx.app.request('/forgot-password', form({ email: user.email }));
    const link = linkIn((await latestMailTo(ctx.database.db, user.email))!.text_body, '/reset-password');
    await ctx.database.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', user.id).execute();
    expect((await ctx.app.request(pathOf(link), form({ password: 'my brand new passphrase' }))).status).toBe(400);
    await logIn(ctx, user.email);
  });
});

describe('sessions page', () => {
  it('lists the user’s sessions and ends one; another user’s session id changes nothing', async () => {
    const user = await insertUser(ctx.database.db);
    const other = await insertUser(ctx.database.db);
    const here = await logIn(ctx, user.email);
    const phone = await logIn(ctx, user.email);
    const othersCookie = await logIn(ctx, other.email);
    const page = await htmlOf(await ctx.app.request('/account/security', { headers: { Cookie: here } }));
    const ids = page.querySelectorAll('[data-session]').map((item) => item.getAttribute('data-session')!);
    expect(ids).toHaveLength(2);
    const othersPage = await htmlOf(await ctx.app.request('/account/security', { headers: { Cookie: othersCookie } }));
    const othersId = othersPage.querySelector('[data-session]')!.getAttribute('data-session')!;

    await ctx.app.request(`/account/security/sessions/${othersId}/end`, form({}, here));
    expect((await ctx.app.request('/account', { headers: { Cookie: othersCookie } })).status).toBe(200);

    const phoneId = ids.find((id) => !page.querySelector(`[data-session="${id}"]`)!.text.includes('this browser'))!;
    await ctx.app.request(`/account/security/sessions/${phoneId}/end`, form({}, here));
    expect((await ctx.app.request('/account', { headers: { Cookie: phone } })).status).toBe(303);
    expect((await ctx.app.request('/account', { headers: { Cookie: here } })).status).toBe(200);
  });
});

describe('back office access', () => {
  it('sends visitors to sign in, refuses customers with 403 and no admin HTML, admits admins', async () => {
    const visitor = await ctx.app.request('/admin');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('Location')).toBe('/login?next=%2Fadmin');
    const customer = await insertUser(ctx.database.db);
    const refused = await ctx.app.request('/admin', { headers: { Cookie: await logIn(ctx, customer.email) } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('data-admin-home');
    // An admin without a second factor is sent to set one up (mfa.test.ts goes on from there).
    const admin = await insertUser(ctx.database.db, { role: 'admin' });
    const unprotected = await ctx.app.request('/admin', { headers: { Cookie: await logIn(ctx, admin.email) } });
    expect(unprotected.status).toBe(303);
    expect(unprotected.headers.get('Location')).toBe('/account/security/mfa?required=1');
  });
});

describe('cross-site requests', () => {
  it('refuses a cross-site profile change and changes nothing; the same POST from the store is accepted', async () => {
    const user = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, user.email);
    const fields = { first_name: 'Hacked', last_name: 'Name' };
    const crossSite = await ctx.app.request('/account', { ...form(fields, cookie), headers: { ...form(fields, cookie).headers, 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const byOrigin = await ctx.app.request('/account', { ...form(fields, cookie), headers: { ...form(fields, cookie).headers, Origin: 'https://evil.test' } });
    expect(byOrigin.status).toBe(403);
    expect((await users().where('id', '=', user.id).executeTakeFirstOrThrow()).first_name).toBe('Ada');
    const own = await ctx.app.request('/account', {
      ...form(fields, cookie),
      headers: { ...form(fields, cookie).headers, 'Sec-Fetch-Site': 'same-origin', Origin: 'http://localhost:3000' },
    });
    expect(own.status).toBe(303);
    expect((await users().where('id', '=', user.id).executeTakeFirstOrThrow()).first_name).toBe('Hacked');
  });
});

describe('rate limits', () => {
  it('locks an account after 10 failed sign-ins (429 with Retry-After) while another account still signs in', async () => {
    const target = await insertUser(ctx.database.db);
    const bystander = await insertUser(ctx.database.db);
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await ctx.app.request('/login', form({ email: target.email, password: `wrong guess ${attempt}` }))).status).toBe(422);
    }
    const locked = await ctx.app.request('/login', form({ email: target.email, password: STRONG_PASSWORD }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(sessionCookieFrom(locked)).toBeUndefined();
    await logIn(ctx, bystander.email);
  });

  it('limits registrations per address: the 21st in 15 minutes is refused and creates nothing', async () => {
    const own = await createTestApp();
    try {
      const register = (n: number) =>
        own.app.request('/register', form({ email: `burst${n}.${Date.now()}@example.test`, password: STRONG_PASSWORD, first_name: 'B', last_name: 'Urst' }));
      for (let n = 1; n <= 20; n++) expect((await register(n)).status).toBe(200);
      const refused = await register(21);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
      expect(await own.database.db.selectFrom('users').select('id').where('email', 'like', 'burst21.%').execute()).toHaveLength(0);
    } finally {
      await own.close();
    }
  });
});

describe('the first admin', () => {
  it('is created once from ADMIN_EMAIL and ADMIN_PASSWORD, verified, and a weak password is refused', async () => {
    const email = `owner.${Date.now()}@example.test`;
    await expect(ensureAdmin(ctx.database.db, email, 'password123')).rejects.toThrow(WeakPasswordError);
    expect(await ensureAdmin(ctx.database.db, email, STRONG_PASSWORD)).toBe('created');
    expect(await ensureAdmin(ctx.database.db, email.toUpperCase(), 'another strong passphrase')).toBe('exists');
    const admin = await users().where('email', '=', email).executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ role: 'admin', active: true });
    expect(admin.email_verified_at).not.toBeNull();
    await logIn(ctx, email);
  });
});

describe('password checks inside the account', () => {
  it('share the sign-in lock: a stolen session cannot be used to guess the password', async () => {
    const user = await insertUser(ctx.database.db);
    const cookie = await logIn(ctx, user.email);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await ctx.app.request('/account/email', form({ email: `new${attempt}@example.test`, current_password: `guess number ${attempt}` }, cookie));
      expect(response.status).toBe(422);
    }
    const locked = await ctx.app.request('/account/email', form({ email: 'new@example.test', current_password: STRONG_PASSWORD }, cookie));
    expect(locked.status).toBe(429);
    expect((await users().where('id', '=', user.id).executeTakeFirstOrThrow()).email).toBe(user.email);
  });
});

describe('in production', () => {
  it('the session cookie is __Host- and Secure', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production', PAYMENTS: 'test', APP_URL: 'https://shop.example.test' } });
    try {
      const user = await insertUser(production.database.db);
      const response = await production.app.request('/login', form({ email: user.email, password: STRONG_PASSWORD }));
      expect(response.status).toBe(303);
      const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('__Host-session='))!;
      expect(header).toMatch(/; Secure/);
      expect(header).toMatch(/; HttpOnly/);
      expect(header).toMatch(/; Path=\//);
      expect(header).not.toMatch(/Domain=/i);
      const account = await production.app.request('/account', { headers: { Cookie: header.split(';')[0]! } });
      expect(account.status).toBe(200);
    } finally {
      await production.close();
    }
  });
});
