import { sql, type Kysely } from 'kysely';

/** Whether a member wants a reminder about a cart left idle; the link in every reminder turns it off. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('cart_reminders', 'boolean', (col) => col.notNull().defaultTo(sql`true`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('cart_reminders').execute();
}
