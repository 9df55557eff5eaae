import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { Selectable } from 'kysely';
import type { Order, OrderRefundsTable } from '../db/schema-orders.js';
import { formatMoney } from '../lib/money.js';
import type { Notices } from '../mail/notices.js';
import { PaymentProviderError, type PaymentProvider } from '../payments/index.js';
import { lockOrder } from './admin-orders.js';
import { moveOrderIn, restock } from './settle.js';
import { checkTransition } from './status.js';

export type OrderRefund = Selectable<OrderRefundsTable>;

/** A refund refused, or failed at the provider, with what to tell staff; the order did not change. */
export class RefundError extends Error {
  override name = 'RefundError';
  constructor(
    message: string,
    /** The form field it is about; 'form' for the whole request. */
    readonly field: 'amount' | 'restock' | 'form' = 'form',
    readonly status: 409 | 422 = 422,
  ) {
    super(message);
  }
}

/**
 * Who asks for a refund: a member of staff (recorded with their id and address), or the
 * customer cancelling their own order before it ships (recorded as the customer).
 */
export type RefundActor = { actorId: number; ip: string | null } | { customer: true; ip: string | null };

const staffIdOf = (actor: RefundActor): number | null => ('actorId' in actor ? actor.actorId : null);

export interface RefundRequest {
  orderNumber: string;
  amountCents: number;
  reason: string;
  /** Put the order's goods back in stock (only while none has shipped, and only once). */
  restock: boolean;
  /**
   * The refund number the staff's form was made for. The same form sent twice (a double click,
   * a retry after a timeout) finds its refund and settles that one; it never makes a second.
   */
  sequence?: number;
  by: RefundActor;
  /** Where a refund of everything left takes the order: 'cancelled' when a paid order is cancelled. */
  fullStatus?: 'refunded' | 'cancelled';
}

export interface RefundOutcome {
  order: Order;
  refund: OrderRefund;
  /** True when this request found its refund already made (the same form sent again). */
  repeated: boolean;
}

/**
 * Refunds part or all of a paid order through the payment provider, in two steps:
 * 1. under the order's lock, the amount is checked against what is left (total − refunded −
 *    refunds still pending) and a pending `order_refunds` row takes the next sequence number;
 * 2. under the order's lock again, the provider is asked with the key
 *    `order-<number>-refund-<sequence>`, and the answer is recorded: on success the order's
 *    refunded amount, status, stock, event and audit row, all in that one transaction.
 * The lock is held across the provider's call on purpose: the provider's `charge.refunded`
 * webhook (which records "refunded at least X") waits for it, then finds this refund already
 * counted, so the two never add up twice.
 */
export async function refundOrder(db: Db, payments: PaymentProvider, request: RefundRequest, notices: Notices): Promise<RefundOutcome> {
  const reserved = await reserveRefund(db, request);
  if (reserved.status === 'succeeded') {
    const order = await db.selectFrom('orders').selectAll().where('id', '=', reserved.order_id).executeTakeFirstOrThrow();
    return { order, refund: reserved, repeated: true };
  }
  return settleRefund(db, payments, reserved.id, request, notices);
}

async function reserveRefund(db: Db, request: RefundRequest): Promise<OrderRefund> {
  return db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, request.orderNumber);
    const refunds = await trx.selectFrom('order_refunds').selectAll().where('order_id', '=', order.id).orderBy('sequence').execute();
    const next = (refunds.at(-1)?.sequence ?? 0) + 1;
    if (request.sequence !== undefined && request.sequence !== next) return repeatedForm(refunds, request);
    const problem = refundProblem(order, refunds, request);
    if (problem) throw problem;
    return trx
      .insertInto('order_refunds')
      .values({
        order_id: order.id,
        sequence: next,
        amount_cents: request.amountCents,
        status: 'pending',
        reason: request.reason,
        restock: request.restock,
        actor_user_id: staffIdOf(request.by),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** A form sent again: its own refund if it was made (or is still pending), else a clear refusal. */
function repeatedForm(refunds: OrderRefund[], request: RefundRequest): OrderRefund {
  const earlier = refunds.find((refund) => refund.sequence === request.sequence);
  if (earlier && earlier.amount_cents === request.amountCents && earlier.status !== 'failed') return earlier;
  if (earlier?.status === 'failed') throw new RefundError(`Refund #${earlier.sequence} did not go through. Look at the order again and start a new refund.`, 'form', 409);
  throw new RefundError('Another refund was made on this order since the page was opened. Look at the order again.', 'form', 409);
}

/** Why this refund cannot be made, or undefined when it can. */
export function refundProblem(order: Order, refunds: OrderRefund[], request: Pick<RefundRequest, 'amountCents' | 'restock' | 'fullStatus'>): RefundError | undefined {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const refused = checkTransition(order.status, request.fullStatus ?? 'partially_refunded');
  if (refused) return new RefundError(refused, 'form', 409);
  if (!order.payment_id) return new RefundError('This order has no payment at the provider to refund.', 'form', 409);
  if (!Number.isSafeInteger(request.amountCents) || request.amountCents <= 0) return new RefundError('Enter an amount above zero, such as 12.50.', 'amount');
  const pending = refunds.filter((refund) => refund.status === 'pending').reduce((sum, refund) => sum + refund.amount_cents, 0);
  const left = order.total_cents - order.refunded_cents - pending;
  if (request.amountCents > left) {
    const waiting = pending > 0 ? ` (a refund of ${money(pending)} is still pending)` : '';
    return new RefundError(`At most ${money(Math.max(0, left))} can still be refunded${waiting}.`, 'amount');
  }
  const shipped = order.shipped_at !== null || order.status === 'shipped' || order.status === 'delivered';
  if (request.restock && shipped) return new RefundError('These goods have shipped: they come back into stock through a return, not a refund.', 'restock');
  if (request.restock && refunds.some((refund) => refund.restock && refund.status !== 'failed')) {
    return new RefundError('These goods were already put back in stock by an earlier refund.', 'restock');
  }
  return undefined;
}

/**
 * Asks the provider for a pending refund and records its answer (step 2 of refundOrder). Safe
 * to run again for the same refund: its key makes the provider answer the same refund, and a
 * refund no longer pending is returned as it is.
 */
export async function settleRefund(db: Db, payments: PaymentProvider, refundId: number, request: Pick<RefundRequest, 'by' | 'fullStatus'>, notices: Notices): Promise<RefundOutcome> {
  const outcome = await db.transaction().execute(async (trx) => {
    const { order_id: orderId } = await trx.selectFrom('order_refunds').select('order_id').where('id', '=', refundId).executeTakeFirstOrThrow();
    const order = await trx.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirstOrThrow();
    const refund = await trx.selectFrom('order_refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
    if (refund.status !== 'pending') return { order, refund, repeated: true, failure: refund.status === 'failed' ? `Refund #${refund.sequence} did not go through.` : undefined };
    const full = order.refunded_cents + refund.amount_cents >= order.total_cents;
    const to = full ? (request.fullStatus ?? 'refunded') : 'partially_refunded';
    // Checked again under the lock, before any money moves: the order may have changed since step 1.
    const refused = checkTransition(order.status, to) ?? (order.refunded_cents + refund.amount_cents > order.total_cents ? 'That is more than is left to refund.' : undefined);
    const answer = refused ? { failure: refused } : await askProvider(payments, order, refund);
    if ('failure' in answer) {
      const failed = await trx.updateTable('order_refunds').set({ status: 'failed' }).where('id', '=', refund.id).returningAll().executeTakeFirstOrThrow();
      return { order, refund: failed, repeated: false, failure: answer.failure };
    }
    const settled: SettledRefund = { to, providerRefundId: answer.refundId, by: request.by, cancelling: request.fullStatus !== undefined };
    return { ...(await recordRefund(trx, notices, order, refund, settled)), repeated: false, failure: undefined };
  });
  if (outcome.failure) throw new RefundError(`The refund was not made: ${outcome.failure} The order is unchanged.`, 'form', 409);
  return { order: outcome.order, refund: outcome.refund, repeated: outcome.repeated };
}

async function askProvider(payments: PaymentProvider, order: Order, refund: OrderRefund): Promise<{ refundId: string } | { failure: string }> {
  try {
    const result = await payments.refund({ paymentId: order.payment_id!, amountCents: refund.amount_cents, idempotencyKey: `order-${order.number}-refund-${refund.sequence}` });
    // A Stripe refund may stay pending for some payment methods; the money is on its way, so it counts.
    return result.status === 'failed' ? { failure: 'the payment provider declined it.' } : { refundId: result.refundId };
  } catch (error) {
    if (!(error instanceof PaymentProviderError)) throw error;
    // The provider may or may not have made it: the refund stays pending (its amount reserved) and
    // the same form, sent again, asks again with the same key.
    if (error.retryable) throw new RefundError('The payment provider did not answer. Send the same form again: it asks for this refund again and cannot refund twice.', 'form', 409);
    return { failure: `the payment provider refused it (${error.message})` };
  }
}

interface SettledRefund {
  to: Order['status'];
  providerRefundId: string;
  by: RefundActor;
  /** The order was cancelled: the customer is told it is cancelled (and refunded), not only refunded. */
  cancelling: boolean;
}

async function recordRefund(trx: DbOrTx, notices: Notices, order: Order, refund: OrderRefund, settled: SettledRefund) {
  const refundedCents = order.refunded_cents + refund.amount_cents;
  const staffId = staffIdOf(settled.by);
  const note = `${formatMoney(refund.amount_cents, order.currency)} refunded`;
  await moveOrderIn(trx, order.id, order.status, settled.to, staffId === null ? 'customer' : { staffId }, note, { refunded_cents: refundedCents });
  if (refund.restock) await restock(trx, order.id, { reason: settled.to === 'cancelled' ? 'cancelled' : 'refund', ...(staffId === null ? {} : { staffId }) });
  if (settled.to === 'cancelled') await trx.deleteFrom('coupon_redemptions').where('order_id', '=', order.id).execute();
  const done = await trx
    .updateTable('order_refunds')
    .set({ status: 'succeeded', provider_refund_id: settled.providerRefundId })
    .where('id', '=', refund.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    action: settled.to === 'cancelled' ? 'order.status_changed' : 'order.refunded',
    actorUserId: staffId,
    ip: settled.by.ip,
    entity: { type: 'order', id: order.id },
    before: { status: order.status, refunded_cents: order.refunded_cents },
    after: { status: settled.to, refunded_cents: refundedCents },
    details: { order_number: order.number, amount_cents: refund.amount_cents, sequence: refund.sequence, restock: refund.restock, reason: refund.reason },
  });
  await notices.queue(
    trx,
    settled.cancelling
      ? { kind: 'order.cancelled', orderId: order.id, refundedCents: refund.amount_cents }
      : { kind: 'order.refunded', orderId: order.id, amountCents: refund.amount_cents, refundKey: `refund-${refund.sequence}` },
  );
  const updated = await trx.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
  return { order: updated, refund: done };
}
