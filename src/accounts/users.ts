import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { Role, User, EmailTokenPurpose } from '../db/schema-accounts.js';
import { checkPasswordPolicy, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { generateToken, hashToken } from './tokens.js';

export class EmailTakenError extends Error {
  constructor() {
    super('That e-mail address already has an account.');
    this.name = 'EmailTakenError';
  }
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUserById(db: DbOrTx, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewAccount {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  role?: Role;
  verified?: boolean;
}

/** Creates the user; EmailTakenError when the address (in any letter case) has one already. */
export async function createUser(db: DbOrTx, account: NewAccount): Promise<User> {
  const passwordHash = await hashPassword(account.password);
  try {
    return await db
      .insertInto('users')
      .values({
        email: account.email.trim(),
        password_hash: passwordHash,
        first_name: account.firstName,
        last_name: account.lastName,
        role: account.role ?? 'customer',
        email_verified_at: account.verified ? new Date() : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new EmailTakenError();
    throw error;
  }
}

/**
 * The active user these credentials belong to, or undefined. Unknown addresses cost the same
 * argon2 verification as known ones, so timing does not tell which addresses have accounts.
 */
export async function authenticate(db: DbOrTx, email: string, password: string): Promise<User | undefined> {
  const user = await findUserByEmail(db, email);
  if (!user) {
    await verifyAgainstDummy(password);
    return undefined;
  }
  const valid = await verifyPassword(user.password_hash, password);
  return valid && user.active ? user : undefined;
}

export async function setPassword(db: DbOrTx, userId: number, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
}

export interface ProfileChanges {
  firstName?: string | undefined;
  lastName?: string | undefined;
  cartReminders?: boolean | undefined;
}

/** Changes the user's own profile fields; only those given. Returns the user as saved. */
export async function updateProfile(db: DbOrTx, userId: number, changes: ProfileChanges): Promise<User> {
  const set = {
    ...(changes.firstName === undefined ? {} : { first_name: changes.firstName }),
    ...(changes.lastName === undefined ? {} : { last_name: changes.lastName }),
    ...(changes.cartReminders === undefined ? {} : { cart_reminders: changes.cartReminders }),
  };
  return db
    .updateTable('users')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

const TOKEN_LIFETIME_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 48 * 3_600_000,
  reset_password: 3_600_000,
};

/** A single-use link token for the user's current address; only its hash is stored. */
export async function issueEmailToken(db: DbOrTx, user: Pick<User, 'id' | 'email'>, purpose: EmailTokenPurpose): Promise<string> {
  const token = generateToken();
  await db
    .insertInto('email_tokens')
    .values({
      user_id: user.id,
      purpose,
      token_hash: hashToken(token),
      email: user.email,
      expires_at: new Date(Date.now() + TOKEN_LIFETIME_MS[purpose]),
    })
    .execute();
  return token;
}

/**
 * Uses a token up, atomically: of two simultaneous clicks one wins. Undefined when the token is
 * unknown, used, expired, or was issued for an address the account no longer has.
 */
export async function consumeEmailToken(db: DbOrTx, token: string, purpose: EmailTokenPurpose): Promise<User | undefined> {
  if (!/^[a-z2-7]{16,128}$/.test(token)) return undefined;
  const used = await db
    .updateTable('email_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['user_id', 'email'])
    .executeTakeFirst();
  if (!used) return undefined;
  const user = await findUserById(db, used.user_id);
  return user && user.active && user.email.toLowerCase() === used.email.toLowerCase() ? user : undefined;
}

/** The user a token would currently work for, without using it up (to choose the page, or check a password first). */
export async function findLiveEmailToken(db: DbOrTx, token: string, purpose: EmailTokenPurpose): Promise<User | undefined> {
  if (!/^[a-z2-7]{16,128}$/.test(token)) return undefined;
  const row = await db
    .selectFrom('email_tokens')
    .innerJoin('users', 'users.id', 'email_tokens.user_id')
    .selectAll('users')
    .where('email_tokens.token_hash', '=', hashToken(token))
    .where('email_tokens.purpose', '=', purpose)
    .where('email_tokens.used_at', 'is', null)
    .where('email_tokens.expires_at', '>', new Date())
    .where('users.active', '=', true)
    .executeTakeFirst();
  return row;
}

export class WeakPasswordError extends Error {
  override name = 'WeakPasswordError';
}

/**
 * The first admin, from ADMIN_EMAIL/ADMIN_PASSWORD or `npm run admin:create`; nothing when the
 * address has an account. The password meets the same policy as everyone's.
 */
export async function ensureAdmin(db: DbOrTx, email: string, password: string): Promise<'created' | 'exists'> {
  if (await findUserByEmail(db, email)) return 'exists';
  const weak = checkPasswordPolicy(password, { email });
  if (weak) throw new WeakPasswordError(weak);
  try {
    await createUser(db, { email, password, firstName: 'Store', lastName: 'Admin', role: 'admin', verified: true });
    return 'created';
  } catch (error) {
    if (error instanceof EmailTakenError) return 'exists';
    throw error;
  }
}
