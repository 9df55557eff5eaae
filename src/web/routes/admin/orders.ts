import type { Context } from 'hono';
import { Hono } from 'hono';
import { OrderDetailPage } from '../../../../views/admin/order-detail.js';
import { OrderResults, OrdersPage } from '../../../../views/admin/orders.js';
import { findOrderForStaff, listOrdersForStaff, OrderNotFoundError } from '../../../orders/admin-orders.js';
import { TransitionError } from '../../../orders/fulfilment.js';
import { addOrderNote } from '../../../orders/notes.js';
import { noteForm, readOrderFilters, refundForm, returnDecisionForm, statusForm } from '../../../orders/order-forms.js';
import { refundOrder, RefundError } from '../../../orders/refunds.js';
import { decideReturnAsStaff, findReturnOrderNumber } from '../../../orders/return-decisions.js';
import type { FieldErrors } from '../../../../views/components/field.js';
import { adminLayoutFor, flash, idParam, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { fieldErrors, readForm } from '../../forms.js';
import { noticesFor } from '../../order-mail.js';
import { redirectTo, renderPage } from '../../render.js';
import { moveOrderAsStaff } from '../../staff-order-moves.js';
import { publishOrderChange } from '../../../live/order-events.js';

const moveNotices = { processing: 'The order is being prepared.', shipped: 'Marked shipped; the customer has been e-mailed.', delivered: 'Marked delivered.', cancelled: 'The order is cancelled.' } as const;

/** Orders in the back office: the list, one order, its moves, refunds, notes and return decisions. */
export function adminOrderRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const path = (number: string) => `/admin/orders/${number}`;

  /** The order screen again, after a refused form: its message, field errors and what was typed. */
  async function refused(c: Context<AppEnv>, number: string, status: 409 | 422, refusal: { error?: string; errors?: FieldErrors; values?: Record<string, string> }) {
    const [layout, detail] = await Promise.all([adminLayoutFor(deps, c), findOrderForStaff(deps.db, number)]);
    if (!detail) throw new NotFoundError();
    return renderPage(c, { page: () => OrderDetailPage({ layout, detail, ...refusal }) }, status);
  }

  app.get('/admin/orders', async (c) => {
    const { page, perPage, offset } = pageParams(c);
    const { values, applied, errors } = readOrderFilters(c.req.query());
    const [layout, { rows, total }] = await Promise.all([adminLayoutFor(deps, c), listOrdersForStaff(deps.db, { ...applied, perPage, offset })]);
    const props = { layout, filters: values, errors, rows, total, page, pageCount: Math.max(1, Math.ceil(total / perPage)) };
    return renderPage(c, { page: () => OrdersPage(props), fragment: () => OrderResults(props) }, Object.keys(errors).length ? 422 : 200);
  });

  app.get('/admin/orders/:number', async (c) => {
    const [layout, detail] = await Promise.all([adminLayoutFor(deps, c), findOrderForStaff(deps.db, c.req.param('number'))]);
    if (!detail) throw new NotFoundError();
    return renderPage(c, { page: () => OrderDetailPage({ layout, detail }) });
  });

  app.post('/admin/orders/:number/status', async (c) => {
    const number = c.req.param('number');
    const values = await readForm(c);
    const parsed = statusForm.safeParse(values);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return refused(c, number, 422, { errors, values, error: errors.status ?? 'The order was not changed: see the form.' });
    }
    const { status: to, carrier, tracking_number: trackingNumber } = parsed.data;
    try {
      await moveOrderAsStaff(deps, { orderNumber: number, to, carrier, trackingNumber, staff: staffActor(deps, c) });
    } catch (error) {
      if (error instanceof OrderNotFoundError) throw new NotFoundError();
      if (error instanceof TransitionError) return refused(c, number, 409, { error: error.message });
      throw error;
    }
    await flash(deps, c, moveNotices[to]);
    return redirectTo(c, path(number));
  });

  app.post('/admin/orders/:number/refund', async (c) => {
    const number = c.req.param('number');
    const values = await readForm(c);
    const parsed = refundForm.safeParse(values);
    if (!parsed.success) return refused(c, number, 422, { errors: fieldErrors(parsed.error), values, error: 'Nothing was refunded: see the form.' });
    const { amount, reason, restock, sequence } = parsed.data;
    try {
      const request = { orderNumber: number, amountCents: amount, reason, restock: restock === '1', by: staffActor(deps, c), ...(sequence ? { sequence } : {}) };
      const { order, refund, repeated } = await refundOrder(deps.db, deps.payments, request, noticesFor(deps));
      if (refund.restock) deps.catalog.invalidate();
      if (!repeated) await publishOrderChange(deps.live, order.number, order.status);
      await flash(deps, c, repeated ? `Refund #${refund.sequence} was already made; nothing more was refunded.` : `Refund #${refund.sequence} made; the customer has been e-mailed.`);
    } catch (error) {
      if (error instanceof OrderNotFoundError) throw new NotFoundError();
      if (!(error instanceof RefundError)) throw error;
      const refusal = error.field === 'form' ? { error: error.message } : { errors: { [error.field]: error.message }, values, error: 'Nothing was refunded: see the form.' };
      return refused(c, number, error.status, refusal);
    }
    return redirectTo(c, path(number));
  });

  app.post('/admin/orders/:number/notes', async (c) => {
    const number = c.req.param('number');
    const values = await readForm(c);
    const parsed = noteForm.safeParse(values);
    if (!parsed.success) return refused(c, number, 422, { errors: fieldErrors(parsed.error), values });
    try {
      await addOrderNote(deps.db, { orderNumber: number, body: parsed.data.body, staff: staffActor(deps, c) });
    } catch (error) {
      if (error instanceof OrderNotFoundError) throw new NotFoundError();
      throw error;
    }
    await flash(deps, c, 'Note added.');
    return redirectTo(c, path(number));
  });

  /** Staff approve or reject a return request, once; back to its order. */
  app.post('/admin/returns/:id/decision', async (c) => {
    const requestId = idParam(c);
    const parsed = returnDecisionForm.safeParse(await readForm(c));
    if (!parsed.success) {
      const orderNumber = await findReturnOrderNumber(deps.db, requestId);
      if (!orderNumber) throw new NotFoundError();
      return refused(c, orderNumber, 422, { error: 'Choose approve or reject.' });
    }
    const number = await decideReturnAsStaff(deps.db, { requestId, status: parsed.data.decision, staff: staffActor(deps, c) }, noticesFor(deps));
    if (!number) throw new NotFoundError();
    await flash(deps, c, `Return #${requestId} ${parsed.data.decision}.`);
    return redirectTo(c, path(number));
  });
  return app;
}
