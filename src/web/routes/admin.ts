import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';
import { requireAdmin } from '../session.js';
import { adminApiKeyRoutes } from './admin/api-keys.js';
import { adminAuditRoutes } from './admin/audit.js';
import { adminCategoryRoutes } from './admin/categories.js';
import { adminCouponRoutes } from './admin/coupons.js';
import { adminDashboardRoutes } from './admin/dashboard.js';
import { adminEventRoutes } from './admin/events.js';
import { adminImportRoutes } from './admin/import.js';
import { adminInventoryRoutes } from './admin/inventory.js';
import { adminMailRoutes } from './admin/mail.js';
import { adminOrderRoutes } from './admin/orders.js';
import { adminProductRoutes } from './admin/products.js';
import { adminUserRoutes } from './admin/users.js';

/**
 * The back office. Its one role check is here, for every path below /admin, before any of
 * the areas' routes (one sub-app per area in ./admin/).
 */
export function adminRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('/admin', requireAdmin());
  app.use('/admin/*', requireAdmin());
  app.route('/', adminDashboardRoutes(deps));
  app.route('/', adminEventRoutes(deps));
  // Import before products, so /admin/products/import is not taken for a product id.
  app.route('/', adminImportRoutes(deps));
  app.route('/', adminProductRoutes(deps));
  app.route('/', adminCategoryRoutes(deps));
  app.route('/', adminInventoryRoutes(deps));
  app.route('/', adminOrderRoutes(deps));
  app.route('/', adminUserRoutes(deps));
  app.route('/', adminCouponRoutes(deps));
  app.route('/', adminApiKeyRoutes(deps));
  app.route('/', adminAuditRoutes(deps));
  app.route('/', adminMailRoutes(deps));
  return app;
}
