import type { Db } from '../db/database.js';
import type { User } from '../db/schema-accounts.js';
import type { Notices } from '../mail/notices.js';
import { recordAudit } from './audit.js';
import { consumeEmailToken, createUser, EmailTakenError, findUserByEmail, issueEmailToken, type NewAccount } from './users.js';

/**
 * The account commands that send mail. Each issues its token (or changes the address) and
 * queues the message in one transaction: a token is never issued without its message, and a
 * message never goes out for a change that rolled back.
 */

/** Creates the account, its audit row and the verification link's message. EmailTakenError when the address has an account. */
export async function registerAccount(db: Db, notices: Notices, account: NewAccount, ip: string | null): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const user = await createUser(trx, account);
    await recordAudit(trx, { action: 'account.registered', actorUserId: user.id, ip });
    const token = await issueEmailToken(trx, user, 'verify_email');
    await notices.queue(trx, { kind: 'account.verify_email', user, token });
    return user;
  });
}

/** Someone tried to register an address that has an account: its owner is told, with a reset link. */
export async function remindExistingAccount(db: Db, notices: Notices, email: string): Promise<void> {
  const existing = await findUserByEmail(db, email);
  if (!existing?.active) return;
  await db.transaction().execute(async (trx) => {
    const token = await issueEmailToken(trx, existing, 'reset_password');
    await notices.queue(trx, { kind: 'account.already_registered', user: existing, token });
  });
}

/** A reset link for an active account with that address; nothing at all for any other address. */
export async function requestPasswordReset(db: Db, notices: Notices, email: string, ip: string | null): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (!user?.active) return;
  await db.transaction().execute(async (trx) => {
    const token = await issueEmailToken(trx, user, 'reset_password');
    await recordAudit(trx, { action: 'password.reset_requested', subjectUserId: user.id, ip });
    await notices.queue(trx, { kind: 'account.password_reset', user, token });
  });
}

/**
 * Uses a verification link: the address is confirmed, and the first confirmation of an account
 * queues its welcome (its dedupe key is the user, so a later change of address does not welcome
 * them again). Undefined when the link does not work.
 */
export async function confirmEmail(db: Db, notices: Notices, token: string, ip: string | null): Promise<User | undefined> {
  return db.transaction().execute(async (trx) => {
    const user = await consumeEmailToken(trx, token, 'verify_email');
    if (!user) return undefined;
    await trx.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', user.id).execute();
    await recordAudit(trx, { action: 'email.verified', actorUserId: user.id, ip });
    await notices.queue(trx, { kind: 'account.welcome', user });
    return user;
  });
}

/**
 * Changes the account's address (unverified until its link is used): the OLD address is told,
 * so an owner whose account was taken over hears of it, and the new one gets its link.
 * EmailTakenError when another account has the address.
 */
export async function changeEmail(db: Db, notices: Notices, user: User, newEmail: string, ip: string | null): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const taken = await findUserByEmail(trx, newEmail);
    if (taken && taken.id !== user.id) throw new EmailTakenError();
    const updated = await trx
      .updateTable('users')
      .set({ email: newEmail, email_verified_at: null, updated_at: new Date() })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') throw new EmailTakenError();
        throw error;
      });
    await recordAudit(trx, { action: 'email.changed', actorUserId: user.id, ip });
    await notices.queue(trx, { kind: 'account.email_changed', user: updated, oldEmail: user.email });
    const token = await issueEmailToken(trx, updated, 'verify_email');
    await notices.queue(trx, { kind: 'account.verify_email', user: updated, token });
    return updated;
  });
}
