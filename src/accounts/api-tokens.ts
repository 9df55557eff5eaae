import { sql } from 'kysely';
import type { DbOrTx, Db } from '../db/database.js';
import type { Role, User } from '../db/schema-accounts.js';
import { generateToken, hashToken } from './tokens.js';

/**
 * Bearer tokens for the JSON API. An access token is short-lived and checked on every request;
 * a refresh token buys a new pair once. Both are random, shown once, and stored as SHA-256
 * (as session tokens are). The prefixes let secret scanners and support staff recognise them.
 */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** A family lives no longer than a browser session would for the same role. */
export const REFRESH_TOKEN_SECONDS: Record<Role, number> = { customer: 30 * 86_400, admin: 12 * 3_600 };

const ACCESS_PREFIX = 'hsa_';
const REFRESH_PREFIX = 'hsr_';
const TOKEN_SHAPE = /^hs[ar]_[a-z2-7]{32}$/;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshExpiresIn: number;
}

export interface TokenMeta {
  userAgent: string;
  ip: string;
}

export type RefreshOutcome =
  | { ok: true; tokens: TokenPair; user: User }
  /** Unknown, expired, or its family was revoked. */
  | { ok: false; reason: 'invalid' }
  /** Already used once: someone holds a copy, so the family is now revoked. */
  | { ok: false; reason: 'reused' };

/** Starts a token family for a user who has just proved who they are (password, and MFA when set). */
export async function issueTokens(db: Db, user: Pick<User, 'id' | 'role'>, meta: TokenMeta): Promise<TokenPair> {
  return db.transaction().execute(async (trx) => {
    const family = await trx
      .insertInto('api_token_families')
      .values({ user_id: user.id, user_agent: meta.userAgent.slice(0, 200), ip: meta.ip.slice(0, 64) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return addPair(trx, family.id, user.role);
  });
}

/**
 * Spends a refresh token for a new pair in the same family. "Spend" is one conditional UPDATE,
 * so of two clients racing with the same token exactly one wins; the loser is treated as reuse.
 */
export async function rotateRefreshToken(db: Db, refreshToken: string): Promise<RefreshOutcome> {
  if (!TOKEN_SHAPE.test(refreshToken) || !refreshToken.startsWith(REFRESH_PREFIX)) return { ok: false, reason: 'invalid' };
  const hash = hashToken(refreshToken);
  const outcome = await db.transaction().execute(async (trx): Promise<RefreshOutcome | { ok: false; reason: 'reused'; familyId: number }> => {
    const spent = await trx
      .updateTable('api_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', hash)
      .where('kind', '=', 'refresh')
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('family_id')
      .executeTakeFirst();
    if (!spent) {
      const earlier = await trx.selectFrom('api_tokens').select(['family_id', 'used_at']).where('token_hash', '=', hash).where('kind', '=', 'refresh').executeTakeFirst();
      if (earlier?.used_at) return { ok: false, reason: 'reused', familyId: earlier.family_id };
      return { ok: false, reason: 'invalid' };
    }
    const owner = await liveFamilyOwner(trx, spent.family_id);
    if (!owner) return { ok: false, reason: 'invalid' };
    await trx.updateTable('api_token_families').set({ last_used_at: sql<Date>`now()` }).where('id', '=', spent.family_id).execute();
    return { ok: true, tokens: await addPair(trx, spent.family_id, owner.role), user: owner };
  });
  // Revoked outside the transaction above, which only read: the revocation must stick even
  // though this request is refused.
  if ('familyId' in outcome) {
    await revokeFamily(db, outcome.familyId, 'refresh token reused');
    return { ok: false, reason: 'reused' };
  }
  return outcome;
}

/** The user an access token speaks for, and its family; undefined when unknown, expired or revoked. */
export async function authenticateAccessToken(db: DbOrTx, accessToken: string): Promise<{ user: User; familyId: number } | undefined> {
  if (!TOKEN_SHAPE.test(accessToken) || !accessToken.startsWith(ACCESS_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('api_token_families as f', 'f.id', 't.family_id')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .selectAll('u')
    .select('t.family_id')
    .where('t.token_hash', '=', hashToken(accessToken))
    .where('t.kind', '=', 'access')
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('f.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
  if (!row) return undefined;
  const { family_id: familyId, ...user } = row;
  return { user, familyId };
}

/** Ends one family (sign-out, reuse detected): its access and refresh tokens stop working at once. */
export async function revokeFamily(db: DbOrTx, familyId: number, reason: string): Promise<void> {
  await db.updateTable('api_token_families').set({ revoked_at: sql<Date>`now()`, revoked_reason: reason }).where('id', '=', familyId).where('revoked_at', 'is', null).execute();
}

/** Ends every family of a user: after a password change or reset, or when staff deactivate them. */
export async function revokeAllTokensForUser(db: DbOrTx, userId: number, reason: string): Promise<void> {
  await db.updateTable('api_token_families').set({ revoked_at: sql<Date>`now()`, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

async function liveFamilyOwner(db: DbOrTx, familyId: number): Promise<User | undefined> {
  return db
    .selectFrom('api_token_families as f')
    .innerJoin('users as u', 'u.id', 'f.user_id')
    .selectAll('u')
    .where('f.id', '=', familyId)
    .where('f.revoked_at', 'is', null)
    .where('u.active', '=', true)
    .executeTakeFirst();
}

async function addPair(db: DbOrTx, familyId: number, role: Role): Promise<TokenPair> {
  const accessToken = ACCESS_PREFIX + generateToken();
  const refreshToken = REFRESH_PREFIX + generateToken();
  const refreshSeconds = REFRESH_TOKEN_SECONDS[role];
  await db
    .insertInto('api_tokens')
    .values([
      { family_id: familyId, kind: 'access', token_hash: hashToken(accessToken), expires_at: sql<Date>`now() + make_interval(secs => ${ACCESS_TOKEN_SECONDS})` as never },
      { family_id: familyId, kind: 'refresh', token_hash: hashToken(refreshToken), expires_at: sql<Date>`now() + make_interval(secs => ${refreshSeconds})` as never },
    ])
    .execute();
  return { accessToken, refreshToken, expiresIn: ACCESS_TOKEN_SECONDS, refreshExpiresIn: refreshSeconds };
}
