import type { DbOrTx } from '../db/database.js';
import type { User } from '../db/schema-accounts.js';
import { recordAudit } from './audit.js';
import { checkPasswordPolicy } from './passwords.js';
import type { Sessions } from './sessions.js';
import { endEverySignIn } from './sign-out.js';
import { consumeEmailToken, findLiveEmailToken, setPassword, WeakPasswordError } from './users.js';

export class ResetLinkError extends Error {
  override name = 'ResetLinkError';
  constructor() {
    super('This reset link has expired or was used already. Ask for a new one.');
  }
}

const policyContext = (user: Pick<User, 'email' | 'first_name' | 'last_name'>) => ({ email: user.email, firstName: user.first_name, lastName: user.last_name });

/**
 * A signed-in user sets a new password (the caller has checked the current one). Whoever knew
 * the old one is signed out everywhere, browsers and API tokens alike. WeakPasswordError when
 * the policy refuses it.
 */
export async function changePassword(db: DbOrTx, sessions: Pick<Sessions, 'invalidateAllForUser'>, user: User, password: string, ip: string | null): Promise<void> {
  const weak = checkPasswordPolicy(password, policyContext(user));
  if (weak) throw new WeakPasswordError(weak);
  await setPassword(db, user.id, password);
  await endEverySignIn(db, sessions, user.id, 'password changed');
  await recordAudit(db, { action: 'password.changed', actorUserId: user.id, ip });
}

/**
 * Sets a password with a reset link, using the link up atomically (of two submissions only one
 * sets a password). ResetLinkError when the link does not work, WeakPasswordError when the
 * policy refuses the password (the link then stays usable). The second factor still applies at
 * the next sign-in.
 */
export async function resetPassword(db: DbOrTx, sessions: Pick<Sessions, 'invalidateAllForUser'>, token: string, password: string, ip: string | null): Promise<User> {
  const owner = await findLiveEmailToken(db, token, 'reset_password');
  if (!owner) throw new ResetLinkError();
  const weak = checkPasswordPolicy(password, policyContext(owner));
  if (weak) throw new WeakPasswordError(weak);
  const user = await consumeEmailToken(db, token, 'reset_password');
  if (!user) throw new ResetLinkError();
  await setPassword(db, user.id, password);
  await endEverySignIn(db, sessions, user.id, 'password reset');
  await recordAudit(db, { action: 'password.reset', subjectUserId: user.id, ip });
  return user;
}
