import { Hono } from 'hono';
import { streamLive } from '../../live/event-stream.js';
import { orderChannel } from '../../live/order-events.js';
import { liveVersion } from '../../live/version.js';
import { findOrderForViewer, type OrderViewer } from '../../orders/orders.js';
import { OrderProgress } from '../../../views/orders/order.js';
import type { AppDeps, AppEnv } from '../context.js';
import { NotFoundError } from '../errors.js';
import { byClientIp } from '../rate-limit.js';

/**
 * `GET /orders/:number/events`: the order page's live status, as server-sent events. The
 * same access as the page (owner, admin, or the guest's signed link), checked again at every
 * read, so a viewer who loses access stops receiving; anyone else gets the page's 404.
 */
export function liveRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const clientOf = byClientIp(deps.config.TRUST_PROXY);

  app.get('/orders/:number/events', async (c) => {
    const number = c.req.param('number');
    const token = c.req.query('token');
    const user = c.get('user');
    const viewer: OrderViewer = { userId: user?.id ?? null, isAdmin: user?.role === 'admin', secret: deps.config.APP_SECRET, ...(token ? { token } : {}) };
    const render = async () => {
      const detail = await findOrderForViewer(deps.db, number, viewer);
      if (!detail) return undefined;
      const html = OrderProgress({ detail, token }) as string;
      return { html, version: liveVersion(html) };
    };
    if (!(await findOrderForViewer(deps.db, number, viewer))) {
      c.header('HX-Reswap', 'none'); // htmx swaps error pages; this one must not replace the status
      throw new NotFoundError();
    }
    c.set('pageCaching', 'no-store');
    return streamLive(c, deps.live, { channels: [orderChannel(number)], render, client: clientOf(c) });
  });

  return app;
}
