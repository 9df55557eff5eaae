import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import type { Notices } from '../mail/notices.js';
import type { PaymentProvider } from '../payments/index.js';
import { lockOrder, OrderNotFoundError } from './admin-orders.js';
import { refundOrder, RefundError, type RefundRequest } from './refunds.js';
import { moveOrderIn, releaseUnpaidOrderIn, restock } from './settle.js';
import { canTransition, checkTransition, type OrderStatus } from './status.js';

/** The moves staff make from the order screen; refunds have their own form. */
export const STAFF_MOVES = ['processing', 'shipped', 'delivered', 'cancelled'] as const;
export type StaffMove = (typeof STAFF_MOVES)[number];

/** A move the state machine (or the order's payment) does not allow; nothing was changed. */
export class TransitionError extends Error {
  override name = 'TransitionError';
}

export interface TransitionRequest {
  orderNumber: string;
  to: StaffMove;
  /** Both required to ship. */
  carrier?: string;
  trackingNumber?: string;
  staff: { actorId: number; ip: string | null };
}

export interface TransitionOutcome {
  order: Order;
  from: OrderStatus;
  /** What a cancellation refunded (0 for the other moves). */
  refundedCents: number;
}

/**
 * Moves an order as staff asked, through the state machine only. Each move runs in one
 * transaction that locks the order row first, so two people clicking at once make one move
 * (the second is told the order is already there), with its order event, audit row and the
 * customer's message (shipped, delivered, cancelled).
 */
export async function changeOrderStatus(db: Db, payments: PaymentProvider, request: TransitionRequest, notices: Notices): Promise<TransitionOutcome> {
  if (request.to === 'cancelled') return cancelAsStaff(db, payments, request, notices);
  return db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, request.orderNumber);
    const refused = checkTransition(order.status, request.to);
    if (refused) throw new TransitionError(refused);
    const now = new Date();
    const shipping = request.to === 'shipped';
    if (shipping && (!request.carrier || !request.trackingNumber)) throw new TransitionError('Give the carrier and the tracking number to ship an order.');
    const extra: Partial<Order> = shipping
      ? { carrier: request.carrier!, tracking_number: request.trackingNumber!, shipped_at: now }
      : request.to === 'delivered'
        ? { delivered_at: now }
        : {};
    // Shown in the customer's order history too: this is where they find their parcel.
    const note = shipping ? `${request.carrier}, tracking number ${request.trackingNumber}` : '';
    await moveOrderIn(trx, order.id, order.status, request.to, { staffId: request.staff.actorId }, note, extra);
    await auditMove(trx, order, request.to, request.staff, extra);
    if (request.to === 'shipped' || request.to === 'delivered') await notices.queue(trx, { kind: `order.${request.to}`, orderId: order.id });
    return { order: { ...order, ...extra, status: request.to }, from: order.status, refundedCents: 0 };
  });
}

async function auditMove(trx: DbOrTx, order: Order, to: OrderStatus, staff: TransitionRequest['staff'], extra: Partial<Order>): Promise<void> {
  const after: Record<string, unknown> = { status: to };
  if (extra.carrier) Object.assign(after, { carrier: extra.carrier, tracking_number: extra.tracking_number });
  await recordAudit(trx, {
    action: 'order.status_changed',
    actorUserId: staff.actorId,
    ip: staff.ip,
    entity: { type: 'order', id: order.id },
    before: { status: order.status },
    after,
    details: { order_number: order.number },
  });
}

/**
 * Cancelling, as staff. Unpaid: the provider's payment is cancelled and the stock released.
 * Paid: everything left is refunded through the provider first (a refund that fails changes
 * nothing), then the order is cancelled and restocked, in the refund's own transaction. The
 * state machine lets only pending and paid orders become cancelled; an order already being
 * prepared is refunded in full and restocked instead, and ends as refunded. Shipped: refused.
 */
async function cancelAsStaff(db: Db, payments: PaymentProvider, request: TransitionRequest, notices: Notices): Promise<TransitionOutcome> {
  const order = await db.selectFrom('orders').selectAll().where('number', '=', request.orderNumber).executeTakeFirst();
  if (!order) throw new OrderNotFoundError(`No order ${request.orderNumber.slice(0, 20)}.`);
  const left = order.total_cents - order.refunded_cents;
  if (order.status === 'pending' || (order.status === 'paid' && left === 0)) return cancelWithoutRefund(db, payments, order, request.staff, notices);
  if (order.status !== 'paid' && order.status !== 'processing') throw new TransitionError(checkTransition(order.status, 'cancelled') ?? 'This order cannot be cancelled.');
  const fullStatus = canTransition(order.status, 'cancelled') ? 'cancelled' : 'refunded';
  try {
    const cancellation: RefundRequest = { orderNumber: order.number, amountCents: left, reason: 'Order cancelled', restock: true, by: request.staff, fullStatus };
    const { order: after } = await refundOrder(db, payments, cancellation, notices);
    return { order: after, from: order.status, refundedCents: left };
  } catch (error) {
    if (!(error instanceof RefundError)) throw error;
    throw new TransitionError(error.field === 'amount' ? 'A refund of this order is already under way; look at the order again.' : error.message);
  }
}

async function cancelWithoutRefund(db: Db, payments: PaymentProvider, order: Order, staff: TransitionRequest['staff'], notices: Notices): Promise<TransitionOutcome> {
  if (order.status === 'pending' && order.payment_id) {
    // Stop the payment first, so it cannot go through after the goods went back on the shelf.
    const payment = await payments.cancelPayment(order.payment_id).catch(() => undefined);
    if (payment && (payment.status === 'succeeded' || payment.status === 'pending')) {
      throw new TransitionError('The payment has gone through at the provider. Wait until the order shows as paid, then cancel and refund it.');
    }
  }
  return db.transaction().execute(async (trx) => {
    const locked = await lockOrder(trx, order.number);
    if (locked.status !== order.status) throw new TransitionError(checkTransition(locked.status, 'cancelled') ?? 'The order changed meanwhile; look at it again.');
    if (order.status === 'pending') await releaseUnpaidOrderIn(trx, order.id, { staffId: staff.actorId }, 'cancelled by staff');
    else {
      // A paid order with nothing to refund (a free one): cancelled and restocked all the same.
      await moveOrderIn(trx, order.id, order.status, 'cancelled', { staffId: staff.actorId }, 'cancelled by staff');
      await restock(trx, order.id, { reason: 'cancelled', staffId: staff.actorId });
      await trx.deleteFrom('coupon_redemptions').where('order_id', '=', order.id).execute();
    }
    await auditMove(trx, locked, 'cancelled', staff, {});
    await notices.queue(trx, { kind: 'order.cancelled', orderId: order.id, refundedCents: 0 });
    return { order: { ...locked, status: 'cancelled' as const }, from: locked.status, refundedCents: 0 };
  });
}
