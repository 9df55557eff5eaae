import type { IdleCart } from '../cart/abandoned-carts.js';
import type { DbOrTx } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import type { OutboxRow } from './outbox.js';

/** The account fields a message needs; `email` is where it goes (except for 'account.email_changed'). */
export interface MailUser {
  id: number;
  email: string;
  first_name: string;
}

/** An order as checkout just wrote it, with what each line bought: what its confirmation says. */
export interface PlacedOrderSummary {
  order: Order;
  items: { product_name: string; quantity: number; unit_price_cents: number }[];
}

/**
 * Something a customer is told about. The kind is also the outbox row's kind. Domain commands
 * hand a notice to `Notices.queue` inside their own transaction; what the message says is
 * decided by the mail module, so the domain never imports views.
 */
export type Notice =
  /** `placed`: the order and its items as checkout wrote them, so they need not be read again. */
  | { kind: 'order.confirmation'; orderId: number; placed?: PlacedOrderSummary }
  | { kind: 'order.shipped' | 'order.delivered'; orderId: number }
  | { kind: 'order.cancelled'; orderId: number; refundedCents: number }
  /** `refundKey`: the refund's sequence, or the provider's event id: one message per refund. */
  | { kind: 'order.refunded'; orderId: number; amountCents: number; refundKey: string }
  /** `attempt`: the provider's event id, so a redelivered event never mails twice. */
  | { kind: 'order.payment_failed'; orderId: number; attempt: string; reason: string | null }
  | { kind: 'return.approved'; requestId: number }
  /** `token`: the single-use link token just issued, which only this message carries. */
  | { kind: 'account.verify_email' | 'account.password_reset' | 'account.already_registered'; user: MailUser; token: string }
  | { kind: 'account.welcome'; user: MailUser }
  /** Sent to `oldEmail`; `user.email` is the new address. */
  | { kind: 'account.email_changed'; user: MailUser; oldEmail: string }
  | { kind: 'cart.reminder'; cart: IdleCart };

export type NoticeKind = Notice['kind'];

/** Queues the message a notice calls for, in the caller's transaction (see enqueueMessage). */
export interface Notices {
  queue(db: DbOrTx, notice: Notice): Promise<void>;
  /**
   * The outbox row the notice's message would be, rendered from the data as `db` sees it now,
   * for a caller that inserts it in a statement of its own (queued exactly when that statement
   * changes something); a dedupe key keeps a second copy out as with queue().
   */
  prepare(db: DbOrTx, notice: Notice): Promise<OutboxRow>;
}
