import { sql, type Kysely } from 'kysely';

/**
 * The mail outbox: a message is written here in the same transaction as the event that causes
 * it, and a worker sends it afterwards, retrying with backoff. A message is never lost with a
 * rolled-back event, nor sent without one; `dedupe_key` makes queueing the same message twice
 * (a return URL racing a webhook) a no-op.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind ~ '^[a-z_]+(\\.[a-z_]+)*$' AND length(kind) <= 60`))
    .addColumn('channel', 'text', (col) => col.notNull().check(sql`channel IN ('email', 'sms')`))
    // Header injection is refused here too: a line break can never reach a header.
    .addColumn('recipient', 'text', (col) => col.notNull().check(sql`recipient !~ '[\\r\\n]' AND length(recipient) BETWEEN 3 AND 320`))
    .addColumn('subject', 'text', (col) => col.notNull().defaultTo('').check(sql`subject !~ '[\\r\\n]'`))
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('list_unsubscribe', 'text', (col) => col.check(sql`list_unsubscribe !~ '[\\r\\n]'`))
    .addColumn('dedupe_key', 'text', (col) => col.unique())
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('pending').check(sql`status IN ('pending', 'sending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn('next_attempt_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    // The lease of the worker sending it: past this, another worker may take the message back.
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  // What the worker looks for every second or two: due pending rows, and leases run out.
  await sql`CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at, id) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX outbox_messages_lease_idx ON outbox_messages (locked_until) WHERE status = 'sending'`.execute(db);
  // The back office's list: by status (failed, retrying), newest first, optionally by kind.
  await sql`CREATE INDEX outbox_messages_status_idx ON outbox_messages (status, kind, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_messages').execute();
}
