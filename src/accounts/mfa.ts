import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { User } from '../db/schema-accounts.js';
import { recordAudit } from './audit.js';
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js';
import { verifyTotpCode } from './totp.js';

/**
 * TOTP keys are kept encrypted (AES-256-GCM, key derived from APP_SECRET with HKDF), so a
 * copy of the database alone cannot mint codes.
 */
function keyFromSecret(appSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', appSecret, 'hyperstore', 'totp-key-encryption', 32));
}

export function encryptTotpKey(key: Uint8Array, appSecret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFromSecret(appSecret), iv);
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  return ['v1', iv.toString('base64url'), sealed.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptTotpKey(stored: string, appSecret: string): Uint8Array {
  const [version, iv, sealed, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !sealed || !tag) throw new Error('unknown TOTP key format');
  const decipher = createDecipheriv('aes-256-gcm', keyFromSecret(appSecret), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]));
}

export const hasMfa = (user: Pick<User, 'totp_key_encrypted'>) => user.totp_key_encrypted !== null;

/**
 * Turns MFA on once the user has shown a working code for the new key. Returns the recovery
 * codes to show once (only their hashes are kept), or undefined when the code was wrong.
 */
export async function enableMfa(db: DbOrTx, user: User, key: Uint8Array, code: string, appSecret: string): Promise<string[] | undefined> {
  const step = verifyTotpCode(key, code);
  if (step === undefined) return undefined;
  const codes = generateRecoveryCodes();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_key_encrypted: encryptTotpKey(key, appSecret), totp_last_step: step, updated_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('user_recovery_codes')
      .values(codes.map((recovery) => ({ user_id: user.id, code_hash: hashRecoveryCode(recovery) })))
      .execute();
    await recordAudit(trx, { action: 'mfa.enabled', actorUserId: user.id });
  });
  return codes;
}

export async function disableMfa(db: DbOrTx, user: User): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ totp_key_encrypted: null, totp_last_step: null, updated_at: new Date() }).where('id', '=', user.id).execute();
    await trx.deleteFrom('user_recovery_codes').where('user_id', '=', user.id).execute();
    await recordAudit(trx, { action: 'mfa.disabled', actorUserId: user.id });
  });
}

/**
 * Checks a sign-in's second factor: a TOTP code, or an unused recovery code. Each works once,
 * even under two simultaneous submissions: the step (or the code) is claimed by one
 * conditional UPDATE, and only the request whose UPDATE changed a row succeeds.
 */
export async function verifySecondFactor(db: DbOrTx, user: User, input: string, appSecret: string): Promise<'totp' | 'recovery' | undefined> {
  if (!user.totp_key_encrypted) return undefined;
  const code = input.replace(/\s+/g, '');
  if (/^\d{6}$/.test(code)) {
    const key = decryptTotpKey(user.totp_key_encrypted, appSecret);
    const step = verifyTotpCode(key, code, user.totp_last_step === null ? {} : { lastUsedStep: user.totp_last_step });
    if (step === undefined) return undefined;
    const claimed = await db
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', user.id)
      .where(sql`coalesce(totp_last_step, -1)`, '<', step)
      .executeTakeFirst();
    return claimed.numUpdatedRows > 0n ? 'totp' : undefined;
  }
  const normalised = normaliseRecoveryCode(code);
  if (normalised.length < 10) return undefined;
  const used = await db
    .updateTable('user_recovery_codes')
    .set({ used_at: new Date() })
    .where('user_id', '=', user.id)
    .where('code_hash', '=', hashRecoveryCode(normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (used.numUpdatedRows === 0n) return undefined;
  await recordAudit(db, { action: 'mfa.recovery_code_used', actorUserId: user.id });
  return 'recovery';
}

export async function unusedRecoveryCodeCount(db: DbOrTx, userId: number): Promise<number> {
  const row = await db
    .selectFrom('user_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
