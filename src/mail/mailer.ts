import nodemailer from 'nodemailer';
import type { DbOrTx } from '../db/database.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID (`<outbox-42@host>`): a message sent again after a lost answer is recognisable as the same. */
  messageId?: string;
  /** Marketing mail only: the unsubscribe URL, sent as List-Unsubscribe with one-click POST (RFC 8058). */
  listUnsubscribe?: string;
}

/** Sends one message now. Only the outbox worker calls it: everything else queues (src/mail/outbox.ts). */
export interface Mailer {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(message: MailMessage): Promise<{ providerMessageId?: string }>;
}

/**
 * Sending failed. `permanent` means sending the same message again cannot help (the server
 * refused the recipient or the message with a 5xx); anything else (the server down, a 4xx,
 * a timeout, a refused login) is worth another attempt later.
 */
export class MailError extends Error {
  override name = 'MailError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Header injection is impossible by construction: a recipient or subject with a line break is refused. */
function assertSingleLine(message: MailMessage): void {
  const headers = [message.to, message.subject, message.messageId ?? '', message.listUnsubscribe ?? ''];
  if (headers.some((value) => /[\r\n]/.test(value))) throw new MailError('mail headers cannot contain line breaks', true);
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/** Nodemailer's error as a MailError: a 5xx answer to the recipient or to the message itself is final. */
export function smtpFailure(error: unknown): MailError {
  const failure = (error ?? {}) as SmtpFailure;
  const refusedForGood =
    typeof failure.responseCode === 'number' &&
    failure.responseCode >= 500 &&
    failure.responseCode < 600 &&
    (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE') &&
    (failure.command === 'RCPT TO' || failure.command === 'DATA');
  return new MailError(String(failure.message ?? error).slice(0, 500), refusedForGood);
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  // Short timeouts: the worker holds its lease on a message while it waits, and the defaults are minutes.
  const transport = nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    kind: 'smtp',
    async send(message) {
      assertSingleLine(message);
      const headers: Record<string, string> = message.listUnsubscribe
        ? { 'List-Unsubscribe': `<${message.listUnsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {};
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers,
          ...(message.messageId ? { messageId: message.messageId } : {}),
        });
        // The server's answer ("250 2.0.0 Ok: queued as 4Bx…") names its queue id, which its logs know it by.
        return { providerMessageId: String(info.response ?? info.messageId).slice(0, 200) };
      } catch (error) {
        throw smtpFailure(error);
      }
    },
  };
}

/** Without SMTP, messages are kept in the database and shown at /dev/mail (never in production). */
export function createDevMailbox(db: DbOrTx): Mailer {
  return {
    kind: 'dev-mailbox',
    async send(message) {
      assertSingleLine(message);
      const row = await db
        .insertInto('dev_mail')
        .values({ to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { providerMessageId: `dev-mail-${row.id}` };
    },
  };
}
