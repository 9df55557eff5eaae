import { Hono } from 'hono';
import { LATEST_ORDERS_EVENTS_PATH, LatestOrders } from '../../../../views/admin/dashboard.js';
import { streamLive } from '../../../live/event-stream.js';
import { byClientIp } from '../../rate-limit.js';
import { NEW_ORDERS_CHANNEL } from '../../../live/order-events.js';
import { liveVersion } from '../../../live/version.js';
import { listLatestOrders } from '../../../orders/sales-report.js';
import type { AppDeps, AppEnv } from '../../context.js';

/**
 * `GET /admin/events` (admin only, like every path under /admin): the dashboard's latest
 * orders as server-sent events, sent again when an order is paid. The version is the list
 * itself (not its "updated" clock), so a reconnect sends the list only when it changed.
 */
export function adminEventRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const clientOf = byClientIp(deps.config.TRUST_PROXY);
  app.get(LATEST_ORDERS_EVENTS_PATH, (c) =>
    streamLive(c, deps.live, {
      channels: [NEW_ORDERS_CHANNEL],
      render: async () => {
        const orders = await listLatestOrders(deps.db);
        return { html: LatestOrders({ orders, now: new Date() }) as string, version: liveVersion(orders) };
      },
      client: clientOf(c),
    }),
  );
  return app;
}
