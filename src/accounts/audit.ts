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
  | 'account.deleted'
  // The back office: every staff action, with the entity it touched and its before/after values.
  | 'product.created'
  | 'product.updated'
  | 'product.deleted'
  | 'product.image_added'
  | 'product.image_updated'
  | 'product.image_removed'
  | 'category.created'
  | 'category.updated'
  | 'category.moved'
  | 'category.deleted'
  | 'catalog.imported'
  | 'stock.adjusted'
  | 'stock.threshold_changed'
  | 'order.status_changed'
  | 'order.refunded'
  | 'order.note_added'
  | 'return.decided'
  | 'coupon.created'
  | 'coupon.updated'
  | 'coupon.expired'
  | 'settings.changed'
  // Staff sent a failed message again (the mail outbox).
  | 'mail.retried'
  // Integration keys for the JSON API, made and revoked in the back office (never the key itself).
  | 'api_key.created'
  | 'api_key.revoked';

export interface AuditEvent {
  action: AuditAction;
  actorUserId?: number | null;
  subjectUserId?: number | null;
  ip?: string | null;
  details?: Record<string, string | number | boolean | null>;
  /** What was acted on, e.g. { type: 'product', id: 42 }. */
  entity?: { type: string; id: string | number };
  /** The changed fields' values before and after (only what changed; never a secret). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
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
      entity_type: event.entity?.type ?? null,
      entity_id: event.entity === undefined ? null : String(event.entity.id),
      before: event.before ? JSON.stringify(event.before) : null,
      after: event.after ? JSON.stringify(event.after) : null,
    })
    .execute();
}

/**
 * The fields that differ between two versions of a record, as the audit trail's before/after
 * pair. Compared by JSON value, so arrays and dates compare by content.
 */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): { before: Partial<T>; after: Partial<T> } {
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    was[key] = before[key];
    now[key] = after[key] as T[keyof T];
  }
  return { before: was, after: now };
}
