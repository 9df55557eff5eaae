import type { IdleCart } from '../../src/cart/abandoned-carts.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame } from './account-emails.js';

/** The one reminder about a member's idle cart: what is in it, the way back, and the way out. */
export function cartReminderMessage(storeName: string, cart: IdleCart, links: { cartUrl: string; unsubscribeUrl: string }): MailMessage {
  const subject = `You left something in your ${storeName} cart`;
  const items = cart.lines.map((line) => `- ${line.quantity} × ${line.name}`).join('\n');
  const text = `Hello ${cart.firstName},\n\nYour cart is waiting for you:\n${items}\n\nPick up where you left off:\n${links.cartUrl}\n\nWe send this reminder once per cart. To stop these reminders:\n${links.unsubscribeUrl}\n\n${storeName}`;
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>Hello {cart.firstName},</p>
      <p>Your cart is waiting for you:</p>
      <ul>
        {cart.lines.map((line) => (
          <li safe>{`${line.quantity} × ${line.name}`}</li>
        ))}
      </ul>
      <ActionLink href={links.cartUrl} label="Go to my cart" />
      <p style="color:#475569;font-size:13px">
        We send this reminder once per cart.{' '}
        <a href={links.unsubscribeUrl} style="color:#475569">
          Stop these reminders
        </a>
        .
      </p>
    </EmailFrame>,
  );
  return { to: cart.email, subject, text, html };
}
