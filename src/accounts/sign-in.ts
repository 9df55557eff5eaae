import type { DbOrTx } from '../db/database.js';
import type { User } from '../db/schema-accounts.js';
import { recordAudit } from './audit.js';
import { verifySecondFactor } from './mfa.js';
import { authenticate } from './users.js';

/** The login throttle's shape (src/web/rate-limit.ts createLoginThrottle): per account and per IP. */
export interface SignInThrottle {
  check(email: string, ip: string): Promise<void>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

/**
 * The steps of signing in, shared by the login page and POST /api/v1/auth/login so both count
 * failures against the same throttle and write the same audit events.
 */

/** The password step: the active user, or undefined (counted as a failure and audited). Throws 429 while locked. */
export async function checkSignInPassword(db: DbOrTx, throttle: SignInThrottle, email: string, password: string, ip: string): Promise<User | undefined> {
  // Checked before the password, so a locked account costs no argon2 work and reveals nothing.
  await throttle.check(email, ip);
  const user = await authenticate(db, email, password);
  if (user) return user;
  await throttle.recordFailure(email, ip);
  await recordAudit(db, { action: 'login.failed', ip, details: { reason: 'credentials' } });
  return undefined;
}

/** The second-factor step (TOTP or recovery code, each usable once); a wrong code counts against the throttle. */
export async function checkSignInCode(db: DbOrTx, throttle: SignInThrottle, user: User, code: string, ip: string, appSecret: string): Promise<boolean> {
  await throttle.check(user.email, ip);
  const factor = code.length <= 64 ? await verifySecondFactor(db, user, code, appSecret) : undefined;
  if (factor) return true;
  await throttle.recordFailure(user.email, ip);
  await recordAudit(db, { action: 'login.mfa_failed', subjectUserId: user.id, ip });
  return false;
}

/** A sign-in went through: the account's failures are forgotten, and it is audited. */
export async function recordSignIn(db: DbOrTx, throttle: SignInThrottle, user: User, ip: string): Promise<void> {
  await throttle.recordSuccess(user.email);
  await recordAudit(db, { action: 'login.succeeded', actorUserId: user.id, ip });
}
