import { sql } from 'kysely';
import { z } from 'zod';
import type { DbOrTx } from '../db/database.js';
import type { OutboxChannel } from '../db/schema-mail.js';
import { e164Phone } from '../sms/sms.js';

/** A message to queue: e-mail (subject, text and HTML) or SMS (text only). */
export interface OutboxInput {
  /** What it is about, e.g. 'order.shipped': shown to staff, and in logs instead of the body. */
  kind: string;
  channel?: OutboxChannel;
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** For marketing mail: the one-click unsubscribe URL sent as List-Unsubscribe. */
  listUnsubscribe?: string;
  /** The same key is queued once only, whoever queues it (e.g. 'order.confirmation:HS-…'). */
  dedupeKey?: string;
}

/** A message that cannot be queued as given (a bad address, a line break in a header); nothing was written. */
export class OutboxInputError extends Error {
  override name = 'OutboxInputError';
}

const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\r\n\0]/.test(value), 'must be one line');

const emailAddress = z
  .string()
  .max(254)
  .refine((value) => !/[\r\n\0]/.test(value), 'must be one line')
  .pipe(z.email());

const outboxInput = z.object({
  kind: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/).max(60),
  channel: z.enum(['email', 'sms']).default('email'),
  to: z.string(),
  subject: singleLine(300).default(''),
  text: z.string().min(1).max(200_000),
  html: z.string().max(500_000).default(''),
  listUnsubscribe: singleLine(2_000).pipe(z.url({ protocol: /^https?$/ })).optional(),
  dedupeKey: singleLine(200).min(1).optional(),
});

/** Checks a message; the recipient in its canonical form (an E.164 number for SMS). */
function checkedMessage(message: OutboxInput) {
  const parsed = outboxInput.safeParse(message);
  if (!parsed.success) throw new OutboxInputError(`cannot queue ${String(message.kind)}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const input = parsed.data;
  const recipient = input.channel === 'sms' ? e164Phone.safeParse(input.to) : emailAddress.safeParse(input.to);
  if (!recipient.success) throw new OutboxInputError(`cannot queue ${input.kind}: the recipient is not a valid ${input.channel === 'sms' ? 'phone number' : 'e-mail address'}`);
  if (input.channel === 'email' && !input.subject.trim()) throw new OutboxInputError(`cannot queue ${input.kind}: an e-mail needs a subject`);
  return { ...input, to: recipient.data };
}

/** A checked message as its outbox row: what enqueueMessage inserts, or a caller's own statement (markOrderPaid's). */
export interface OutboxRow {
  kind: string;
  channel: OutboxChannel;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  list_unsubscribe: string | null;
  dedupe_key: string | null;
}

/**
 * Checks a message and gives the row that queues it. A recipient or subject with a line break
 * is refused (header injection is impossible by construction), and so is an invalid address:
 * OutboxInputError, before anything is written.
 */
export function outboxRow(message: OutboxInput): OutboxRow {
  const input = checkedMessage(message);
  return {
    kind: input.kind,
    channel: input.channel,
    recipient: input.to,
    subject: input.subject,
    text_body: input.text,
    html_body: input.html,
    list_unsubscribe: input.listUnsubscribe ?? null,
    dedupe_key: input.dedupeKey ?? null,
  };
}

/**
 * Queues a message in the caller's transaction, so it goes out if and only if the change that
 * caused it commits (checked as outboxRow checks it). Returns false when a message with the
 * same dedupe key was queued before (by this or a concurrent caller): nothing is added.
 */
export async function enqueueMessage(db: DbOrTx, message: OutboxInput): Promise<boolean> {
  // async: a refused message is a rejected promise, as callers await it, never a throw.
  return enqueueRow(db, outboxRow(message));
}

/** enqueueMessage for a row outboxRow already checked. */
export async function enqueueRow(db: DbOrTx, row: OutboxRow): Promise<boolean> {
  const inserted = await db
    .insertInto('outbox_messages')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** How long a sent message is kept (for the back office's mail screen and support questions). */
export const SENT_RETENTION_DAYS = 30;
const PRUNE_BATCH = 1_000;

/**
 * Deletes messages sent more than `retentionDays` ago, a batch at a time, so the outbox does
 * not grow forever and old mail bodies (personal data) do not outlive their use. Failed
 * messages stay until staff deal with them. Returns how many rows went.
 */
export async function pruneSentMessages(db: DbOrTx, retentionDays = SENT_RETENTION_DAYS): Promise<number> {
  let pruned = 0;
  for (;;) {
    const batch = await db
      .deleteFrom('outbox_messages')
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('outbox_messages')
          .select('id')
          .where('status', '=', 'sent')
          .where('sent_at', '<', sql<Date>`now() - make_interval(days => ${retentionDays})`)
          .limit(PRUNE_BATCH),
      )
      .executeTakeFirst();
    const deleted = Number(batch.numDeletedRows);
    pruned += deleted;
    if (deleted < PRUNE_BATCH) return pruned;
  }
}
