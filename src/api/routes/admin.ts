import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findUserForStaff, listUsersForStaff, readUserFilters } from '../../accounts/customer-admin.js';
import { CannotChangeOwnAccountError, changeUserAccess } from '../../accounts/user-admin.js';
import { findOrderForStaff, listOrdersForStaff, OrderNotFoundError } from '../../orders/admin-orders.js';
import { TransitionError } from '../../orders/fulfilment.js';
import { readOrderFilters, statusForm } from '../../orders/order-forms.js';
import type { AppDeps } from '../../web/context.js';
import { clientIp } from '../../web/rate-limit.js';
import { moveOrderAsStaff } from '../../web/staff-order-moves.js';
import type { ApiApp } from '../app.js';
import { requireStaff, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { ApiProblem, conflict, notFound, problemResponses, unprocessable, type FieldError } from '../problem.js';
import {
  AdminOrder,
  AdminOrderDetail,
  adminOrderDetailJson,
  adminOrderJson,
  AdminOrderQuery,
  AdminUser,
  AdminUserAccount,
  adminUserAccountJson,
  adminUserJson,
  AdminUserQuery,
  OrderNumberParam,
  OrderStatusInput,
  pageJson,
  pageOf,
  UserIdParam,
  UserStatusInput,
} from '../schemas/admin.js';
import { jsonAnswer, jsonBody } from '../content.js';

const tags = ['Staff'];

const listOrders = createRoute({
  method: 'get',
  path: '/admin/orders',
  tags,
  summary: 'List orders, newest first, with the back office’s filters',
  operationId: 'listOrdersForStaff',
  security: userSecurity,
  middleware: [requireStaff()] as const,
  request: { query: AdminOrderQuery },
  responses: { 200: jsonAnswer('A page of orders', pageOf(AdminOrder).openapi('AdminOrderPage')), ...problemResponses(400, 401, 403, 429, 503) },
});

const getOrder = createRoute({
  method: 'get',
  path: '/admin/orders/{number}',
  tags,
  summary: 'One order with its lines, buyer and history',
  operationId: 'getOrderForStaff',
  security: userSecurity,
  middleware: [requireStaff()] as const,
  request: { params: OrderNumberParam },
  responses: { 200: jsonAnswer('The order', AdminOrderDetail), ...problemResponses(400, 401, 403, 404, 429, 503) },
});

const changeOrderStatusRoute = createRoute({
  method: 'post',
  path: '/admin/orders/{number}/status',
  tags,
  summary: 'Move an order: processing, shipped (with carrier and tracking number), delivered or cancelled',
  description: 'The state machine decides; a move it does not allow is refused with 409 and changes nothing. Cancelling a paid order refunds it in full. The customer is e-mailed when the order ships, is delivered or is cancelled.',
  operationId: 'changeOrderStatus',
  security: userSecurity,
  middleware: [requireStaff()] as const,
  request: { params: OrderNumberParam, body: jsonBody(OrderStatusInput) },
  responses: { 200: jsonAnswer('The order after the move', AdminOrderDetail), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
});

const listUsers = createRoute({
  method: 'get',
  path: '/admin/users',
  tags,
  summary: 'List accounts, newest first, with the back office’s filters',
  operationId: 'listUsersForStaff',
  security: userSecurity,
  middleware: [requireStaff()] as const,
  request: { query: AdminUserQuery },
  responses: { 200: jsonAnswer('A page of accounts', pageOf(AdminUser).openapi('AdminUserPage')), ...problemResponses(400, 401, 403, 429, 503) },
});

const changeUserStatus = createRoute({
  method: 'post',
  path: '/admin/users/{id}/status',
  tags,
  summary: 'Deactivate or reactivate an account',
  description: 'Deactivation ends the account’s sessions and API tokens at once. Staff cannot change their own account (409).',
  operationId: 'changeUserStatus',
  security: userSecurity,
  middleware: [requireStaff()] as const,
  request: { params: UserIdParam, body: jsonBody(UserStatusInput) },
  responses: { 200: jsonAnswer('The account after the change', AdminUserAccount), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429, 503) },
});

/** Staff tools over the API: the back office's order and account screens, as JSON. */
export function registerAdminRoutes(api: ApiApp, deps: AppDeps): void {
  const actor = (c: Context<ApiEnv>) => ({ actorId: c.get('apiUser')!.id, ip: clientIp(c, deps.config.TRUST_PROXY) });

  api.openapi(listOrders, async (c) => {
    const { page, limit, flagged, ...query } = c.req.valid('query');
    const { applied, errors } = readOrderFilters({ ...query, flagged: flagged === 'true' ? '1' : undefined });
    refuseFilters(errors);
    const { rows, total } = await listOrdersForStaff(deps.db, { ...applied, perPage: limit, offset: (page - 1) * limit });
    return c.json(pageJson(rows.map(adminOrderJson), page, limit, total), 200);
  });

  api.openapi(getOrder, async (c) => {
    const detail = await findOrderForStaff(deps.db, c.req.valid('param').number);
    if (!detail) throw notFound('This order');
    return c.json(adminOrderDetailJson(detail), 200);
  });

  api.openapi(changeOrderStatusRoute, async (c) => {
    const { number } = c.req.valid('param');
    const input = c.req.valid('json');
    // The back office's form rules (shipping needs a carrier and a tracking number of the right shape).
    const parsed = statusForm.safeParse({ status: input.status, carrier: input.carrier, tracking_number: input.trackingNumber });
    if (!parsed.success) throw unprocessable('The order was not changed.', parsed.error.issues.map(bodyFieldError));
    const { status: to, carrier, tracking_number: trackingNumber } = parsed.data;
    try {
      await moveOrderAsStaff(deps, { orderNumber: number, to, carrier, trackingNumber, staff: actor(c) });
    } catch (error) {
      if (error instanceof OrderNotFoundError) throw notFound('This order');
      if (error instanceof TransitionError) throw conflict(error.message, 'transition-refused');
      throw error;
    }
    const detail = await findOrderForStaff(deps.db, number);
    return c.json(adminOrderDetailJson(detail!), 200);
  });

  api.openapi(listUsers, async (c) => {
    const { page, limit, ...query } = c.req.valid('query');
    const { applied, errors } = readUserFilters(query);
    refuseFilters(errors);
    const { rows, total } = await listUsersForStaff(deps.db, { ...applied, perPage: limit, offset: (page - 1) * limit });
    return c.json(pageJson(rows.map(adminUserJson), page, limit, total), 200);
  });

  api.openapi(changeUserStatus, async (c) => {
    const { id } = c.req.valid('param');
    try {
      const found = await changeUserAccess(deps.db, deps.sessions, { ...actor(c), userId: id, active: c.req.valid('json').active });
      if (!found) throw notFound('This account');
    } catch (error) {
      if (error instanceof CannotChangeOwnAccountError) throw conflict(error.message, 'own-account');
      throw error;
    }
    const detail = await findUserForStaff(deps.db, deps.sessions, id);
    if (!detail) throw notFound('This account');
    return c.json(adminUserAccountJson(detail.user), 200);
  });
}

/**
 * The lists' own filter rules (a last day before the first) refuse the request here; the back
 * office shows the list anyway, with a note, since a person is looking at it.
 */
function refuseFilters(errors: Record<string, string>): void {
  const fields = Object.entries(errors).map(([name, message]) => ({ field: `query.${name}`, message: `${message.split(';')[0]!.replace(/\.$/, '')}.` }));
  if (fields.length) throw new ApiProblem(400, 'validation', 'The request is not valid', 'Some filters are invalid; see errors.', fields);
}

const apiNames: Record<string, string> = { tracking_number: 'trackingNumber' };

function bodyFieldError(issue: z.core.$ZodIssue): FieldError {
  return { field: ['body', ...issue.path.map((part) => apiNames[String(part)] ?? String(part))].join('.'), message: issue.message };
}
