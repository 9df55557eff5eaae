import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame, plainText, SmallPrint, type Brand } from './frame.js';

interface Recipient {
  brand: Brand;
  to: string;
  firstName: string;
}

interface LinkMessage extends Recipient {
  /** The absolute link, its single-use token included. */
  url: string;
}

export function verifyEmailMessage({ brand, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `Confirm your e-mail address for ${brand.storeName}`;
  const text = plainText(brand, [
    `Hello ${firstName},`,
    `Confirm your e-mail address by opening this link (it works for 48 hours):\n${url}`,
    'If you did not create an account, ignore this message.',
  ]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>Hello {firstName},</p>
      <p>Confirm your e-mail address to finish creating your account. The link works for 48 hours.</p>
      <ActionLink href={url} label="Confirm my address" />
      <SmallPrint>If you did not create an account, ignore this message.</SmallPrint>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

/** Sent once the address is confirmed: what the account is for, and the way to it. */
export function welcomeMessage({ brand, to, firstName }: Recipient): MailMessage {
  const subject = `Welcome to ${brand.storeName}`;
  const accountUrl = `${brand.appUrl}/account`;
  const text = plainText(brand, [
    `Hello ${firstName},`,
    `Your e-mail address is confirmed and your ${brand.storeName} account is ready. Your orders, addresses and settings are here:\n${accountUrl}`,
    `Shop at ${brand.appUrl}/products`,
  ]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>Hello {firstName},</p>
      <p safe>{`Your e-mail address is confirmed and your ${brand.storeName} account is ready. Your orders, addresses and settings are in your account.`}</p>
      <ActionLink href={accountUrl} label="Go to my account" />
      <SmallPrint>
        <a href={`${brand.appUrl}/products`} style="color:#4338ca">
          Browse the shop
        </a>
      </SmallPrint>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

export function resetPasswordMessage({ brand, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `Reset your ${brand.storeName} password`;
  const text = plainText(brand, [
    `Hello ${firstName},`,
    `Someone asked to reset your password. To choose a new one, open this link (it works once, for one hour):\n${url}`,
    'If it was not you, ignore this message: your password has not changed.',
  ]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>Hello {firstName},</p>
      <p>Someone asked to reset your password. The link works once, for one hour.</p>
      <ActionLink href={url} label="Choose a new password" />
      <SmallPrint>If it was not you, ignore this message: your password has not changed.</SmallPrint>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

/** Sent instead of a second account: registration looks the same either way, and the owner learns of the attempt. */
export function alreadyRegisteredMessage({ brand, to, firstName, url }: LinkMessage): MailMessage {
  const subject = `You already have a ${brand.storeName} account`;
  const text = plainText(brand, [
    `Hello ${firstName},`,
    `Someone tried to create an account with this address, which already has one. If it was you, sign in or reset your password here:\n${url}`,
    'If it was not you, ignore this message.',
  ]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>Hello {firstName},</p>
      <p>Someone tried to create an account with this address, which already has one. If it was you, reset your password or sign in.</p>
      <ActionLink href={url} label="Reset my password" />
      <SmallPrint>If it was not you, ignore this message.</SmallPrint>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

/** Sent to the OLD address, so the owner hears of a change they did not make. */
export function emailChangedMessage({ brand, to, firstName, newEmail }: Recipient & { newEmail: string }): MailMessage {
  const subject = `Your ${brand.storeName} e-mail address was changed`;
  const text = plainText(brand, [`Hello ${firstName},`, `The e-mail address of your account was changed to ${newEmail}.`, 'If you did not do this, contact us at once.']);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>Hello {firstName},</p>
      <p safe>{`The e-mail address of your account was changed to ${newEmail}.`}</p>
      <p>
        <strong>If you did not do this, contact us at once.</strong>
      </p>
    </EmailFrame>,
  );
  return { to, subject, text, html };
}
