import type { Db } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import type { Notices } from '../mail/notices.js';
import type { PaymentProvider } from '../payments/index.js';
import { refundOrder, RefundError } from './refunds.js';
import { moveOrderIn, releaseUnpaidOrderIn, restock } from './settle.js';
import { checkTransition } from './status.js';

export class CancelError extends Error {
  override name = 'CancelError';
}

/**
 * The customer cancels their order before it ships (staff cancel through fulfilment.ts). Unpaid: its payment is cancelled and its stock released.
 * Paid: what is left of the payment is refunded through the provider as a recorded refund
 * (refunds.ts; a refund that fails leaves the order as it was), and in the same transaction as
 * its success the order is cancelled and its goods go back into stock. The customer's message
 * is queued in the same transaction as the cancellation.
 */
export async function cancelOrder(db: Db, payments: PaymentProvider, order: Order, notices: Notices): Promise<void> {
  const refused = checkTransition(order.status, 'cancelled');
  if (refused) throw new CancelError(refused);
  if (order.status === 'pending') {
    if (order.payment_id) await payments.cancelPayment(order.payment_id).catch(() => undefined);
    await db.transaction().execute(async (trx) => {
      if (!(await releaseUnpaidOrderIn(trx, order.id, 'customer', 'cancelled before payment'))) throw new CancelError('The order changed meanwhile; look at it again.');
      await notices.queue(trx, { kind: 'order.cancelled', orderId: order.id, refundedCents: 0 });
    });
    return;
  }
  if (!order.payment_id) throw new CancelError('This order has no payment to refund; staff will look at it.');
  const left = order.total_cents - order.refunded_cents;
  if (left <= 0) return cancelPaidWithNothingLeft(db, order, notices);
  // The same path as a refund staff make: an order_refunds row reserved under the order's lock,
  // the provider asked with that refund's key, the answer recorded with the move, restock and
  // message in one transaction. A refund of this order already under way cannot add up twice.
  try {
    await refundOrder(db, payments, { orderNumber: order.number, amountCents: left, reason: 'Cancelled by the customer', restock: true, by: { customer: true, ip: null }, fullStatus: 'cancelled' }, notices);
  } catch (error) {
    if (!(error instanceof RefundError)) throw error;
    throw new CancelError(
      error.field === 'amount' ? 'A refund of this order is already under way; look at it again in a moment.' : 'The refund did not go through, so the order was not cancelled. Please try again, or contact us.',
    );
  }
}

/** A paid order with nothing left to refund (free, or refunded already): cancelled and restocked all the same. */
async function cancelPaidWithNothingLeft(db: Db, order: Order, notices: Notices): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await moveOrderIn(trx, order.id, order.status, 'cancelled', 'customer', 'cancelled'))) throw new CancelError('The order changed meanwhile; look at it again.');
    await restock(trx, order.id, { reason: 'cancelled' });
    await trx.deleteFrom('coupon_redemptions').where('order_id', '=', order.id).execute();
    await notices.queue(trx, { kind: 'order.cancelled', orderId: order.id, refundedCents: 0 });
  });
}
