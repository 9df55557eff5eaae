import type { DbOrTx } from '../db/database.js';

/** What the audit trail records. Never a password, token, code or key: only who, what, when and where. */
export type AuditAction =
  | 'login.succeeded'
  | 'login.failed'
  | 'login.mfa_failed'
  | 'logout'
  | 'account.registered'
  | 'email.verified'
  | 'email.changed'
  | 'password.changed'
  | 'password.reset'
  | 'password.reset_requested'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'mfa.recovery_code_used'
  | 'session.ended'
  | 'role.changed'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'account.deleted';

export interface AuditEvent {
  action: AuditAction;
  actorUserId?: number | null;
  subjectUserId?: number | null;
  ip?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

export async function recordAudit(db: DbOrTx, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      action: event.action,
      actor_user_id: event.actorUserId ?? null,
      subject_user_id: event.subjectUserId ?? event.actorUserId ?? null,
      ip: event.ip ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}
