import { generateHOTP } from '@oslojs/otp';
import { expect } from 'vitest';
import { encryptTotpKey } from '../../src/accounts/mfa.js';
import { createTotpKey, totpStepAt } from '../../src/accounts/totp.js';
import type { User } from '../../src/db/schema-accounts.js';
import { testConfig, type TestContext } from './app.js';
import { form, insertUser, sessionCookieFrom, STRONG_PASSWORD } from './accounts.js';

/**
 * A new admin with a second factor, signed in through the real two-step /login: the cookie
 * opens the back office. (Setting MFA up through its pages is tested in mfa.test.ts.)
 */
export async function signInAdmin(ctx: TestContext, firstName = 'Grace'): Promise<{ admin: User; cookie: string }> {
  const admin = await insertUser(ctx.database.db, { role: 'admin', firstName });
  const key = createTotpKey();
  await ctx.database.db
    .updateTable('users')
    .set({ totp_key_encrypted: encryptTotpKey(key, testConfig().APP_SECRET) })
    .where('id', '=', admin.id)
    .execute();
  const passwordStep = await ctx.app.request('/login', form({ email: admin.email, password: STRONG_PASSWORD }));
  expect(passwordStep.status).toBe(200);
  const pending = passwordStep.headers.getSetCookie().find((cookie) => cookie.startsWith('login-pending='))!.split(';')[0]!;
  const codeStep = await ctx.app.request('/login', form({ code: generateHOTP(key, BigInt(totpStepAt(new Date())), 6) }, pending));
  expect(codeStep.status).toBe(303);
  return { admin, cookie: sessionCookieFrom(codeStep)! };
}

/** A multipart form (file uploads), as a browser sends it. */
export function multipart(fields: Record<string, string | Blob | File>, cookie: string): RequestInit {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return { method: 'POST', headers: { Cookie: cookie }, body };
}
