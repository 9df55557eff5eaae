import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { User } from '../../db/schema-accounts.js';
import { publishOrderChange } from '../../live/order-events.js';
import { cancelOrder } from '../../orders/cancel.js';
import { findOrderForViewer, listOrdersPageForUser, type OrderDetail } from '../../orders/orders.js';
import type { AppDeps } from '../../web/context.js';
import { noticesFor } from '../../web/order-mail.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { refusalsAsProblems } from '../domain-errors.js';
import { notFound, problemResponses } from '../problem.js';
import { PageQuery } from '../schemas/catalog.js';
import { Order, OrderList, OrderNumberParam, orderJson, orderSummaryJson } from '../schemas/orders.js';
import { jsonAnswer } from '../content.js';

const common = { tags: ['Orders'], security: userSecurity, middleware: requireUser() };

const routes = {
  list: createRoute({
    ...common,
    method: 'get',
    path: '/orders',
    summary: 'My orders, newest first',
    operationId: 'listOrders',
    request: { query: z.object(PageQuery) },
    responses: { 200: jsonAnswer('One page of orders', OrderList), ...problemResponses(400, 401, 403, 429, 503) },
  }),
  get: createRoute({
    ...common,
    method: 'get',
    path: '/orders/{number}',
    summary: 'One of my orders',
    description: 'Lines, totals, status, history and tracking, as the order page shows them. Another user’s order answers 404.',
    operationId: 'getOrder',
    request: { params: OrderNumberParam },
    responses: { 200: jsonAnswer('The order', Order), ...problemResponses(400, 401, 403, 404, 429, 503) },
  }),
  cancel: createRoute({
    ...common,
    method: 'post',
    path: '/orders/{number}/cancel',
    summary: 'Cancel one of my orders',
    description: 'As on the order page: awaiting payment, it is cancelled and its stock released; paid and not yet prepared, it is refunded in full. Later, 409 says why not.',
    operationId: 'cancelOrder',
    request: { params: OrderNumberParam },
    responses: { 200: jsonAnswer('The cancelled order', Order), ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
  }),
};

/** The signed-in user's own orders, found and cancelled through the order page's functions. */
export function registerOrderRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, payments } = deps;
  const me = (c: Context<ApiEnv>) => c.get('apiUser') as User;

  api.openapi(routes.list, async (c) => {
    const { page, limit } = c.req.valid('query');
    const { orders, total } = await listOrdersPageForUser(db, me(c).id, { page, limit });
    return c.json({ items: orders.map(orderSummaryJson), page, limit, total, totalPages: Math.ceil(total / limit) }, 200);
  });

  api.openapi(routes.get, async (c) => c.json(orderJson(await ownOrder(deps, me(c), c.req.valid('param').number)), 200));

  api.openapi(routes.cancel, async (c) => {
    const { order } = await ownOrder(deps, me(c), c.req.valid('param').number);
    await refusalsAsProblems(() => cancelOrder(db, payments, order, noticesFor(deps)));
    await publishOrderChange(deps.live, order.number, 'cancelled');
    return c.json(orderJson(await ownOrder(deps, me(c), order.number)), 200);
  });
}

/** The user's own order with its items and history; anyone else's is 404, exactly like none. */
export async function ownOrder(deps: AppDeps, user: User, number: string): Promise<OrderDetail> {
  const detail = await findOrderForViewer(deps.db, number, { userId: user.id, isAdmin: false, secret: deps.config.APP_SECRET });
  if (!detail) throw notFound('That order');
  return detail;
}
