import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';
import { buildTimeline } from './timeline.js';
import type { OrderStatus } from './status.js';

/** No order has that number (or the text is not an order number at all). */
export class OrderNotFoundError extends Error {
  override name = 'OrderNotFoundError';
}

export const ORDER_NUMBER = /^HS-[0-9A-Z]{8}$/;

export interface OrderListFilters {
  status?: OrderStatus;
  /** Placed on or after this UTC day (YYYY-MM-DD). */
  from?: string;
  /** Placed on or before this UTC day (YYYY-MM-DD), the whole day included. */
  to?: string;
  /** Part of an order number or of the buyer's e-mail, any case. */
  q?: string;
  /** Only orders flagged for review (a payment mismatch, a dispute). */
  flagged?: boolean;
  perPage: number;
  offset: number;
}

export interface OrderListRow {
  id: number;
  number: string;
  placed_at: Date;
  email: string;
  status: OrderStatus;
  total_cents: number;
  refunded_cents: number;
  currency: string;
  paid_at: Date | null;
  needs_review: string | null;
  units: number;
}

/** LIKE's own wildcards typed by staff are matched literally. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);

/** Orders for the back office, newest first, with how many match in all (for paging). */
export async function listOrdersForStaff(db: DbOrTx, filters: OrderListFilters): Promise<{ rows: OrderListRow[]; total: number }> {
  let query = db.selectFrom('orders');
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.from) query = query.where('placed_at', '>=', new Date(`${filters.from}T00:00:00Z`));
  if (filters.to) query = query.where('placed_at', '<', nextDay(filters.to));
  if (filters.flagged) query = query.where('needs_review', 'is not', null);
  if (filters.q) {
    const pattern = `%${likeEscaped(filters.q.toLowerCase())}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(number)`, 'like', pattern), eb(sql`lower(email)`, 'like', pattern)]));
  }
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'number', 'placed_at', 'email', 'status', 'total_cents', 'refunded_cents', 'currency', 'paid_at', 'needs_review'])
      .select((eb) =>
        eb
          .selectFrom('order_items')
          .select(sql<number>`coalesce(sum(quantity), 0)::int`.as('units'))
          .whereRef('order_items.order_id', '=', 'orders.id')
          .as('units'),
      )
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.perPage)
      .offset(filters.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((row) => ({ ...row, units: row.units ?? 0 })), total: count.count };
}

const staffName = sql<string | null>`nullif(trim(users.first_name || ' ' || users.last_name), '')`;

/** Everything the order screen shows: the order, its lines, the buyer's account, and its history. */
export async function findOrderForStaff(db: DbOrTx, orderNumber: string) {
  if (!ORDER_NUMBER.test(orderNumber)) return undefined;
  const order = await db.selectFrom('orders').selectAll().where('number', '=', orderNumber).executeTakeFirst();
  if (!order) return undefined;
  const [items, events, refunds, notes, returns, customer] = await Promise.all([
    db.selectFrom('order_items').selectAll().where('order_id', '=', order.id).orderBy('id').execute(),
    db
      .selectFrom('order_events')
      .leftJoin('users', 'users.id', 'order_events.actor_user_id')
      .select(['order_events.id', 'from_status', 'to_status', 'actor', 'note', 'occurred_at', staffName.as('actor_name')])
      .where('order_id', '=', order.id)
      .orderBy('order_events.id')
      .execute(),
    db
      .selectFrom('order_refunds')
      .leftJoin('users', 'users.id', 'order_refunds.actor_user_id')
      .select(['order_refunds.id', 'sequence', 'amount_cents', 'status', 'reason', 'restock', 'provider_refund_id', 'order_refunds.created_at', staffName.as('actor_name')])
      .where('order_id', '=', order.id)
      .orderBy('sequence')
      .execute(),
    db
      .selectFrom('order_notes')
      .leftJoin('users', 'users.id', 'order_notes.author_user_id')
      .select(['order_notes.id', 'body', 'order_notes.created_at', staffName.as('author_name')])
      .where('order_id', '=', order.id)
      .orderBy('order_notes.id')
      .execute(),
    db
      .selectFrom('return_requests')
      .leftJoin('users', 'users.id', 'return_requests.decided_by')
      .select(['return_requests.id', 'return_requests.status', 'reason', 'items', 'requested_at', 'decided_at', staffName.as('decided_by_name')])
      .where('order_id', '=', order.id)
      .orderBy('return_requests.id')
      .execute(),
    order.user_id === null ? undefined : db.selectFrom('users').select(['id', 'email', 'first_name', 'last_name']).where('id', '=', order.user_id).executeTakeFirst(),
  ]);
  const timeline = buildTimeline({ events, refunds, notes, returns });
  const nextRefundSequence = (refunds.at(-1)?.sequence ?? 0) + 1;
  return { order, items, events, refunds, notes, returns, customer, timeline, nextRefundSequence };
}

export type StaffOrderDetail = NonNullable<Awaited<ReturnType<typeof findOrderForStaff>>>;

/** Locks an order row for the rest of the caller's transaction: staff acting at once queue here. */
export async function lockOrder(trx: DbOrTx, orderNumber: string): Promise<Order> {
  const order = ORDER_NUMBER.test(orderNumber) ? await trx.selectFrom('orders').selectAll().where('number', '=', orderNumber).forUpdate().executeTakeFirst() : undefined;
  if (!order) throw new OrderNotFoundError(`No order ${orderNumber.slice(0, 20)}.`);
  return order;
}
