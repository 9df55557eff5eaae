import type { DbOrTx } from '../db/database.js';
import { revokeAllTokensForUser } from './api-tokens.js';
import type { Sessions } from './sessions.js';

/**
 * Signs a user out everywhere: every browser session and every API token family. One function,
 * so no path that ends sessions (password change or reset, deactivation, role change, MFA
 * turned on) can forget the mobile apps' tokens. `reason` is kept on the revoked families.
 */
export async function endEverySignIn(db: DbOrTx, sessions: Pick<Sessions, 'invalidateAllForUser'>, userId: number, reason: string): Promise<void> {
  await revokeAllTokensForUser(db, userId, reason);
  await sessions.invalidateAllForUser(userId);
}
