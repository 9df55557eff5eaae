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

interface ShippedInput {
  storeName: string;
  order: Pick<Order, 'number' | 'email' | 'carrier' | 'tracking_number'>;
  orderUrl: string;
}

/** Sent when staff ship the order: who carries it and the tracking number to follow it by. */
export function orderShippedMessage({ storeName, order, orderUrl }: ShippedInput): MailMessage {
  const subject = `Your order has shipped: ${order.number}`;
  const carrier = order.carrier ?? '';
  const tracking = order.tracking_number ?? '';
  const text = [`Your order ${order.number} has shipped.`, '', `Carrier: ${carrier}`, `Tracking number: ${tracking}`, '', `Your order: ${orderUrl}`, '', storeName].join('\n');
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>{`Your order ${order.number} has shipped.`}</p>
      <p style="font-size:14px" safe>
        {`Carrier: ${carrier}`}
      </p>
      <p style="font-size:14px" safe>
        {`Tracking number: ${tracking}`}
      </p>
      <ActionLink href={orderUrl} label="View your order" />
    </EmailFrame>,
  );
  return { to: order.email, subject, text, html };
}

interface RefundInput {
  storeName: string;
  order: Pick<Order, 'number' | 'email' | 'currency' | 'status' | 'refunded_cents' | 'total_cents'>;
  amountCents: number;
  orderUrl: string;
}

/** Sent when staff refund part or all of an order (a cancellation of a paid order included). */
export function orderRefundMessage({ storeName, order, amountCents, orderUrl }: RefundInput): MailMessage {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const headline = order.status === 'cancelled' ? `Your order ${order.number} is cancelled and refunded.` : `We have refunded ${money(amountCents)} of your order ${order.number}.`;
  const subject = `Refund for your ${storeName} order ${order.number}`;
  const detail = `Refunded: ${money(amountCents)} (in all: ${money(order.refunded_cents)} of ${money(order.total_cents)}). It goes back to the card you paid with and may take a few days to show.`;
  const text = [headline, '', detail, '', `Your order: ${orderUrl}`, '', storeName].join('\n');
  const html = String(
    <EmailFrame storeName={storeName}>
      <p safe>{headline}</p>
      <p style="font-size:14px" safe>
        {detail}
      </p>
      <ActionLink href={orderUrl} label="View your order" />
    </EmailFrame>,
  );
  return { to: order.email, subject, text, html };
}
