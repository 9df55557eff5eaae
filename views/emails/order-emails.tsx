import type { Order } from '../../src/db/schema-orders.js';
import { formatMoney } from '../../src/lib/money.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame } from './account-emails.js';

interface ConfirmationInput {
  storeName: string;
  order: Order;
  items: { product_name: string; quantity: number; unit_price_cents: number }[];
  /** The order page: for a guest, the signed link. */
  orderUrl: string;
}

/** Sent once, when the order is paid: items, totals, where it goes, and the way back to it. */
export function orderConfirmationMessage({ storeName, order, items, orderUrl }: ConfirmationInput): MailMessage {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const lines = items.map((item) => `${item.quantity} × ${item.product_name}: ${money(item.unit_price_cents * item.quantity)}`);
  const address = [order.full_name, order.address_line1, order.address_line2, `${order.postal_code} ${order.city}`, order.state, order.country].filter(Boolean);
  const subject = `Your ${storeName} order ${order.number}`;
  const text = [
    `Thank you for your order ${order.number}.`,
    '',
    ...lines,
    '',
    `Subtotal: ${money(order.subtotal_cents)}`,
    ...(order.discount_cents ? [`Discount: −${money(order.discount_cents)}`] : []),
    `Shipping (${order.shipping_method_name}): ${money(order.shipping_cents)}`,
    `${order.prices_include_tax ? 'Tax included' : 'Tax'}: ${money(order.tax_cents)}`,
    `Total: ${money(order.total_cents)}`,
    '',
    'Ships to:',
    ...address,
    '',
    `Your order: ${orderUrl}`,
    '',
    storeName,
  ].join('\n');
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>{`Thank you for your order ${order.number}.`}</p>
      <table role="presentation" width="100%" style="border-collapse:collapse;font-size:14px">
        {items.map((item) => (
          <tr>
            <td style="padding:4px 0" safe>{`${item.quantity} × ${item.product_name}`}</td>
            <td style="padding:4px 0;text-align:right" safe>
              {money(item.unit_price_cents * item.quantity)}
            </td>
          </tr>
        ))}
        <tr>
          <td style="padding:8px 0 0;font-weight:bold;border-top:1px solid #e2e8f0">Total</td>
          <td style="padding:8px 0 0;font-weight:bold;text-align:right;border-top:1px solid #e2e8f0" safe>
            {money(order.total_cents)}
          </td>
        </tr>
      </table>
      <p style="font-size:14px" safe>
        {`Ships to: ${address.join(', ')}`}
      </p>
      <ActionLink href={orderUrl} label="View your order" />
    </EmailFrame>,
  );
  return { to: order.email, subject, text, html };
}
