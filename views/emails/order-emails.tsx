import type { Order } from '../../src/db/schema-orders.js';
import { formatMoney } from '../../src/lib/money.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame, plainText, SmallPrint, type Brand } from './frame.js';

export interface ConfirmationItem {
  product_name: string;
  quantity: number;
  unit_price_cents: number;
}

interface ConfirmationInput {
  brand: Brand;
  order: Order;
  items: ConfirmationItem[];
  /** The order page: for a guest, the signed link. */
  orderUrl: string;
}

/** The totals as label and amount, in the order the order page shows them. */
function totalsOf(order: Order): [string, string][] {
  const money = (cents: number) => formatMoney(cents, order.currency);
  return [
    ['Subtotal', money(order.subtotal_cents)],
    ...(order.discount_cents ? ([[`Discount${order.coupon_code ? ` (${order.coupon_code})` : ''}`, `−${money(order.discount_cents)}`]] as [string, string][]) : []),
    [`Shipping (${order.shipping_method_name})`, money(order.shipping_cents)],
    [order.prices_include_tax ? 'Tax included' : 'Tax', money(order.tax_cents)],
    ['Total', money(order.total_cents)],
  ];
}

function addressOf(order: Order): string[] {
  return [order.full_name, order.address_line1, order.address_line2, `${order.postal_code} ${order.city}`, order.state, order.country].filter(Boolean);
}

const cell = 'padding:4px 0;vertical-align:top';
const sumCell = 'padding:4px 0;text-align:right;vertical-align:top;white-space:nowrap';

/** Sent once, when the order is paid: items, totals, where it goes, and the way back to it. */
export function orderConfirmationMessage({ brand, order, items, orderUrl }: ConfirmationInput): MailMessage {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const totals = totalsOf(order);
  const address = addressOf(order);
  const subject = `Your ${brand.storeName} order ${order.number}`;
  const text = plainText(brand, [
    `Thank you for your order ${order.number}. We have your payment and will let you know when it ships.`,
    items.map((item) => `${item.quantity} × ${item.product_name}: ${money(item.unit_price_cents * item.quantity)}`).join('\n'),
    totals.map(([label, amount]) => `${label}: ${amount}`).join('\n'),
    `Ships to:\n${address.join('\n')}`,
    `Your order: ${orderUrl}`,
  ]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>{`Thank you for your order ${order.number}. We have your payment and will let you know when it ships.`}</p>
      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px">
        {items.map((item) => (
          <tr>
            <td style={cell} safe>{`${item.quantity} × ${item.product_name}`}</td>
            <td style={sumCell} safe>
              {money(item.unit_price_cents * item.quantity)}
            </td>
          </tr>
        ))}
        {totals.map(([label, amount], index) => {
          const last = index === totals.length - 1;
          const style = last ? ';font-weight:bold;border-top:1px solid #e2e8f0;padding-top:8px' : index === 0 ? ';border-top:1px solid #e2e8f0;padding-top:8px' : '';
          return (
            <tr>
              <td style={cell + style} safe>
                {label}
              </td>
              <td style={sumCell + style} safe>
                {amount}
              </td>
            </tr>
          );
        })}
      </table>
      <p style="font-size:14px;margin-top:16px">
        <strong>Ships to</strong>
        {address.map((line) => (
          <>
            <br />
            <span safe>{line}</span>
          </>
        ))}
      </p>
      <ActionLink href={orderUrl} label="View your order" />
    </EmailFrame>,
  );
  return { to: order.email, subject, text, html };
}

interface PaymentFailedInput {
  brand: Brand;
  order: Pick<Order, 'number' | 'email' | 'total_cents' | 'currency'>;
  /** The provider's reason, when it gave one ("Your card was declined."). */
  reason: string | null;
}

/** The payment for an order did not go through: nothing was charged, the cart is kept, how to try again. */
export function paymentFailedMessage({ brand, order, reason }: PaymentFailedInput): MailMessage {
  const subject = `Your payment for order ${order.number} did not go through`;
  const cartUrl = `${brand.appUrl}/cart`;
  const amount = formatMoney(order.total_cents, order.currency);
  const detail = `The payment of ${amount} for your order ${order.number} did not go through${reason ? `: ${reason}` : '.'}`;
  const text = plainText(brand, [detail, 'Nothing was charged, and the order will not be sent. Your cart still holds the items, so you can try again with another card:', cartUrl]);
  const html = String(
    <EmailFrame brand={brand}>
      <p safe>{detail}</p>
      <p>Nothing was charged, and the order will not be sent. Your cart still holds the items, so you can try again with another card.</p>
      <ActionLink href={cartUrl} label="Go to my cart" />
      <SmallPrint>If you did not place this order, ignore this message.</SmallPrint>
    </EmailFrame>,
  );
  return { to: order.email, subject, text, html };
}
