import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { ApiKey, ApiKeyScope } from '../db/schema-api.js';
import { generateToken, hashToken } from './tokens.js';

/**
 * Keys for third-party integrations (a feed, a price comparison site): read-only catalog access,
 * created and revoked by staff. The key is shown once; only its hash and a short prefix are kept.
 */
const KEY_PREFIX = 'hsk_';
const KEY_SHAPE = /^hsk_[a-z2-7]{32}$/;

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX);
}

export async function createApiKey(db: DbOrTx, input: { name: string; createdBy: number; scopes?: ApiKeyScope[] }): Promise<{ key: string; record: ApiKey }> {
  const key = KEY_PREFIX + generateToken();
  const record = await db
    .insertInto('api_keys')
    .values({ name: input.name, display_prefix: key.slice(0, 10), key_hash: hashToken(key), scopes: input.scopes ?? ['catalog:read'], created_by: input.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, record };
}

/** True when the key existed and was live; revoking twice changes nothing. */
export async function revokeApiKey(db: DbOrTx, id: number): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: sql<Date>`now()` }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function listApiKeys(db: DbOrTx): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('revoked_at', (ob) => ob.desc().nullsFirst()).orderBy('id', 'desc').execute();
}

/** The live key a request presents, or undefined. Last use is recorded at most once a minute. */
export async function authenticateApiKey(db: DbOrTx, key: string): Promise<ApiKey | undefined> {
  if (!KEY_SHAPE.test(key)) return undefined;
  const record = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashToken(key)).where('revoked_at', 'is', null).executeTakeFirst();
  if (record && (!record.last_used_at || Date.now() - record.last_used_at.getTime() > 60_000)) {
    await db.updateTable('api_keys').set({ last_used_at: sql<Date>`now()` }).where('id', '=', record.id).execute();
  }
  return record;
}
