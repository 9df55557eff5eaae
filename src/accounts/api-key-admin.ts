import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { ApiKeyScope } from '../db/schema-api.js';
import { createApiKey, revokeApiKey } from './api-keys.js';
import { recordAudit } from './audit.js';

/**
 * Integration keys as staff manage them in the back office: made and revoked with an audit
 * row in the same transaction. The audit row names the key by id, name and display prefix,
 * never the key itself.
 */

export const apiKeyForm = z.object({
  name: z
    .string({ error: 'Name the key after who will use it, such as “Price comparison feed”.' })
    .trim()
    .min(1, 'Name the key after who will use it, such as “Price comparison feed”.')
    .max(100, 'A key’s name can be at most 100 characters.')
    .refine((value) => !/[\p{Cc}\uFFFD]/u.test(value), 'The name contains characters that cannot be accepted.'),
});

export interface KeyActor {
  actorId: number;
  ip: string | null;
}

export interface ApiKeyListItem {
  id: number;
  name: string;
  displayPrefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Live keys first, newest first; then revoked ones. */
export async function listApiKeysForStaff(db: Db): Promise<ApiKeyListItem[]> {
  const rows = await db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.created_by')
    .select(['api_keys.id', 'name', 'display_prefix', 'scopes', 'api_keys.created_at', 'last_used_at', 'revoked_at', 'users.email', 'users.first_name', 'users.last_name'])
    .orderBy('revoked_at', (ob) => ob.desc().nullsFirst())
    .orderBy('api_keys.id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    displayPrefix: row.display_prefix,
    scopes: row.scopes,
    createdAt: row.created_at,
    createdBy: row.email === null ? null : `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim() || row.email,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/** A new read-only catalog key. The key is in the answer once; nothing else ever holds it. */
export async function createApiKeyAsStaff(db: Db, name: string, actor: KeyActor): Promise<{ key: string; id: number; displayPrefix: string }> {
  return db.transaction().execute(async (trx) => {
    const { key, record } = await createApiKey(trx, { name, createdBy: actor.actorId });
    await recordAudit(trx, {
      action: 'api_key.created',
      actorUserId: actor.actorId,
      ip: actor.ip,
      entity: { type: 'api_key', id: record.id },
      after: { name: record.name, display_prefix: record.display_prefix, scopes: record.scopes },
    });
    return { key, id: record.id, displayPrefix: record.display_prefix };
  });
}

/** Stops a key at once. Revoking a revoked key changes nothing and records nothing. */
export async function revokeApiKeyAsStaff(db: Db, id: number, actor: KeyActor): Promise<'revoked' | 'already_revoked' | 'not_found'> {
  return db.transaction().execute(async (trx) => {
    const key = await trx.selectFrom('api_keys').select(['id', 'name', 'display_prefix', 'revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!key) return 'not_found';
    if (key.revoked_at || !(await revokeApiKey(trx, id))) return 'already_revoked';
    await recordAudit(trx, {
      action: 'api_key.revoked',
      actorUserId: actor.actorId,
      ip: actor.ip,
      entity: { type: 'api_key', id },
      before: { revoked: false },
      after: { revoked: true },
      details: { name: key.name, display_prefix: key.display_prefix },
    });
    return 'revoked';
  });
}
