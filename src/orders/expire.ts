import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { PaymentProvider } from '../payments/index.js';
import { releaseUnpaidOrder } from './settle.js';

/**
 * The expiry job: orders still awaiting payment after their hold (30 minutes) give their stock
 * back. Several processes may run it at once: the release is a conditional UPDATE (status still
 * pending), so an order is expired, and restocked, once. When a payment was started, the provider
 * is asked to cancel it first: if it says the payment went through (or is still going), the order
 * is left for the webhook to settle. Returns the numbers of the orders it expired, for the
 * caller to announce once they are committed.
 */
export async function expireUnpaidOrders(db: Db, payments: PaymentProvider, now = new Date(), limit = 50): Promise<{ expired: number; kept: number; expiredNumbers: string[] }> {
  const due = await sql<{ id: number; number: string; payment_id: string | null }>`
    SELECT id, number, payment_id FROM orders
    WHERE status = 'pending' AND expires_at < ${now}
    ORDER BY expires_at
    LIMIT ${limit}`.execute(db);
  const expiredNumbers: string[] = [];
  let kept = 0;
  for (const order of due.rows) {
    if (order.payment_id) {
      const payment = await payments.cancelPayment(order.payment_id).catch(() => undefined);
      if (payment && payment.status !== 'failed') {
        kept++;
        continue;
      }
    }
    if (await releaseUnpaidOrder(db, order.id, 'system', 'not paid in time')) expiredNumbers.push(order.number);
  }
  return { expired: expiredNumbers.length, kept, expiredNumbers };
}
