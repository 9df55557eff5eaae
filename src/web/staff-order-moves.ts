import { publishOrderChange } from '../live/order-events.js';
import { changeOrderStatus, type TransitionOutcome, type TransitionRequest } from '../orders/fulfilment.js';
import type { AppDeps } from './context.js';
import { noticesFor } from './order-mail.js';

/**
 * A staff move of an order with what follows it outside the transaction. The back office and
 * the staff API both come here, so the two can never differ in what a move sets off.
 * Throws OrderNotFoundError or TransitionError as changeOrderStatus does.
 */
export async function moveOrderAsStaff(deps: Pick<AppDeps, 'db' | 'payments' | 'config' | 'catalog' | 'live'>, request: TransitionRequest): Promise<TransitionOutcome> {
  const outcome = await changeOrderStatus(deps.db, deps.payments, request, noticesFor(deps));
  // A cancellation put the stock back on the shelf: cached catalog pages would still show it sold.
  if (request.to === 'cancelled') deps.catalog.invalidate();
  // Open order screens (the customer's and staff's) update themselves.
  await publishOrderChange(deps.live, outcome.order.number, outcome.order.status);
  return outcome;
}
