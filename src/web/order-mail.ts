import type { Logger } from 'pino';
import { orderLinkToken } from '../orders/orders.js';
import { orderConfirmationMessage, orderRefundMessage, orderShippedMessage } from '../../views/emails/order-emails.js';
import type { AppDeps } from './context.js';

/** The order's page: for a guest, the signed link that opens it without an account. */
export function orderPath(orderNumber: string, secret: string): string {
  return `/orders/${orderNumber}?token=${orderLinkToken(orderNumber, secret)}`;
}

/**
 * The confirmation, sent by whichever caller moved the order to paid (the checkout's return
 * or the provider's webhook: only one of them can), so it goes out once.
 */
export async function sendOrderConfirmation(deps: AppDeps, log: Logger, orderId: number): Promise<void> {
  const [order, items] = await Promise.all([
    deps.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirstOrThrow(),
    deps.db.selectFrom('order_items').select(['product_name', 'quantity', 'unit_price_cents']).where('order_id', '=', orderId).orderBy('id').execute(),
  ]);
  const orderUrl = `${deps.config.APP_URL}${orderPath(order.number, deps.config.APP_SECRET)}`;
  const message = orderConfirmationMessage({ storeName: deps.config.STORE_NAME, order, items, orderUrl });
  await deps.mailer.send(message).catch((error: unknown) => log.error({ err: error, order: order.number }, 'sending the order confirmation failed'));
}

/** "Your order has shipped", with the carrier, tracking number and the order's link. */
export async function sendOrderShipped(deps: AppDeps, log: Logger, orderId: number): Promise<void> {
  const order = await deps.db.selectFrom('orders').select(['number', 'email', 'carrier', 'tracking_number']).where('id', '=', orderId).executeTakeFirstOrThrow();
  const orderUrl = `${deps.config.APP_URL}${orderPath(order.number, deps.config.APP_SECRET)}`;
  const message = orderShippedMessage({ storeName: deps.config.STORE_NAME, order, orderUrl });
  await deps.mailer.send(message).catch((error: unknown) => log.error({ err: error, order: order.number }, 'sending the shipping notice failed'));
}

/** The refund notice: how much went back this time, and in all. */
export async function sendRefundNotice(deps: AppDeps, log: Logger, orderId: number, amountCents: number): Promise<void> {
  const order = await deps.db
    .selectFrom('orders')
    .select(['number', 'email', 'currency', 'status', 'refunded_cents', 'total_cents'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const orderUrl = `${deps.config.APP_URL}${orderPath(order.number, deps.config.APP_SECRET)}`;
  const message = orderRefundMessage({ storeName: deps.config.STORE_NAME, order, amountCents, orderUrl });
  await deps.mailer.send(message).catch((error: unknown) => log.error({ err: error, order: order.number }, 'sending the refund notice failed'));
}
