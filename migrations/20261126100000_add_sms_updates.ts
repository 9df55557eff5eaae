import type { Kysely } from 'kysely';

/** A shopper who asks for shipping updates by text at checkout (the order's phone, E.164). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('sms_updates', 'boolean', (col) => col.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('sms_updates').execute();
}
