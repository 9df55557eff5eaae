import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { metricsAccess, processMetrics, renderMetrics } from '../metrics.js';

/**
 * GET /metrics in Prometheus text. On the public app it exists only when no METRICS_PORT is
 * set; with one, server.ts serves `internal: true` routes on that port alone.
 */
export function metricsRoutes(deps: Pick<AppDeps, 'config' | 'database'>, options: { internal?: boolean } = {}) {
  const app = new Hono<AppEnv>();
  const internal = options.internal ?? false;
  if (deps.config.METRICS_PORT !== undefined && !internal) return app;
  const metrics = processMetrics();
  app.get('/metrics', async (c) => {
    const access = metricsAccess(deps.config, c.req.header('authorization'), internal);
    c.header('Cache-Control', 'no-store');
    if (access === 'hidden') return c.text('Not found', 404);
    if (access === 'unauthorized') {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.text('A valid metrics token is required', 401);
    }
    const body = await renderMetrics(deps.database, metrics);
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
  return app;
}
