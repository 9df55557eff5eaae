import { recordAudit } from '../accounts/audit.js';
import type { Db } from '../db/database.js';
import { lockOrder } from './admin-orders.js';

/**
 * An internal note on an order, for staff only: it is never shown to the customer (their order
 * page reads order_events, never order_notes). Audited with its text, in the same transaction.
 */
export async function addOrderNote(db: Db, note: { orderNumber: string; body: string; staff: { actorId: number; ip: string | null } }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const order = await lockOrder(trx, note.orderNumber);
    const row = await trx.insertInto('order_notes').values({ order_id: order.id, author_user_id: note.staff.actorId, body: note.body }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: 'order.note_added',
      actorUserId: note.staff.actorId,
      ip: note.staff.ip,
      entity: { type: 'order', id: order.id },
      after: { note_id: row.id, body: note.body },
      details: { order_number: order.number },
    });
    return row.id;
  });
}
