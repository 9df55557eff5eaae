import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { OutboxStatus } from '../db/schema-mail.js';
import type { NoticeKind } from './notices.js';

/** The outbox as staff read it: counts, the messages that failed or wait to be retried, and "send again". */

/** Every kind the store queues, for the filter. */
export const MAIL_KINDS = [
  'order.confirmation',
  'order.payment_failed',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'order.refunded',
  'return.approved',
  'account.welcome',
  'account.verify_email',
  'account.password_reset',
  'account.already_registered',
  'account.email_changed',
  'cart.reminder',
] as const satisfies readonly NoticeKind[];

/**
 * What the list shows. 'problems' (the default) is what needs a look: failed, and waiting to
 * be tried again after a failure ('retrying': pending with an attempt behind it).
 */
export const MAIL_VIEWS = ['problems', 'failed', 'retrying', 'pending', 'sending', 'sent', 'all'] as const;
export type MailView = (typeof MAIL_VIEWS)[number];

export interface MailFilter {
  view: MailView;
  /** One kind, or '' for all. */
  kind: string;
}

const filterSchema = z.object({
  status: z.enum(MAIL_VIEWS, { message: 'Choose one of the listed statuses.' }).catch('problems'),
  kind: z.union([z.literal(''), z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/).max(60)]).catch(''),
});

/** The filters from a query: an unknown status shows the problems, an unknown kind all kinds. */
export function parseMailFilter(query: Record<string, string | undefined>): MailFilter {
  const parsed = filterSchema.parse({ status: query.status ?? 'problems', kind: query.kind ?? '' });
  return { view: parsed.status, kind: parsed.kind };
}

export type MailCounts = Record<OutboxStatus | 'retrying', number>;

/** How many messages are in each state; 'retrying' counts the pending ones that have failed before. */
export async function countMail(db: DbOrTx): Promise<MailCounts> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(['status', sql<number>`count(*)::int`.as('count'), sql<number>`count(*) FILTER (WHERE attempts > 0)::int`.as('retried')])
    .groupBy('status')
    .execute();
  const counts: MailCounts = { pending: 0, sending: 0, sent: 0, failed: 0, retrying: 0 };
  for (const row of rows) {
    counts[row.status] = row.count;
    if (row.status === 'pending') counts.retrying = row.retried;
  }
  return counts;
}

/** One row of the list: never a body (a reset or verification link in it is a live credential). */
export interface MailRow {
  id: number;
  kind: string;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  sent_at: Date | null;
}

/** The messages in this view, newest first, a page at a time, with how many there are in all. */
export async function listMail(db: DbOrTx, filter: MailFilter, page: { offset: number; limit: number }): Promise<{ rows: MailRow[]; total: number }> {
  let query = db.selectFrom('outbox_messages');
  if (filter.view === 'problems') query = query.where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'pending'), eb('attempts', '>', 0)])]));
  else if (filter.view === 'retrying') query = query.where('status', '=', 'pending').where('attempts', '>', 0);
  else if (filter.view !== 'all') query = query.where('status', '=', filter.view);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const [rows, total] = await Promise.all([
    query
      .select(['id', 'kind', 'channel', 'recipient', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'last_attempt_at', 'next_attempt_at', 'sent_at'])
      .orderBy('id', 'desc')
      .offset(page.offset)
      .limit(page.limit)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.count };
}

/**
 * Puts a failed message back in the queue, with a fresh set of attempts, audited in the same
 * transaction. 'not_failed' when it is not failed (sent meanwhile, or retried by someone else);
 * undefined when there is no such message.
 */
export async function retryMail(db: Db, id: number, staff: { actorId: number; ip: string | null }): Promise<'retried' | 'not_failed' | undefined> {
  return db.transaction().execute(async (trx) => {
    const message = await trx.selectFrom('outbox_messages').select(['id', 'kind', 'status', 'attempts', 'last_error']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!message) return undefined;
    if (message.status !== 'failed') return 'not_failed';
    await trx
      .updateTable('outbox_messages')
      .set({ status: 'pending', attempts: 0, next_attempt_at: sql<Date>`now()`, locked_until: null })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      action: 'mail.retried',
      actorUserId: staff.actorId,
      ip: staff.ip,
      entity: { type: 'outbox_message', id },
      before: { status: 'failed', attempts: message.attempts, last_error: message.last_error },
      after: { status: 'pending', attempts: 0 },
      details: { kind: message.kind },
    });
    return 'retried';
  });
}
