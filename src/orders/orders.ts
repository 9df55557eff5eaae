import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';

/** The signed part of a guest's order link: it opens that order, and only that one. */
export function orderLinkToken(orderNumber: string, secret: string): string {
  return createHmac('sha256', secret).update(`order:${orderNumber}`).digest('base64url');
}

function isOrderLinkToken(orderNumber: string, token: string, secret: string): boolean {
  const expected = Buffer.from(orderLinkToken(orderNumber, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface OrderViewer {
  userId: number | null;
  isAdmin: boolean;
  token?: string;
  secret: string;
}

/**
 * The order with its items and history, for its owner, staff, or whoever holds the signed
 * link; undefined for anyone else (so someone else's order looks exactly like no order).
 */
export async function findOrderForViewer(db: DbOrTx, orderNumber: string, viewer: OrderViewer) {
  if (!/^HS-[0-9A-Z]{8}$/.test(orderNumber)) return undefined;
  const order = await db.selectFrom('orders').selectAll().where('number', '=', orderNumber).executeTakeFirst();
  if (!order) return undefined;
  const allowed =
    viewer.isAdmin ||
    (viewer.userId !== null && order.user_id === viewer.userId) ||
    (viewer.token !== undefined && isOrderLinkToken(order.number, viewer.token, viewer.secret));
  if (!allowed) return undefined;
  const [items, events, returns] = await Promise.all([
    db.selectFrom('order_items').selectAll().where('order_id', '=', order.id).orderBy('id').execute(),
    db.selectFrom('order_events').select(['from_status', 'to_status', 'actor', 'note', 'occurred_at']).where('order_id', '=', order.id).orderBy('occurred_at').orderBy('id').execute(),
    db.selectFrom('return_requests').select(['id', 'status', 'reason', 'requested_at']).where('order_id', '=', order.id).orderBy('id').execute(),
  ]);
  return { order, items, events, returns };
}

export type OrderDetail = NonNullable<Awaited<ReturnType<typeof findOrderForViewer>>>;

export async function listOrdersForUser(db: DbOrTx, userId: number): Promise<Order[]> {
  return db.selectFrom('orders').selectAll().where('user_id', '=', userId).orderBy('placed_at', 'desc').limit(100).execute();
}

/** One page of a member's orders, newest first, and how many they have in all. */
export async function listOrdersPageForUser(db: DbOrTx, userId: number, page: { page: number; limit: number }): Promise<{ orders: Order[]; total: number }> {
  const [orders, count] = await Promise.all([
    db
      .selectFrom('orders')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset((page.page - 1) * page.limit)
      .execute(),
    db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('count')).where('user_id', '=', userId).executeTakeFirstOrThrow(),
  ]);
  return { orders, total: Number(count.count) };
}
