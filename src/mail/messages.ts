import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DbOrTx } from '../db/database.js';
import { orderLinkToken } from '../orders/orders.js';
import { unsubscribeToken } from '../cart/abandoned-carts.js';
import { alreadyRegisteredMessage, emailChangedMessage, resetPasswordMessage, verifyEmailMessage, welcomeMessage } from '../../views/emails/account-emails.js';
import { cartReminderMessage } from '../../views/emails/cart-emails.js';
import type { Brand } from '../../views/emails/frame.js';
import { orderConfirmationMessage, paymentFailedMessage } from '../../views/emails/order-emails.js';
import { orderCancelledMessage, orderDeliveredMessage, orderRefundMessage, orderShippedMessage, returnApprovedMessage } from '../../views/emails/order-update-emails.js';
import type { MailMessage } from './mailer.js';
import type { Notice, Notices, PlacedOrderSummary } from './notices.js';
import { enqueueMessage, enqueueRow, outboxRow, type OutboxRow } from './outbox.js';
import { e164Phone } from '../sms/sms.js';
import { shippedText } from '../../views/emails/sms-texts.js';

export interface MessageSettings {
  storeName: string;
  /** APP_URL, without a trailing slash: every link in a message is absolute. */
  appUrl: string;
  /** APP_SECRET, which signs guests' order links and unsubscribe links. */
  secret: string;
  /** An SMS provider is configured: shoppers who asked get shipping updates by text too. */
  texts?: boolean;
}

/** The order's page: for a guest, the signed link that opens it without an account. */
export function orderPath(orderNumber: string, secret: string): string {
  return `/orders/${orderNumber}?token=${orderLinkToken(orderNumber, secret)}`;
}

type OrderNotice = Extract<Notice, { orderId: number }>;

/**
 * The store's messages, rendered from the views and queued in the outbox. Each is rendered when
 * it is queued, from the data as the causing transaction sees it (the refund's amount, the
 * tracking number), and carries a dedupe key where the same message must never go out twice.
 */
export function createNotices(settings: MessageSettings): Notices {
  const brand: Brand = { storeName: settings.storeName, appUrl: settings.appUrl };
  const orderUrl = (number: string) => `${settings.appUrl}${orderPath(number, settings.secret)}`;

  async function orderMessage(db: DbOrTx, notice: OrderNotice): Promise<{ message: MailMessage; key: string }> {
    if (notice.kind === 'order.confirmation') {
      const { order, items } = notice.placed ?? (await placedOrder(db, notice.orderId));
      return { message: orderConfirmationMessage({ brand, order, orderUrl: orderUrl(order.number), items }), key: `${notice.kind}:${order.number}` };
    }
    const order = await db.selectFrom('orders').selectAll().where('id', '=', notice.orderId).executeTakeFirstOrThrow();
    const common = { brand, order, orderUrl: orderUrl(order.number) };
    const key = `${notice.kind}:${order.number}`;
    switch (notice.kind) {
      case 'order.shipped':
        return { message: orderShippedMessage(common), key };
      case 'order.delivered':
        return { message: orderDeliveredMessage(common), key };
      case 'order.cancelled':
        return { message: orderCancelledMessage({ ...common, refundedCents: notice.refundedCents }), key };
      case 'order.refunded':
        return { message: orderRefundMessage({ ...common, amountCents: notice.amountCents }), key: `${key}:${notice.refundKey}` };
      case 'order.payment_failed':
        return { message: paymentFailedMessage({ brand, order, reason: notice.reason }), key: `${notice.kind}:${notice.attempt}` };
    }
  }

  /** The order with its items, in one statement. */
  async function placedOrder(db: DbOrTx, orderId: number): Promise<PlacedOrderSummary> {
    const { items, ...order } = await db
      .selectFrom('orders')
      .selectAll('orders')
      .select((eb) => jsonArrayFrom(eb.selectFrom('order_items').select(['product_name', 'quantity', 'unit_price_cents']).whereRef('order_items.order_id', '=', 'orders.id').orderBy('order_items.id')).as('items'))
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    return { order, items };
  }

  async function returnApproved(db: DbOrTx, requestId: number) {
    const request = await db.selectFrom('return_requests').select(['order_id', 'items']).where('id', '=', requestId).executeTakeFirstOrThrow();
    const order = await db.selectFrom('orders').select(['number', 'email']).where('id', '=', request.order_id).executeTakeFirstOrThrow();
    const names = await db.selectFrom('order_items').select(['id', 'product_name']).where('order_id', '=', request.order_id).execute();
    const items = request.items.map((item) => ({ product_name: names.find((row) => row.id === item.order_item_id)?.product_name ?? 'An item', quantity: item.quantity }));
    return returnApprovedMessage({ brand, order, orderUrl: orderUrl(order.number), items });
  }

  function accountMessage(notice: Extract<Notice, { user: unknown }>): { message: MailMessage; key?: string } {
    const { user } = notice;
    const to = { brand, to: user.email, firstName: user.first_name };
    const link = (path: string, token: string) => `${settings.appUrl}${path}?token=${token}`;
    switch (notice.kind) {
      case 'account.verify_email':
        return { message: verifyEmailMessage({ ...to, url: link('/verify-email', notice.token) }) };
      case 'account.password_reset':
        return { message: resetPasswordMessage({ ...to, url: link('/reset-password', notice.token) }) };
      case 'account.already_registered':
        return { message: alreadyRegisteredMessage({ ...to, url: link('/reset-password', notice.token) }) };
      case 'account.welcome':
        return { message: welcomeMessage(to), key: `account.welcome:${user.id}` };
      case 'account.email_changed':
        return { message: emailChangedMessage({ ...to, to: notice.oldEmail, newEmail: user.email }) };
    }
  }

  function cartReminder(notice: Extract<Notice, { kind: 'cart.reminder' }>): MailMessage {
    const { cart } = notice;
    const unsubscribeUrl = `${settings.appUrl}/unsubscribe/cart-reminders?user=${cart.userId}&token=${unsubscribeToken(cart.userId, settings.secret)}`;
    return cartReminderMessage(brand, cart, { cartUrl: `${settings.appUrl}/cart`, unsubscribeUrl });
  }

  async function render(db: DbOrTx, notice: Notice): Promise<{ message: MailMessage; key?: string }> {
    if ('orderId' in notice) return orderMessage(db, notice);
    if (notice.kind === 'return.approved') return { message: await returnApproved(db, notice.requestId), key: `return.approved:${notice.requestId}` };
    if (notice.kind === 'cart.reminder') return { message: cartReminder(notice) };
    return accountMessage(notice);
  }

  /** The shipping text for a shopper who asked for one at checkout (their phone, E.164 since then). */
  async function queueShippedText(db: DbOrTx, orderId: number): Promise<void> {
    const order = await db.selectFrom('orders').select(['number', 'phone', 'sms_updates', 'carrier', 'tracking_number']).where('id', '=', orderId).executeTakeFirstOrThrow();
    if (!order.sms_updates || !e164Phone.safeParse(order.phone).success) return;
    await enqueueMessage(db, {
      kind: 'order.shipped',
      channel: 'sms',
      to: order.phone,
      text: shippedText({ storeName: settings.storeName, number: order.number, carrier: order.carrier, trackingNumber: order.tracking_number, url: orderUrl(order.number) }),
      dedupeKey: `order.shipped.sms:${order.number}`,
    });
  }

  async function prepare(db: DbOrTx, notice: Notice): Promise<OutboxRow> {
    const { message, key } = await render(db, notice);
    return outboxRow({
      kind: notice.kind,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      ...(message.listUnsubscribe ? { listUnsubscribe: message.listUnsubscribe } : {}),
      ...(key ? { dedupeKey: key } : {}),
    });
  }

  return {
    async queue(db, notice) {
      if (notice.kind === 'order.shipped' && settings.texts) await queueShippedText(db, notice.orderId);
      await enqueueRow(db, await prepare(db, notice));
    },
    prepare,
  };
}
