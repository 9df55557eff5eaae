import type { Order } from '../../src/db/schema-orders.js';
import { formatMoney } from '../../src/lib/money.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { ActionLink, EmailFrame, plainText, SmallPrint, type Brand } from './frame.js';

/** What every update needs: who, which order, and the link back to it. */
interface UpdateInput<K extends keyof Order = never> {
  brand: Brand;
  order: Pick<Order, 'number' | 'email' | K>;
  /** The order page: for a guest, the signed link. */
  orderUrl: string;
}

/** One short update: a headline, a few details, the order's link. */
function update(brand: Brand, to: string, subject: string, orderUrl: string, paragraphs: string[], note?: string): MailMessage {
  const text = plainText(brand, [...paragraphs, `Your order: ${orderUrl}`, ...(note ? [note] : [])]);
  const html = String(
    <EmailFrame brand={brand}>
      {paragraphs.map((paragraph) => (
        <p style="white-space:pre-line" safe>
          {paragraph}
        </p>
      ))}
      <ActionLink href={orderUrl} label="View your order" />
      {note ? (
        <SmallPrint>
          <span safe>{note}</span>
        </SmallPrint>
      ) : (
        ''
      )}
    </EmailFrame>,
  );
  return { to, subject, text, html };
}

/** Sent when staff ship the order: who carries it and the tracking number to follow it by. */
export function orderShippedMessage({ brand, order, orderUrl }: UpdateInput<'carrier' | 'tracking_number'>): MailMessage {
  return update(brand, order.email, `Your order has shipped: ${order.number}`, orderUrl, [
    `Your order ${order.number} has shipped.`,
    `Carrier: ${order.carrier ?? ''}\nTracking number: ${order.tracking_number ?? ''}`,
  ]);
}

export function orderDeliveredMessage({ brand, order, orderUrl }: UpdateInput): MailMessage {
  return update(
    brand,
    order.email,
    `Your order has been delivered: ${order.number}`,
    orderUrl,
    [`Your order ${order.number} has been delivered. We hope you enjoy it.`],
    'Something not right? You can ask for a return from the order page.',
  );
}

/** A cancellation: by the shopper or by staff, with the refund when the order had been paid. */
export function orderCancelledMessage({ brand, order, orderUrl, refundedCents }: UpdateInput<'currency'> & { refundedCents: number }): MailMessage {
  const refund = refundedCents > 0 ? [`We have refunded ${formatMoney(refundedCents, order.currency)}. It goes back to the card you paid with and may take a few days to show.`] : [];
  const headline = refundedCents > 0 ? `Your order ${order.number} is cancelled and refunded.` : `Your order ${order.number} is cancelled. Nothing was charged.`;
  return update(brand, order.email, `Your order ${order.number} is cancelled`, orderUrl, [headline, ...refund]);
}

/** Sent for each refund of part or all of an order (by staff, or reported by the payment provider). */
export function orderRefundMessage({
  brand,
  order,
  amountCents,
  orderUrl,
}: UpdateInput<'currency' | 'refunded_cents' | 'total_cents'> & { amountCents: number }): MailMessage {
  const money = (cents: number) => formatMoney(cents, order.currency);
  return update(brand, order.email, `Refund for your ${brand.storeName} order ${order.number}`, orderUrl, [
    `We have refunded ${money(amountCents)} of your order ${order.number}.`,
    `Refunded: ${money(amountCents)} (in all: ${money(order.refunded_cents)} of ${money(order.total_cents)}). It goes back to the card you paid with and may take a few days to show.`,
  ]);
}

export interface ReturnedItem {
  product_name: string;
  quantity: number;
}

/** Staff approved a return: which items, and what happens next. */
export function returnApprovedMessage({ brand, order, orderUrl, items }: UpdateInput & { items: ReturnedItem[] }): MailMessage {
  const list = items.map((item) => `${item.quantity} × ${item.product_name}`).join('\n');
  return update(
    brand,
    order.email,
    `Your return for order ${order.number} is approved`,
    orderUrl,
    [`We have approved your return for order ${order.number}:`, list, 'Send the items back in their original packaging. We refund them to the card you paid with once they arrive.'],
    'Keep the parcel’s tracking number until the refund shows.',
  );
}
