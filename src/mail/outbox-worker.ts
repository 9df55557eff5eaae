import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import type { OutboxMessage } from '../db/schema-mail.js';
import { SmsError, type SmsSender } from '../sms/sms.js';
import { MailError, type Mailer } from './mailer.js';

export interface OutboxWorkerOptions {
  db: Db;
  mailer: Mailer;
  /** Text messages; without a provider an SMS fails at once ('no SMS provider'). */
  sms?: SmsSender | undefined;
  log: Logger;
  /** The domain in Message-IDs (APP_URL's host name). */
  host: string;
  batchSize?: number;
  /** After this many attempts a message that still fails is marked failed, for staff to look at. */
  maxAttempts?: number;
  leaseSeconds?: number;
}

export interface OutboxRun {
  sent: number;
  retrying: number;
  failed: number;
}

/** Kinds whose body holds a live sign-in credential (a reset or verification link): emptied once sent. */
const HOLDS_CREDENTIAL = new Set(['account.verify_email', 'account.password_reset', 'account.already_registered']);

/**
 * When to try again after `attempts` failed tries: 30 s doubling each time, at most an hour,
 * give or take a fifth so that messages failed together do not all come back at once.
 */
export function retryDelaySeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(3_600, 30 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * The only sender of mail and texts. Each run claims due messages with one UPDATE … FOR UPDATE
 * SKIP LOCKED (so several processes never take the same row) and a lease: a process that dies
 * mid-send gives its rows back when the lease runs out. `attempts` is the claim's fencing
 * token: a worker whose lease was taken over neither sends nor records anything more.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { db, log } = options;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 8;
  const lease = options.leaseSeconds ?? 60;

  async function claim(): Promise<OutboxMessage[]> {
    const claimed = await sql<OutboxMessage>`
      UPDATE outbox_messages
      SET status = 'sending', locked_until = now() + ${lease} * interval '1 second', attempts = attempts + 1, last_attempt_at = now()
      WHERE id IN (
        SELECT id FROM outbox_messages
        WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND locked_until < now())
        ORDER BY id
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING *`.execute(db);
    return claimed.rows.sort((a, b) => a.id - b.id);
  }

  /** Renews this claim's lease just before sending; false when another worker has taken the row over. */
  async function stillOurs(message: OutboxMessage): Promise<boolean> {
    const renewed = await db
      .updateTable('outbox_messages')
      .set({ locked_until: sql<Date>`now() + ${lease} * interval '1 second'` })
      .where('id', '=', message.id)
      .where('status', '=', 'sending')
      .where('attempts', '=', message.attempts)
      .executeTakeFirst();
    return renewed.numUpdatedRows > 0n;
  }

  async function deliver(message: OutboxMessage): Promise<string | undefined> {
    if (message.channel === 'sms') {
      if (!options.sms) throw new SmsError('no SMS provider', true);
      return (await options.sms.send({ to: message.recipient, body: message.text_body })).providerId;
    }
    const result = await options.mailer.send({
      to: message.recipient,
      subject: message.subject,
      text: message.text_body,
      html: message.html_body,
      messageId: `<outbox-${message.id}@${options.host}>`,
      ...(message.list_unsubscribe ? { listUnsubscribe: message.list_unsubscribe } : {}),
    });
    return result.providerMessageId;
  }

  async function markSent(message: OutboxMessage, providerMessageId: string | undefined): Promise<void> {
    const credentialGone = HOLDS_CREDENTIAL.has(message.kind) ? { text_body: '(removed once sent: it held a sign-in link)', html_body: '' } : {};
    await db
      .updateTable('outbox_messages')
      .set({ status: 'sent', sent_at: sql<Date>`now()`, locked_until: null, last_error: null, provider_message_id: providerMessageId ?? null, ...credentialGone })
      .where('id', '=', message.id)
      .where('attempts', '=', message.attempts)
      .execute();
  }

  /** A passing failure goes back to pending with backoff; a permanent one, or the last attempt, is failed. */
  async function markFailed(message: OutboxMessage, error: unknown): Promise<'retrying' | 'failed'> {
    const permanent = (error instanceof MailError || error instanceof SmsError) && error.permanent;
    const giveUp = permanent || message.attempts >= maxAttempts;
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    await db
      .updateTable('outbox_messages')
      .set(
        giveUp
          ? { status: 'failed', locked_until: null, last_error: lastError }
          : { status: 'pending', locked_until: null, last_error: lastError, next_attempt_at: sql<Date>`now() + ${retryDelaySeconds(message.attempts)} * interval '1 second'` },
      )
      .where('id', '=', message.id)
      .where('attempts', '=', message.attempts)
      .execute();
    // Never the body: a reset link is a credential. The id, kind and error say enough.
    log.warn({ outbox: message.id, kind: message.kind, attempts: message.attempts, error: lastError, permanent: giveUp }, giveUp ? 'message failed' : 'message will be retried');
    return giveUp ? 'failed' : 'retrying';
  }

  async function runOnce(): Promise<OutboxRun> {
    const run: OutboxRun = { sent: 0, retrying: 0, failed: 0 };
    for (const message of await claim()) {
      if (!(await stillOurs(message))) continue;
      let providerMessageId: string | undefined;
      try {
        providerMessageId = await deliver(message);
      } catch (error) {
        run[await markFailed(message, error)]++;
        continue;
      }
      await markSent(message, providerMessageId);
      log.info({ outbox: message.id, kind: message.kind, attempts: message.attempts }, 'message sent');
      run.sent++;
    }
    return run;
  }

  return { runOnce };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
