import { Hono, type Context } from 'hono';
import { contentTypeOfKey, isMediaKey, mediaStorageFor } from '../../media/storage.js';
import type { AppDeps, AppEnv } from '../context.js';

/**
 * What every answer from /media carries: a picture is never a document (no script, no
 * plugin, no same-origin access even if a browser were talked into rendering one), and never
 * re-sniffed as anything other than its stored type.
 */
function lockDown(c: Context<AppEnv>): void {
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Content-Security-Policy', "default-src 'none'; sandbox");
  c.header('Cross-Origin-Resource-Policy', 'same-site');
}

/**
 * Uploaded product images at /media/<key>. Mounted ahead of the page middleware in app.ts,
 * because the site-wide secure headers would replace this stricter policy; images need no
 * session either. A key names its file for ever, so it is cached as immutable.
 */
export function mediaRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const storage = mediaStorageFor(deps.config);
  app.get('/media/:key', async (c) => {
    const key = c.req.param('key');
    lockDown(c);
    const contentType = isMediaKey(key) ? contentTypeOfKey(key) : undefined;
    const direct = contentType ? storage.publicUrl(key) : undefined;
    if (direct) return c.redirect(direct, 301);
    const bytes = contentType ? await storage.get(key) : undefined;
    if (!contentType || !bytes) {
      c.header('Cache-Control', 'no-store');
      return c.text('Not found', 404);
    }
    c.header('Content-Type', contentType);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.body(bytes as Uint8Array<ArrayBuffer>);
  });
  return app;
}
