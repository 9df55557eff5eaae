import { Hono } from 'hono';
import { AdminHomePage } from '../../../views/admin/admin-home.js';
import type { AppDeps, AppEnv } from '../context.js';
import { layoutFor } from '../layout.js';
import { renderPage } from '../render.js';
import { requireAdmin } from '../session.js';

/** The back office. Its one role check is here, for every path below /admin. */
export function adminRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('/admin', requireAdmin());
  app.use('/admin/*', requireAdmin());

  app.get('/admin', async (c) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => AdminHomePage({ layout, adminName: c.get('user')?.first_name ?? '' }) });
  });
  return app;
}
