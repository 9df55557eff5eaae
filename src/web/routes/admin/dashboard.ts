import { Hono } from 'hono';
import { DashboardPage } from '../../../../views/admin/dashboard.js';
import { listLatestOrders, loadDashboardFigures } from '../../../orders/sales-report.js';
import { cacheFor } from '../../../store/json-cache.js';
import { adminLayoutFor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { renderPage } from '../../render.js';

/** The figures are kept this long, so staff reloading the dashboard do not aggregate 30 days each time. */
const FIGURES_TTL_SECONDS = 5;

export function adminDashboardRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const cache = cacheFor(deps.store);
  const currency = deps.config.CURRENCY;
  const figures = () => cache.getOrLoad(`admin:dashboard:${currency}`, FIGURES_TTL_SECONDS, () => loadDashboardFigures(deps.db, { now: new Date(), currency }));

  app.get('/admin', async (c) => {
    const [layout, { report, lowStock }, latest] = await Promise.all([adminLayoutFor(deps, c), figures(), listLatestOrders(deps.db)]);
    return renderPage(c, { page: () => DashboardPage({ layout, report, lowStock, latest, now: new Date() }) });
  });

  return app;
}
