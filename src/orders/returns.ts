import type { Db } from '../db/database.js';
import type { Order } from '../db/schema-orders.js';

export class ReturnError extends Error {
  override name = 'ReturnError';
}

/**
 * A return request for a delivered order: which items, how many (never more than were bought),
 * and why. One open request per order; staff approve or reject it in the back office.
 */
export async function requestReturn(db: Db, order: Order, request: { reason: string; items: Map<number, number> }): Promise<number> {
  if (order.status !== 'delivered') throw new ReturnError('Returns can be requested once an order has been delivered.');
  const reason = request.reason.trim();
  if (reason.length < 3 || reason.length > 2000) throw new ReturnError('Tell us briefly why you are returning the items (up to 2,000 characters).');
  const bought = await db.selectFrom('order_items').select(['id', 'quantity']).where('order_id', '=', order.id).execute();
  const quantities = new Map(bought.map((item) => [item.id, item.quantity]));
  const items = [...request.items].filter(([, quantity]) => quantity > 0);
  if (items.length === 0) throw new ReturnError('Choose at least one item to return.');
  for (const [itemId, quantity] of items) {
    const most = quantities.get(itemId);
    if (most === undefined) throw new ReturnError('That item is not part of this order.');
    if (!Number.isInteger(quantity) || quantity > most) throw new ReturnError(`You can return at most ${most} of that item.`);
  }
  try {
    const row = await db
      .insertInto('return_requests')
      .values({ order_id: order.id, reason, items: JSON.stringify(items.map(([order_item_id, quantity]) => ({ order_item_id, quantity }))) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new ReturnError('A return for this order is already waiting for us.');
    throw error;
  }
}

/** Staff decide an open request (once: a decided request is not changed again). Returns false when there is none open. */
export async function decideReturn(db: Db, requestId: number, decision: 'approved' | 'rejected', staffId: number): Promise<boolean> {
  const decided = await db
    .updateTable('return_requests')
    .set({ status: decision, decided_at: new Date(), decided_by: staffId })
    .where('id', '=', requestId)
    .where('status', '=', 'requested')
    .executeTakeFirst();
  return decided.numUpdatedRows > 0n;
}
