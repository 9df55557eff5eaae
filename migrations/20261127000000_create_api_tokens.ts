import { sql, type Kysely } from 'kysely';

/**
 * Bearer tokens for the JSON API (the mobile apps) and API keys for integrations.
 *
 * A sign-in starts a token family; every refresh rotates the refresh token within it. Only
 * SHA-256 hashes are kept. Presenting a refresh token that was already used means it was
 * copied, so the whole family is revoked (RFC 9700 §4.14.2). Refresh tokens live in Postgres
 * rather than Redis so that "use once" is a single conditional UPDATE two racing clients
 * cannot both win.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_token_families')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('user_id', 'bigint', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('user_agent', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('ip', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('api_token_families_user_idx').on('api_token_families').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('family_id', 'bigint', (col) => col.notNull().references('api_token_families.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('access', 'refresh')`))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('api_tokens_family_idx').on('api_tokens').column('family_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull().check(sql`length(name) between 1 and 100`))
    // The first characters of the key, shown in the back office so staff can tell keys apart.
    .addColumn('display_prefix', 'text', (col) => col.notNull())
    .addColumn('key_hash', 'text', (col) => col.notNull().unique())
    .addColumn('scopes', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{catalog:read}'`))
    .addColumn('created_by', 'bigint', (col) => col.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.dropTable('api_token_families').execute();
}
