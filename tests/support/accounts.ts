import { expect } from 'vitest';
import { createUser } from '../../src/accounts/users.js';
import type { Db, DbOrTx } from '../../src/db/database.js';
import type { Role, User } from '../../src/db/schema-accounts.js';
import type { TestContext } from './app.js';
import { deliverOutbox } from './outbox.js';

let sequence = 0;
export const STRONG_PASSWORD = 'correct horse battery staple';

export async function insertUser(db: DbOrTx, overrides: { email?: string; password?: string; role?: Role; firstName?: string } = {}): Promise<User> {
  sequence += 1;
  return createUser(db, {
    // No long digit runs: checkout refuses anything that looks like a card number in its fields.
    email: overrides.email ?? `shopper${sequence}.${Date.now().toString(36)}@example.test`,
    password: overrides.password ?? STRONG_PASSWORD,
    firstName: overrides.firstName ?? 'Ada',
    lastName: 'Lovelace',
    role: overrides.role ?? 'customer',
    verified: true,
  });
}

/** The name=value of the session cookie a response set ('' when it cleared it), or undefined. */
export function sessionCookieFrom(response: Response): string | undefined {
  const header = response.headers.getSetCookie().find((cookie) => /^(__Host-)?session=/.test(cookie));
  if (!header) return undefined;
  const pair = header.split(';')[0]!;
  return pair.endsWith('=') ? '' : pair;
}

export function form(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
  };
}

export async function logIn(ctx: TestContext, email: string, password = STRONG_PASSWORD, cookie?: string): Promise<string> {
  const response = await ctx.app.request('/login', form({ email, password }, cookie));
  expect(response.status).toBe(303);
  const session = sessionCookieFrom(response);
  expect(session).toBeTruthy();
  return session!;
}

/**
 * The newest dev-mailbox message to an address, delivering the outbox first as the server's
 * worker would, and waiting briefly: some mail is queued after the response.
 */
export async function latestMailTo(db: Db, to: string, timeoutMs = 3_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await deliverOutbox(db);
    const message = await db.selectFrom('dev_mail').selectAll().where('to_address', '=', to).orderBy('id', 'desc').executeTakeFirst();
    if (message || Date.now() > deadline) return message;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function linkIn(text: string, path: string): string {
  const match = text.match(new RegExp(`https?://[^\\s]+${path.replace('/', '\\/')}\\?token=[a-z2-7]+`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[0];
}
