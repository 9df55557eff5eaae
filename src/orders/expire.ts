import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { PaymentProvider } from '../payments/index.js';
import type { Notices } from '../mail/notices.js';
import { markOrderPaid, releaseUnpaidOrder } from './settle.js';

/**
 * The expiry job: orders still awaiting payment after their hold (30 minutes) give their stock
 * back. Several processes may run it at once: the release is a conditional UPDATE (status still
 * pending), so an order is expired, and restocked, once. When a payment was started, the provider
 * is asked to cancel it first: if it says the payment went through for the order's amount, the
 * order is marked paid here (a provider with no webhooks, or a lost one, must not leave money
 * taken against a pending order); if it is still going, the order is left for the webhook.
 * Returns the numbers of the orders it expired and paid, for the caller to announce once they
 * are committed.
 */
export async function expireUnpaidOrders(
  db: Db,
  payments: PaymentProvider,
  notices: Notices,
  now = new Date(),
  limit = 50,
): Promise<{ expired: number; kept: number; expiredNumbers: string[]; paidNumbers: string[] }> {
  const due = await sql<{ id: number; number: string; payment_id: string | null; total_cents: number; currency: string }>`
    SELECT id, number, payment_id, total_cents, currency FROM orders
    WHERE status = 'pending' AND expires_at < ${now}
    ORDER BY expires_at
    LIMIT ${limit}`.execute(db);
  const expiredNumbers: string[] = [];
  const paidNumbers: string[] = [];
  let kept = 0;
  for (const order of due.rows) {
    if (order.payment_id) {
      const payment = await payments.cancelPayment(order.payment_id).catch(() => undefined);
      const paidInFull = payment?.status === 'succeeded' && payment.amountCents === order.total_cents && payment.currency === order.currency;
      if (paidInFull && (await markOrderPaid(db, order.id, { paymentId: order.payment_id, actor: 'provider' }, notices))) {
        paidNumbers.push(order.number);
        continue;
      }
      if (payment && payment.status !== 'failed') {
        kept++;
        continue;
      }
    }
    if (await releaseUnpaidOrder(db, order.id, 'system', 'not paid in time')) expiredNumbers.push(order.number);
  }
  return { expired: expiredNumbers.length, kept, expiredNumbers, paidNumbers };
}
