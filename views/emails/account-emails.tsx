import type { Children } from '@kitajs/html';
import type { MailMessage } from '../../src/mail/mailer.js';

/** A simple table layout with inline styles: what common mail clients render reliably. No tracking pixels. */
export function EmailFrame({ storeName, children }: { storeName: string; children: Children }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <body style="margin:0;padding:24px;background:#f8fafc;font-family:Arial,Helvetica,sans-serif;color:#0f172a">
          <table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
            <tr>
              <td>
                <p style="font-size:18px;font-weight:bold;margin:0 0 16px" safe>
                  {storeName}
                </p>
                {children}
              </td>
            </tr>
          </table>
        </body>
      </html>
    </>
  );
}

export function ActionLink({ href, label }: { href: string; label: string }): JSX.Element {
  return (
    <p style="margin:24px 0">
      <a href={href} style="background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:bold" safe>
        {label}
      </a>
    </p>
  );
}

interface LinkMessage {
  storeName: string;
  to: string;
  firstName: string;
  url: string;
}

export function verifyEmailMessage({ storeName, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `Confirm your e-mail address for ${storeName}`;
  const text = `Hello ${firstName},\n\nConfirm your e-mail address by opening this link (it works for 48 hours):\n${url}\n\nIf you did not create an account, ignore this message.\n\n${storeName}`;
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>Hello {firstName},</p>
      <p>Confirm your e-mail address to finish creating your account. The link works for 48 hours.</p>
      <ActionLink href={url} label="Confirm my address" />
      <p style="color:#475569;font-size:13px">If you did not create an account, ignore this message.</p>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

export function resetPasswordMessage({ storeName, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `Reset your ${storeName} password`;
  const text = `Hello ${firstName},\n\nSomeone asked to reset your password. To choose a new one, open this link (it works once, for one hour):\n${url}\n\nIf it was not you, ignore this message: your password has not changed.\n\n${storeName}`;
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>Hello {firstName},</p>
      <p>Someone asked to reset your password. The link works once, for one hour.</p>
      <ActionLink href={url} label="Choose a new password" />
      <p style="color:#475569;font-size:13px">If it was not you, ignore this message: your password has not changed.</p>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

/** Sent instead of a second account: registration looks the same either way, and the owner learns of the attempt. */
export function alreadyRegisteredMessage({ storeName, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `You already have a ${storeName} account`;
  const text = `Hello ${firstName},\n\nSomeone tried to create an account with this address, which already has one. If it was you, sign in or reset your password here:\n${url}\n\nIf it was not you, ignore this message.\n\n${storeName}`;
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>Hello {firstName},</p>
      <p>Someone tried to create an account with this address, which already has one. If it was you, reset your password or sign in.</p>
      <ActionLink href={url} label="Reset my password" />
      <p style="color:#475569;font-size:13px">If it was not you, ignore this message.</p>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

export function emailChangedMessage({ storeName, to, firstName, newEmail }: Omit<LinkMessage, 'url'> & { newEmail: string }): MailMessage {
  const subject = `Your ${storeName} e-mail address was changed`;
  const text = `Hello ${firstName},\n\nThe e-mail address of your account was changed to ${newEmail}. If you did not do this, contact us at once.\n\n${storeName}`;
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>Hello {firstName},</p>
      <p safe>The e-mail address of your account was changed to {newEmail}.</p>
      <p>If you did not do this, contact us at once.</p>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}
