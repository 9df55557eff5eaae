import type { DbOrTx } from '../db/database.js';
import type { OrderStatus } from '../orders/status.js';
import type { LiveBus } from './bus.js';

/** One channel per order: the pages showing it listen there. */
export const orderChannel = (orderNumber: string): string => `order:${orderNumber}`;
/** Orders just paid, for the back office's dashboard. */
export const NEW_ORDERS_CHANNEL = 'orders:new';

/**
 * Called after the commit that moved an order (never inside its transaction): the pages
 * showing it read it again; a newly paid one also reaches the dashboard. Only pending → paid
 * makes an order paid, so "paid" means new.
 */
export async function publishOrderChange(live: LiveBus, orderNumber: string, status: OrderStatus): Promise<void> {
  // Two channels, no order between them: sent together (one round trip to Redis, not two).
  await Promise.all([live.publish(orderChannel(orderNumber), { number: orderNumber, status }), ...(status === 'paid' ? [live.publish(NEW_ORDERS_CHANNEL, { number: orderNumber })] : [])]);
}

/** The same, for callers that know only the order's id (a payment event): its number and status as committed. */
export async function publishOrderChangeById(db: DbOrTx, live: LiveBus, orderId: number): Promise<void> {
  const order = await db.selectFrom('orders').select(['number', 'status']).where('id', '=', orderId).executeTakeFirst();
  if (order) await publishOrderChange(live, order.number, order.status);
}
