import type { Db } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import type { Notices } from '../mail/notices.js';
import type { PaymentProvider } from '../payments/index.js';
import { moveOrderIn, releaseUnpaidOrderIn, restock } from './settle.js';
import { checkTransition } from './status.js';

export class CancelError extends Error {
  override name = 'CancelError';
}

/**
 * Cancels an order before it ships. Unpaid: its payment is cancelled and its stock released.
 * Paid: the whole payment is refunded through the provider first (a refund that fails leaves
 * the order as it was), then the order is cancelled and its goods go back into stock. The
 * customer's message is queued in the same transaction as the cancellation.
 */
export async function cancelOrder(db: Db, payments: PaymentProvider, order: Order, actor: 'customer' | 'staff', notices: Notices): Promise<void> {
  const refused = checkTransition(order.status, 'cancelled');
  if (refused) throw new CancelError(refused);
  if (order.status === 'pending') {
    if (order.payment_id) await payments.cancelPayment(order.payment_id).catch(() => undefined);
    await db.transaction().execute(async (trx) => {
      if (!(await releaseUnpaidOrderIn(trx, order.id, actor, 'cancelled before payment'))) throw new CancelError('The order changed meanwhile; look at it again.');
      await notices.queue(trx, { kind: 'order.cancelled', orderId: order.id, refundedCents: 0 });
    });
    return;
  }
  if (!order.payment_id) throw new CancelError('This order has no payment to refund; staff will look at it.');
  const refund = await payments.refund({ paymentId: order.payment_id, amountCents: order.total_cents - order.refunded_cents, idempotencyKey: `order-${order.number}-refund-cancel` });
  if (refund.status === 'failed') throw new CancelError('The refund did not go through, so the order was not cancelled. Please contact us.');
  await db.transaction().execute(async (trx) => {
    const moved = await moveOrderIn(trx, order.id, order.status, 'cancelled', actor, 'cancelled and refunded', { refunded_cents: order.total_cents });
    if (!moved) throw new CancelError('The order changed meanwhile; look at it again.');
    await restock(trx, order.id, { reason: 'cancelled' });
    await trx.deleteFrom('coupon_redemptions').where('order_id', '=', order.id).execute();
    await notices.queue(trx, { kind: 'order.cancelled', orderId: order.id, refundedCents: order.total_cents - order.refunded_cents });
  });
}
