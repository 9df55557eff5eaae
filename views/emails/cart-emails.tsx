import type { IdleCart } from '../../src/cart/abandoned-carts.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame, plainText, type Brand } from './frame.js';

/** The one reminder about a member's idle cart: what is in it, the way back, and the way out. */
export function cartReminderMessage(brand: Brand, cart: IdleCart, links: { cartUrl: string; unsubscribeUrl: string }): MailMessage {
  const subject = `You left something in your ${brand.storeName} cart`;
  const items = cart.lines.map((line) => `- ${line.quantity} × ${line.name}`).join('\n');
  const text = plainText(brand, [
    `Hello ${cart.firstName},`,
    `Your cart is waiting for you:\n${items}`,
    `Pick up where you left off:\n${links.cartUrl}`,
    `We send this reminder once per cart. To stop these reminders:\n${links.unsubscribeUrl}`,
  ]);
  const footer = (
    <p style="margin:0 0 8px">
      We send this reminder once per cart.{' '}
      <a href={links.unsubscribeUrl} style="color:#475569">
        Stop these reminders
      </a>
      .
    </p>
  );
  const html = String(
    <EmailFrame brand={brand} footer={footer}>
      <p safe>Hello {cart.firstName},</p>
      <p>Your cart is waiting for you:</p>
      <ul>
        {cart.lines.map((line) => (
          <li safe>{`${line.quantity} × ${line.name}`}</li>
        ))}
      </ul>
      <ActionLink href={links.cartUrl} label="Go to my cart" />
    </EmailFrame>,
  );
  return { to: cart.email, subject, text, html, listUnsubscribe: links.unsubscribeUrl };
}
