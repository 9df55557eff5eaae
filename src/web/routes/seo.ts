import { Hono } from 'hono';
import { listSitemapEntries, renderSitemap } from '../../catalog/sitemap.js';
import type { AppDeps, AppEnv } from '../context.js';

/** What crawlers read: where they may go, and every page worth indexing. */
export function seoRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/robots.txt', (c) => {
    // Per-shopper and staff pages are never worth indexing; search results say noindex themselves.
    const rules = ['User-agent: *', 'Disallow: /cart', 'Disallow: /checkout', 'Disallow: /account', 'Disallow: /orders', 'Disallow: /admin', 'Disallow: /api/'];
    return c.text(`${rules.join('\n')}\n\nSitemap: ${deps.config.APP_URL}/sitemap.xml\n`);
  });
  app.get('/sitemap.xml', async (c) => {
    const xml = renderSitemap(deps.config.APP_URL, await listSitemapEntries(deps.db));
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(xml, 200, { 'Content-Type': 'application/xml; charset=utf-8' });
  });
  return app;
}
