import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/database.js';
import type { OrderEventsTable } from '../db/schema-orders.js';
import type { Notices, PlacedOrderSummary } from '../mail/notices.js';
import type { OutboxRow } from '../mail/outbox.js';
import { checkTransition, type OrderStatus } from './status.js';

type Actor = OrderEventsTable['actor'];
/** Who moves an order: a named party, or a member of staff by user id (kept on the event). */
export type MoveActor = Actor | { staffId: number };

const staffIdOf = (actor: MoveActor): number | undefined => (typeof actor === 'string' ? undefined : actor.staffId);

/**
 * Moves an order from `from` to `to` if it is still in `from` (a conditional UPDATE: of two
 * racing callers, say the return URL and the webhook, exactly one moves it) and records the
 * event, in one statement (the event is inserted from the UPDATE's RETURNING, so it exists
 * exactly when the move happened). Returns false when the order had already moved on.
 */
async function move(db: DbOrTx, orderId: number, from: OrderStatus, to: OrderStatus, actor: MoveActor, note = '', extra: Record<string, unknown> = {}): Promise<boolean> {
  return (await moving(db, orderId, from, to, actor, note, extra).selectFrom('moved').select('moved.id').executeTakeFirst()) !== undefined;
}

/**
 * The two CTEs of a move: `moved` (the conditional UPDATE, returning the order's id and cart)
 * and `recorded` (its event, inserted from that RETURNING, so it exists exactly when the move
 * happened). A statement built on them may add what else happens with the move.
 */
function moving(db: DbOrTx, orderId: number, from: OrderStatus, to: OrderStatus, actor: MoveActor, note: string, extra: Record<string, unknown>) {
  const refused = checkTransition(from, to);
  if (refused) throw new Error(refused);
  const staffId = staffIdOf(actor);
  return db
    .with('moved', (qc) => qc.updateTable('orders').set({ status: to, updated_at: new Date(), ...extra }).where('id', '=', orderId).where('status', '=', from).returning(['id', 'cart_id']))
    .with('recorded', (qc) =>
      qc
        .insertInto('order_events')
        .columns(['order_id', 'from_status', 'to_status', 'actor', 'actor_user_id', 'note'])
        .expression((eb) =>
          eb
            .selectFrom('moved')
            .select([
              'moved.id',
              sql<string>`${from}::text`.as('from_status'),
              sql<string>`${to}::text`.as('to_status'),
              sql<string>`${staffId === undefined ? (actor as Actor) : 'staff'}::text`.as('actor'),
              sql<number | null>`${staffId ?? null}::integer`.as('actor_user_id'),
              sql<string>`${note}::text`.as('note'),
            ]),
        )
        .returning('order_events.id'),
    );
}

/**
 * Payment went through: the order is paid, the cart it came from is emptied and the
 * confirmation is queued. Once only. The confirmation is rendered first, from the pending order
 * (what it says does not depend on the payment); then one statement moves the order and records
 * the event, queues the confirmation, and empties the cart (its lines but those saved for later,
 * and its coupon), each from the move's RETURNING, so none of it happens when another caller
 * moved the order first; the confirmation's dedupe key (the order number) keeps a second one
 * out even so.
 *
 * `placed`: the order and its items as checkout just wrote them (its card is charged in the
 * same request), so the confirmation needs no read. Being one statement it needs no
 * transaction of its own (checkout's path: one round trip instead of seven, two where the
 * order is read for its confirmation); a caller's transaction holds it with the rest (a
 * webhook records its event id in the same one).
 */
export async function markOrderPaid(db: DbOrTx, orderId: number, payment: { paymentId: string; actor: Actor }, notices: Notices, placed?: PlacedOrderSummary): Promise<boolean> {
  const confirmation = await notices.prepare(db, { kind: 'order.confirmation', orderId, ...(placed ? { placed } : {}) });
  const paidCart = sql<number>`(SELECT cart_id FROM moved)`;
  const paid = await moving(db, orderId, 'pending', 'paid', payment.actor, '', { payment_id: payment.paymentId, paid_at: new Date(), expires_at: null })
    .with('queued', (qc) =>
      qc
        .insertInto('outbox_messages')
        .columns(OUTBOX_COLUMNS)
        .expression((eb) => eb.selectFrom('moved').select(OUTBOX_COLUMNS.map((column) => sql<string | null>`${confirmation[column]}::text`.as(column))))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('outbox_messages.id'),
    )
    .with('emptied', (qc) => qc.deleteFrom('cart_lines').where('cart_id', '=', paidCart).where('saved_for_later', '=', false).returning('cart_lines.id'))
    .with('cleared', (qc) => qc.updateTable('carts').set({ coupon_code: null, updated_at: new Date() }).where('id', '=', paidCart).returning('carts.id'))
    .selectFrom('moved')
    .select('moved.id')
    .executeTakeFirst();
  return paid !== undefined;
}

const OUTBOX_COLUMNS = ['kind', 'channel', 'recipient', 'subject', 'text_body', 'html_body', 'list_unsubscribe', 'dedupe_key'] as const satisfies readonly (keyof OutboxRow)[];

/**
 * An unpaid order that will not be paid (declined, failed, expired, cancelled): it is
 * cancelled, its stock goes back and its coupon use is released. The cart is left as it was,
 * so the shopper can try again. Once only.
 */
export async function releaseUnpaidOrder(db: Db, orderId: number, actor: Actor, note: string, recorded: { payment_id?: string } = {}): Promise<boolean> {
  return db.transaction().execute((trx) => releaseUnpaidOrderIn(trx, orderId, actor, note, recorded));
}

/** `recorded`: the declined payment's id, when the order does not hold it yet. */
export async function releaseUnpaidOrderIn(trx: DbOrTx, orderId: number, actor: MoveActor, note: string, recorded: { payment_id?: string } = {}): Promise<boolean> {
  const cancelled = await move(trx, orderId, 'pending', 'cancelled', actor, note, { expires_at: null, ...recorded });
  if (!cancelled) return false;
  const staffId = staffIdOf(actor);
  await restock(trx, orderId, { reason: 'cancelled', ...(staffId === undefined ? {} : { staffId }) });
  await trx.deleteFrom('coupon_redemptions').where('order_id', '=', orderId).execute();
  return true;
}

/** A status move inside the caller's transaction, for other settlements (refunds). */
export { move as moveOrderIn };

/** Why an order's goods went back on the shelf, as the stock history (stock_movements) records it. */
export type RestockReason = 'restock' | 'cancelled' | 'refund';

/**
 * Puts an order's items back in stock (variants that still exist), in variant id order. The
 * stock history is written by a trigger; one statement tells it why, which order (its number)
 * and which member of staff, for the rest of this transaction (decision 0009).
 */
export async function restock(db: DbOrTx, orderId: number, why: { reason?: RestockReason; staffId?: number } = {}): Promise<void> {
  await sql`SELECT set_config('hyperstore.stock_reason', ${why.reason ?? 'restock'}, true),
    set_config('hyperstore.stock_note', coalesce((SELECT number FROM orders WHERE id = ${orderId}), ''), true),
    set_config('hyperstore.actor_user_id', ${why.staffId === undefined ? '' : String(why.staffId)}, true)`.execute(db);
  const items = await db
    .selectFrom('order_items')
    .select(['variant_id', 'quantity'])
    .where('order_id', '=', orderId)
    .where('variant_id', 'is not', null)
    .orderBy('variant_id')
    .execute();
  for (const item of items) {
    await db
      .updateTable('product_variants')
      .set({ stock: sql`stock + ${item.quantity}` })
      .where('id', '=', item.variant_id!)
      .execute();
  }
}
