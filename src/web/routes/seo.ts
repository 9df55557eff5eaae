import { Hono } from 'hono';
import { listSitemapEntries, renderSitemap } from '../../catalog/sitemap.js';
import type { AppDeps, AppEnv } from '../context.js';

/** What crawlers read: where they may go, and every page worth indexing. */
export function seoRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/robots.txt', (c) => {
    // Accounts, orders, an order's payment step, staff screens and the API are no crawler's
    // business; search results say noindex themselves. The cart and checkout stay open
    // (docs/decisions/0014): a crawler has no cart, so it sees the empty cart page.
    const rules = ['User-agent: *', 'Disallow: /checkout/', 'Disallow: /account', 'Disallow: /orders', 'Disallow: /admin', 'Disallow: /api/'];
    return c.text(`${rules.join('\n')}\n\nSitemap: ${deps.config.APP_URL}/sitemap.xml\n`);
  });
  app.get('/sitemap.xml', async (c) => {
    const xml = renderSitemap(deps.config.APP_URL, await listSitemapEntries(deps.db));
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(xml, 200, { 'Content-Type': 'application/xml; charset=utf-8' });
  });
  return app;
}
