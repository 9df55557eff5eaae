import type { Db } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import type { Notices, PlacedOrderSummary } from '../mail/notices.js';
import type { PaymentProvider, PaymentResult, TestPaymentProviderApi } from '../payments/index.js';
import { markOrderPaid, releaseUnpaidOrder } from './settle.js';

/** The one idempotency key of an order's payment: asking again gives the same payment, never a second. */
export const orderPaymentKey = (orderNumber: string): string => `order-${orderNumber}-payment`;

/**
 * Starts (or finds again) the payment of an order awaiting payment and records its id on the
 * order. With Stripe this is the PaymentIntent whose client secret the card step needs.
 */
export async function startOrderPayment(db: Db, payments: PaymentProvider, order: Order): Promise<PaymentResult> {
  const payment = await createOrderPayment(payments, order);
  if (order.payment_id !== payment.paymentId) await db.updateTable('orders').set({ payment_id: payment.paymentId }).where('id', '=', order.id).execute();
  return payment;
}

function createOrderPayment(payments: PaymentProvider, order: Order): Promise<PaymentResult> {
  return payments.createPayment({ orderNumber: order.number, amountCents: order.total_cents, currency: order.currency, idempotencyKey: orderPaymentKey(order.number) });
}

export type TestCardOutcome =
  /** `changed`: this call marked the order paid (a racing caller may have done it first). */
  | { paid: true; changed: boolean }
  /** Declined: the order let go of its stock and coupon (`released`), the cart is as it was. */
  | { paid: false; released: boolean; message: string };

/**
 * Pays an order with the test provider's card, as the checkout's card field does: paid marks
 * the order paid (confirmation queued, cart emptied); declined cancels the unpaid order so its
 * stock goes back, and says why. Throws CardNumberError, before anything is tried, when the
 * text is not a card number.
 */
export async function payWithTestCard(db: Db, payments: TestPaymentProviderApi, order: Order, cardNumber: string, notices: Notices, items?: PlacedOrderSummary['items']): Promise<TestCardOutcome> {
  // The payment's id is recorded with the move that follows the charge (paid or cancelled), not
  // by an update of its own: the card is charged at once, in the same request.
  const payment = await createOrderPayment(payments, order);
  const result = await payments.chargeCard({ paymentId: payment.paymentId, cardNumber });
  if (result.status !== 'succeeded') {
    const released = await releaseUnpaidOrder(db, order.id, 'provider', result.failureMessage ?? 'payment failed', { payment_id: payment.paymentId });
    return { paid: false, released, message: `${result.failureMessage ?? 'The payment did not go through.'} Nothing was charged; try another card.` };
  }
  return { paid: true, changed: await markOrderPaid(db, order.id, { paymentId: result.paymentId, actor: 'provider' }, notices, items ? { order, items } : undefined) };
}
