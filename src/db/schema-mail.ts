import type { ColumnType, Generated, Selectable } from 'kysely';

/** The mail outbox, matching migrations/20261126000000_create_outbox.ts column for column. */

export type OutboxChannel = 'email' | 'sms';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface OutboxMessagesTable {
  id: Generated<number>;
  /** What the message is about, e.g. 'order.shipped'. */
  kind: string;
  channel: OutboxChannel;
  /** An e-mail address, or an E.164 phone number for SMS. */
  recipient: string;
  subject: Generated<string>;
  text_body: string;
  html_body: Generated<string>;
  /** The List-Unsubscribe URL of a marketing message (the abandoned-cart reminder). */
  list_unsubscribe: string | null;
  /** The same key can be queued once only, whoever queues it. */
  dedupe_key: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

export interface MailTables {
  outbox_messages: OutboxMessagesTable;
}

export type OutboxMessage = Selectable<OutboxMessagesTable>;
