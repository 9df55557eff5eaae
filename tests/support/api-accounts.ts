import { generateHOTP } from '@oslojs/otp';
import { expect } from 'vitest';
import { issueTokens, type TokenPair } from '../../src/accounts/api-tokens.js';
import { encryptTotpKey } from '../../src/accounts/mfa.js';
import { createTotpKey, totpStepAt } from '../../src/accounts/totp.js';
import type { Role, User } from '../../src/db/schema-accounts.js';
import { insertUser } from './accounts.js';
import { apiClient, type ApiCall, type ApiClient } from './api.js';
import { testConfig, type TestContext } from './app.js';

/** apiClient, plus the API's promise that no answer ever sets a cookie. */
export function cookielessApi(ctx: TestContext): ApiClient {
  const api = apiClient(ctx);
  const call: ApiClient['call'] = async (method, path, options) => {
    const answer = await api.call(method, path, options);
    expect(answer.headers.get('Set-Cookie'), `${method} ${path} must not set a cookie`).toBeNull();
    return answer;
  };
  return {
    call,
    get: (path, options) => call('GET', path, options),
    post: (path, json, options?: ApiCall) => call('POST', path, { ...options, ...(json === undefined ? {} : { json }) }),
    document: () => api.document(),
  };
}

/** A user with a token pair, made directly (for tests that are not about signing in). */
export async function userWithTokens(ctx: TestContext, overrides: { role?: Role; email?: string } = {}): Promise<{ user: User; tokens: TokenPair }> {
  const user = await insertUser(ctx.database.db, overrides);
  const tokens = await issueTokens(ctx.database.db, user, { userAgent: 'test', ip: '127.0.0.1' });
  return { user, tokens };
}

/** Turns two-step verification on for a user; returns a function giving the current code. */
export async function giveMfa(ctx: TestContext, user: User): Promise<(offsetSteps?: number) => string> {
  const key = createTotpKey();
  await ctx.database.db.updateTable('users').set({ totp_key_encrypted: encryptTotpKey(key, testConfig().APP_SECRET) }).where('id', '=', user.id).execute();
  return (offsetSteps = 0) => generateHOTP(key, BigInt(totpStepAt(new Date()) + offsetSteps), 6);
}

export async function auditActions(ctx: TestContext, where: { actor?: number; subject?: number } = {}): Promise<string[]> {
  let query = ctx.database.db.selectFrom('audit_events').select('action').orderBy('id');
  if (where.actor !== undefined) query = query.where('actor_user_id', '=', where.actor);
  if (where.subject !== undefined) query = query.where('subject_user_id', '=', where.subject);
  return (await query.execute()).map((row) => row.action);
}

export async function liveFamilies(ctx: TestContext, userId: number): Promise<number> {
  const rows = await ctx.database.db.selectFrom('api_token_families').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  return rows.length;
}
