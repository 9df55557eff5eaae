import { recordAudit } from '../accounts/audit.js';
import type { Db } from '../db/database.js';
import type { Notices } from '../mail/notices.js';

/**
 * Staff approve or reject an open return request, once (a decided request is not changed
 * again), with its audit row and, for an approval, the customer's message in the same
 * transaction. Returns the order's number, or undefined when there is no such open request.
 */
export async function decideReturnAsStaff(
  db: Db,
  decision: { requestId: number; status: 'approved' | 'rejected'; staff: { actorId: number; ip: string | null } },
  notices: Notices,
): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const decided = await trx
      .updateTable('return_requests')
      .set({ status: decision.status, decided_at: new Date(), decided_by: decision.staff.actorId })
      .where('id', '=', decision.requestId)
      .where('status', '=', 'requested')
      .returning('order_id')
      .executeTakeFirst();
    if (!decided) return undefined;
    const order = await trx.selectFrom('orders').select(['id', 'number']).where('id', '=', decided.order_id).executeTakeFirstOrThrow();
    await recordAudit(trx, {
      action: 'return.decided',
      actorUserId: decision.staff.actorId,
      ip: decision.staff.ip,
      entity: { type: 'return_request', id: decision.requestId },
      before: { status: 'requested' },
      after: { status: decision.status },
      details: { order_number: order.number, order_id: order.id },
    });
    if (decision.status === 'approved') await notices.queue(trx, { kind: 'return.approved', requestId: decision.requestId });
    return order.number;
  });
}

/** The number of the order a return request belongs to, or undefined. */
export async function findReturnOrderNumber(db: Db, requestId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('return_requests')
    .innerJoin('orders', 'orders.id', 'return_requests.order_id')
    .select('orders.number')
    .where('return_requests.id', '=', requestId)
    .executeTakeFirst();
  return row?.number;
}
