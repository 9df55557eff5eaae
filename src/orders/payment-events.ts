import type { Db } from '../db/database.js';
import type { PaymentEvent } from '../payments/index.js';
import { markOrderPaid, moveOrderIn, releaseUnpaidOrderIn, restock } from './settle.js';
import type { DbOrTx } from '../db/database.js';
import type { Notices } from '../mail/notices.js';

/** Whether the goods ever left: only goods still here go back into stock on a full refund. */
async function wasShipped(db: DbOrTx, orderId: number): Promise<boolean> {
  const shipped = await db.selectFrom('order_events').select('id').where('order_id', '=', orderId).where('to_status', 'in', ['shipped', 'delivered']).executeTakeFirst();
  return shipped !== undefined;
}

export type PaymentEventOutcome =
  | { result: 'duplicate' | 'ignored' | 'unknown_order' | 'no_change' }
  | { result: 'paid' | 'released' | 'refunded' | 'flagged'; orderId: number };

/**
 * Applies a provider's event to its order, exactly once: the event id is recorded in the same
 * transaction as its effect, so a redelivered event (even a concurrent one) changes nothing the
 * second time. Effects are gated on the order's state at that moment, because events arrive late,
 * twice and out of order: a failure never unpays a paid order, a payment whose amount or currency
 * differs from the order's is not accepted but flagged for staff.
 */
export async function applyPaymentEvent(db: Db, event: PaymentEvent, notices: Notices): Promise<PaymentEventOutcome> {
  if (event.type === 'ignored') return { result: 'ignored' };
  return db.transaction().execute(async (trx) => {
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'status', 'total_cents', 'currency', 'refunded_cents', 'paid_at'])
      .where('payment_id', '=', event.paymentId)
      .forUpdate()
      .executeTakeFirst();
    const first = await trx
      .insertInto('payment_events')
      .values({ event_id: event.id, type: event.type, order_id: order?.id ?? null })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!first) return { result: 'duplicate' };
    if (!order) return { result: 'unknown_order' };
    const flag = async (reason: string) => {
      await trx.updateTable('orders').set({ needs_review: reason.slice(0, 500), updated_at: new Date() }).where('id', '=', order.id).execute();
      return { result: 'flagged' as const, orderId: order.id };
    };

    switch (event.type) {
      case 'payment.succeeded': {
        if (event.amountCents !== order.total_cents || event.currency !== order.currency) {
          return flag(`Payment of ${event.amountCents} ${event.currency} does not match the order's ${order.total_cents} ${order.currency}.`);
        }
        if (order.status === 'cancelled') return flag('Paid after the order was cancelled: refund the payment.');
        return (await markOrderPaid(trx, order.id, { paymentId: event.paymentId, actor: 'provider' }, notices)) ? { result: 'paid', orderId: order.id } : { result: 'no_change' };
      }
      case 'payment.failed': {
        // Only an order still waiting lets go of its stock; a paid one stays paid.
        const released = await releaseUnpaidOrderIn(trx, order.id, 'provider', event.failureMessage ?? 'payment failed');
        // The shopper hears of each failed attempt once (the event id), even when the return
        // page released the order first; never about an order that was paid after all.
        if (released || (order.status === 'cancelled' && order.paid_at === null)) {
          await notices.queue(trx, { kind: 'order.payment_failed', orderId: order.id, attempt: event.id, reason: event.failureMessage ?? null });
        }
        return released ? { result: 'released', orderId: order.id } : { result: 'no_change' };
      }
      case 'refund.recorded': {
        const refunded = Math.min(event.amountCents, order.total_cents);
        if (refunded <= order.refunded_cents) return { result: 'no_change' };
        const to = refunded >= order.total_cents ? 'refunded' : 'partially_refunded';
        const moved = await moveOrderIn(trx, order.id, order.status, to, 'provider', `${refunded} ${order.currency} refunded`, { refunded_cents: refunded }).catch(() => false);
        if (!moved) return flag(`A refund of ${refunded} ${order.currency} arrived while the order was ${order.status}.`);
        if (to === 'refunded' && !(await wasShipped(trx, order.id))) await restock(trx, order.id, { reason: 'refund' });
        // A refund made at the provider (its dashboard): one message per event.
        await notices.queue(trx, { kind: 'order.refunded', orderId: order.id, amountCents: refunded - order.refunded_cents, refundKey: event.id });
        return { result: 'refunded', orderId: order.id };
      }
      case 'dispute.created':
        return flag(`Dispute opened by the card holder (${event.reason}).`);
    }
  });
}
