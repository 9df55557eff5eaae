import type { DbOrTx } from '../db/database.js';
import type { Role } from '../db/schema-accounts.js';
import { recordAudit } from './audit.js';
import type { Sessions } from './sessions.js';

export class CannotChangeOwnAccountError extends Error {
  constructor() {
    super('You cannot change your own role or status; ask another admin.');
    this.name = 'CannotChangeOwnAccountError';
  }
}

interface StaffChange {
  actorId: number | null;
  userId: number;
  ip?: string | null;
}

/**
 * Deactivates or reactivates an account. Deactivation ends every session of the user at once,
 * so a fired employee or an abusive account is out now, not when a cookie expires.
 * Returns false when there is no such user.
 */
export async function setUserActive(db: DbOrTx, sessions: Sessions, change: StaffChange & { active: boolean }): Promise<boolean> {
  if (change.actorId === change.userId) throw new CannotChangeOwnAccountError();
  const updated = await db.updateTable('users').set({ active: change.active, updated_at: new Date() }).where('id', '=', change.userId).executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  if (!change.active) await sessions.invalidateAllForUser(change.userId);
  await recordAudit(db, {
    action: change.active ? 'user.reactivated' : 'user.deactivated',
    actorUserId: change.actorId,
    subjectUserId: change.userId,
    ip: change.ip ?? null,
  });
  return true;
}

/**
 * Changes a user's role. Their sessions end: a privilege change gets a new session (and a
 * promoted admin must then sign in with a second factor). Returns false when there is no such user.
 */
export async function changeUserRole(db: DbOrTx, sessions: Sessions, change: StaffChange & { role: Role }): Promise<boolean> {
  if (change.actorId === change.userId) throw new CannotChangeOwnAccountError();
  const before = await db.selectFrom('users').select('role').where('id', '=', change.userId).executeTakeFirst();
  if (!before) return false;
  if (before.role === change.role) return true;
  await db.updateTable('users').set({ role: change.role, updated_at: new Date() }).where('id', '=', change.userId).execute();
  await sessions.invalidateAllForUser(change.userId);
  await recordAudit(db, {
    action: 'role.changed',
    actorUserId: change.actorId,
    subjectUserId: change.userId,
    ip: change.ip ?? null,
    details: { from: before.role, to: change.role },
  });
  return true;
}
