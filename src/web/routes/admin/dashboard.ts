import { Hono } from 'hono';
import { AdminHomePage } from '../../../../views/admin/admin-home.js';
import { adminLayoutFor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { renderPage } from '../../render.js';

export function adminDashboardRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/admin', async (c) => {
    const layout = await adminLayoutFor(deps, c);
    return renderPage(c, { page: () => AdminHomePage({ layout }) });
  });
  return app;
}
