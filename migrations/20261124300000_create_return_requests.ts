import { sql, type Kysely } from 'kysely';

/** A shopper's request to send delivered goods back, which staff approve or reject. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('return_requests')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('order_id', 'integer', (col) => col.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('requested').check(sql`status IN ('requested', 'approved', 'rejected')`))
    .addColumn('reason', 'text', (col) => col.notNull())
    // [{ "order_item_id": 1, "quantity": 2 }]
    .addColumn('items', 'jsonb', (col) => col.notNull())
    .addColumn('requested_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .execute();
  // One open request per order at a time.
  await sql`CREATE UNIQUE INDEX return_requests_one_open ON return_requests (order_id) WHERE status = 'requested'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('return_requests').execute();
}
