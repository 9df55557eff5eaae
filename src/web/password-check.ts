import type { Context } from 'hono';
import { verifyPassword } from '../accounts/passwords.js';
import type { User } from '../db/schema-accounts.js';
import type { AppDeps, AppEnv } from './context.js';
import { clientIp, createLoginThrottle, type LoginThrottle } from './rate-limit.js';

const throttles = new WeakMap<AppDeps, LoginThrottle>();

/**
 * Checks a signed-in user's own password (to change e-mail or password, turn off MFA, delete
 * the account) under the same lock as sign-in: a stolen session cannot be used to guess the
 * password either. Throws 429 while locked.
 */
export async function checkOwnPassword(deps: AppDeps, c: Context<AppEnv>, user: User, password: string): Promise<boolean> {
  let throttle = throttles.get(deps);
  if (!throttle) {
    throttle = createLoginThrottle(deps.store, { secret: deps.config.APP_SECRET });
    throttles.set(deps, throttle);
  }
  const ip = clientIp(c, deps.config.TRUST_PROXY);
  await throttle.check(user.email, ip);
  if (await verifyPassword(user.password_hash, password)) return true;
  await throttle.recordFailure(user.email, ip);
  return false;
}
