import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { LiveBus } from '../live/bus.js';
import { cartCountFor } from './cart-session.js';
import { isCapturingHtml } from './compression.js';
import type { AppDeps, AppEnv } from './context.js';
import type { PageCache } from './page-cache.js';
import { sessionCookie } from './session.js';

/** The catalog pages every anonymous visitor sees alike (src/web/routes/catalog.ts draws them). */
export const SHARED_PAGE_PATHS = ['/', '/products', '/products/:slug', '/categories/:slug'] as const;

/** The live-bus channel that tells every process the catalog changed. */
export const CATALOG_CHANGED_CHANNEL = 'catalog:changed';

/**
 * The fast path, mounted before sessions: a visitor with no session cookie has no cart, no
 * account and no notice, so their page is the shared one, answered without reading a session
 * or rendering. Anyone with a session cookie goes on to the routes, which decide after reading
 * it (sharedPageForGuests).
 */
export function anonymousPages(deps: Pick<AppDeps, 'config'>, pages: PageCache): Hono<AppEnv> {
  const cookieName = sessionCookie(deps).name;
  const app = new Hono<AppEnv>();
  for (const path of SHARED_PAGE_PATHS) {
    app.get(path, (c, next) => (getCookie(c, cookieName) === undefined ? pages.serve(c, next) : next()));
  }
  return app;
}

/**
 * On a catalog route, after the session is read: a guest whose page would look exactly like an
 * anonymous visitor's (no account, an empty cart, no notice waiting) gets the shared bytes too.
 * Signed-in visitors and guests with something in their cart get their own page, never cached.
 */
export function sharedPageForGuests(deps: AppDeps, pages: PageCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (isCapturingHtml(c) || !(await looksAnonymous(deps, c))) return next();
    return pages.serve(c, next);
  };
}

async function looksAnonymous(deps: AppDeps, c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<boolean> {
  if (c.get('user') || c.get('session')?.notice) return false;
  return (await cartCountFor(deps, c)) === 0;
}

/**
 * Every process drops its pages when the catalog changes anywhere: the process that changed it
 * at once, the others when the live bus brings the news (with Redis, a message to each process;
 * the pages' short TTL covers one that is lost). Reading a generation from Redis per request
 * would cost a round trip per page, which is what the page cache exists to avoid.
 */
export function dropPagesOnCatalogChange(catalog: CatalogCache, live: LiveBus, pages: PageCache): void {
  // Through Redis a process hears its own message too, a moment after it already dropped its
  // pages; dropping them again would only throw away pages rendered from the new catalog.
  const origin = randomUUID();
  catalog.onInvalidate(() => {
    pages.clear();
    void live.publish(CATALOG_CHANGED_CHANNEL, { origin });
  });
  live.subscribe(CATALOG_CHANGED_CHANNEL, (event) => {
    if (event.origin === origin) return;
    catalog.forgetLocalCopies();
    pages.clear();
  });
}
