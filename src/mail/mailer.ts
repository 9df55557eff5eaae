import nodemailer from 'nodemailer';
import type { DbOrTx } from '../db/database.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends a message now. (The outbox that retries when SMTP is down comes with the mail issue.) */
export interface Mailer {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(message: MailMessage): Promise<void>;
}

/** Header injection is impossible by construction: a recipient or subject with a line break is refused. */
function assertSingleLine(message: MailMessage): void {
  if (/[\r\n]/.test(message.to) || /[\r\n]/.test(message.subject)) throw new Error('mail headers cannot contain line breaks');
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(message) {
      assertSingleLine(message);
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
  };
}

/** Without SMTP, messages are kept in the database and shown at /dev/mail (never in production). */
export function createDevMailbox(db: DbOrTx): Mailer {
  return {
    kind: 'dev-mailbox',
    async send(message) {
      assertSingleLine(message);
      await db
        .insertInto('dev_mail')
        .values({ to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html })
        .execute();
    },
  };
}
