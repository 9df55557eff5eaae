import { Hono } from 'hono';
import { preferredEncoding } from '../compression.js';
import type { AppDeps, AppEnv } from '../context.js';

/** Fingerprinted assets from memory: the name changes with the content, so they can be cached forever. */
export function assetRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/assets/:file', (c) => {
    const asset = deps.assets.byUrl(c.req.path);
    if (!asset) return c.notFound();
    const encoding = preferredEncoding(c.req.header('Accept-Encoding'));
    const body = encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body;
    c.header('Content-Type', asset.contentType);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('Vary', 'Accept-Encoding');
    if (encoding) c.header('Content-Encoding', encoding);
    return c.body(body);
  });
  return app;
}
