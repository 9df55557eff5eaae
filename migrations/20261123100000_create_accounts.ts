import { sql, type Kysely } from 'kysely';

/**
 * Accounts: users with their roles and second factor, addresses, single-use e-mail tokens
 * (verification, password reset, e-mail change), and the audit trail. Sessions are not here:
 * they live in the key-value store (Redis), which every request reads.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    // Stored as typed; uniqueness and lookups go by lower(email).
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('first_name', 'text', (col) => col.notNull())
    .addColumn('last_name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('customer').check(sql`role IN ('customer', 'admin')`))
    .addColumn('active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('email_verified_at', 'timestamptz')
    // The TOTP key, encrypted with a key derived from APP_SECRET (AES-256-GCM), and the last
    // time step accepted, so that each code works once.
    .addColumn('totp_key_encrypted', 'text')
    .addColumn('totp_last_step', 'bigint')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_email_length', sql`length(email) BETWEEN 3 AND 254`)
    .execute();
  await sql`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`.execute(db);

  await db.schema
    .createTable('user_recovery_codes')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addUniqueConstraint('user_recovery_codes_user_code_key', ['user_id', 'code_hash'])
    .execute();

  await db.schema
    .createTable('user_addresses')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('full_name', 'text', (col) => col.notNull())
    .addColumn('address_line1', 'text', (col) => col.notNull())
    .addColumn('address_line2', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('city', 'text', (col) => col.notNull())
    .addColumn('state', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('postal_code', 'text', (col) => col.notNull())
    .addColumn('country', 'text', (col) => col.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('phone', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('is_default_shipping', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX user_addresses_user_idx ON user_addresses (user_id)`.execute(db);
  // At most one default shipping address per user, enforced by the database.
  await sql`CREATE UNIQUE INDEX user_addresses_one_default ON user_addresses (user_id) WHERE is_default_shipping`.execute(db);

  await db.schema
    .createTable('email_tokens')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (col) => col.notNull().check(sql`purpose IN ('verify_email', 'reset_password')`))
    // Only the SHA-256 of the token: a database leak does not hand out working links.
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('actor_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('subject_user_id', 'integer', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('ip', 'text')
    .addColumn('details', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await sql`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at DESC)`.execute(db);

  // The development mailbox (/dev/mail) when no SMTP server is configured.
  await db.schema
    .createTable('dev_mail')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('sent_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('to_address', 'text', (col) => col.notNull())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('text_body', 'text', (col) => col.notNull())
    .addColumn('html_body', 'text', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['dev_mail', 'audit_events', 'email_tokens', 'user_addresses', 'user_recovery_codes', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
