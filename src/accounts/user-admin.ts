import type { Db } from '../db/database.js';
import type { Role } from '../db/schema-accounts.js';
import { changedFields, recordAudit } from './audit.js';
import type { Sessions } from './sessions.js';
import { endEverySignIn } from './sign-out.js';

export class CannotChangeOwnAccountError extends Error {
  constructor() {
    super('You cannot change your own role or status; ask another admin.');
    this.name = 'CannotChangeOwnAccountError';
  }
}

export interface AccessChange {
  actorId: number | null;
  userId: number;
  ip?: string | null;
  role?: Role;
  active?: boolean;
}

/**
 * Staff change a user's role and/or whether the account is active, with one audit row per
 * change in the same transaction. Deactivation ends every session of the user at once, so a
 * fired employee or an abusive account is out now, not when a cookie expires; a role change
 * ends them too (a promoted admin must then sign in with a second factor). The user's API token
 * families end with them. Sessions live in the store, so they are ended once the change is
 * committed; until then (and always) a request from a deactivated account is refused anyway, because every request reads `active`.
 * Returns false when there is no such user.
 */
export async function changeUserAccess(db: Db, sessions: Sessions, change: AccessChange): Promise<boolean> {
  if (change.actorId === change.userId) throw new CannotChangeOwnAccountError();
  const changed = await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('users').select(['role', 'active']).where('id', '=', change.userId).forUpdate().executeTakeFirst();
    if (!before) return undefined;
    const diff = changedFields(before, { role: change.role ?? before.role, active: change.active ?? before.active });
    if (diff.after.role === undefined && diff.after.active === undefined) return diff;
    await trx
      .updateTable('users')
      .set({ ...diff.after, updated_at: new Date() })
      .where('id', '=', change.userId)
      .execute();
    const common = { actorUserId: change.actorId, subjectUserId: change.userId, ip: change.ip ?? null, entity: { type: 'user', id: change.userId } };
    if (diff.after.role !== undefined) {
      await recordAudit(trx, { ...common, action: 'role.changed', details: { from: before.role, to: diff.after.role }, before: { role: before.role }, after: { role: diff.after.role } });
    }
    if (diff.after.active !== undefined) {
      await recordAudit(trx, { ...common, action: diff.after.active ? 'user.reactivated' : 'user.deactivated', before: { active: before.active }, after: { active: diff.after.active } });
    }
    return diff;
  });
  if (!changed) return false;
  if (changed.after.active === false) await endEverySignIn(db, sessions, change.userId, 'deactivated by staff');
  else if (changed.after.role !== undefined) await endEverySignIn(db, sessions, change.userId, 'role changed by staff');
  return true;
}
