import { randomFillSync } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { compression } from './web/compression.js';
import type { AppDeps, AppEnv } from './web/context.js';
import { crossSiteRequestGuard } from './web/csrf.js';
import { errorHandler, notFoundPage } from './web/errors.js';
import { requestIds, requestLog } from './web/request-log.js';
import { createFastLane, type FastLane } from './web/fast-pages.js';
import { sessionCookie } from './web/session.js';
import { serverTiming } from './web/server-timing.js';
import { requestMetrics } from './web/metrics.js';
import { metricsRoutes } from './web/routes/metrics.js';
import { assetRoutes } from './web/routes/assets.js';
import { catalogRoutes } from './web/routes/catalog.js';
import { operationsRoutes } from './web/routes/operations.js';
import { searchRoutes } from './web/routes/search.js';
import { cartRoutes } from './web/routes/cart.js';
import { checkoutRoutes } from './web/routes/checkout.js';
import { liveRoutes } from './web/routes/live.js';
import { webhookRoutes } from './web/routes/webhooks.js';
import { unsubscribeRoutes } from './web/routes/unsubscribe.js';
import { accountRoutes } from './web/routes/account.js';
import { addressRoutes } from './web/routes/addresses.js';
import { privacyRoutes } from './web/routes/privacy.js';
import { adminRoutes } from './web/routes/admin.js';
import { mediaRoutes } from './web/routes/media.js';
import { authRoutes } from './web/routes/auth.js';
import { devMailRoutes } from './web/routes/dev-mail.js';
import { sessionMiddleware } from './web/session.js';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { seoRoutes } from './web/routes/seo.js';
import { API_BASE, apiApp } from './api/app.js';
import { CSV_UPLOAD_MAX_BYTES, IMAGE_UPLOAD_MAX_BYTES } from './web/upload-limits.js';
import { createPageCache, type PageCache } from './web/page-cache.js';
import { anonymousPages, dropPagesOnCatalogChange } from './web/shared-pages.js';
import { shedLoad, type EventLoopLag } from './web/load-shedding.js';

/**
 * Stripe's origins, on the one page that collects a card through Stripe.js (its Payment
 * Element); every other page keeps the strict policy. Decided by path because the policy is
 * computed before the handler runs.
 */
function onStripePaymentPage(origins: string) {
  return (c: Context) => (c.req.path.startsWith('/checkout/pay/') ? origins : '');
}

const MB = 1024 * 1024;

/**
 * Random bytes for CSP nonces, drawn 18 at a time from a pool refilled in bulk: one call into
 * the system's CSPRNG per 227 responses instead of one each (it showed in profiles of cached
 * pages). Every byte is used once.
 */
const NONCE_BYTES = 18;
const noncePool = Buffer.alloc(NONCE_BYTES * 227);
let noncePoolOffset = noncePool.length;
function nextNonce(): string {
  if (noncePoolOffset === noncePool.length) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  noncePoolOffset += NONCE_BYTES;
  return noncePool.toString('base64', noncePoolOffset - NONCE_BYTES, noncePoolOffset);
}

/** Image uploads (/admin/products/:id/images) and catalog CSVs (/admin/products/import) may be larger than a form. */
function requestSizeLimits(): MiddlewareHandler<AppEnv> {
  const limit = (maxSize: number, what: string) =>
    bodyLimit({ maxSize, onError: () => { throw new HTTPException(413, { message: `${what} is larger than we accept (at most ${maxSize / MB} MB).` }); } });
  const forms = limit(2 * MB, 'What you sent');
  const images = limit(IMAGE_UPLOAD_MAX_BYTES + MB, 'The image');
  const csv = limit(CSV_UPLOAD_MAX_BYTES + MB, 'The file');
  return (c, next) => {
    const path = c.req.path;
    if (/^\/admin\/products\/\d+\/images/.test(path)) return images(c, next);
    if (path === '/admin/products/import') return csv(c, next);
    return forms(c, next);
  };
}

export interface AppOptions {
  /** The event loop's lag (server.ts samples it); without it, no load is shed. */
  eventLoopLag?: EventLoopLag;
  /** The shared catalog pages' bytes; made from PAGE_CACHE_MB when not given. */
  pageCache?: PageCache;
}

/** The app, with its fast lane for the Node server to put in front of it (server.ts). */
export type App = Hono<AppEnv> & { fastLane: FastLane };

/** The whole HTTP application; boot (server.ts) and tests build it the same way. */
export function createApp(deps: AppDeps, options: AppOptions = {}): App {
  const app = new Hono<AppEnv>();
  const pages = options.pageCache ?? createPageCache({ maxBytes: deps.config.PAGE_CACHE_MB * 1024 * 1024 });
  dropPagesOnCatalogChange(deps.catalog, deps.live, pages);

  // Order matters and is read top to bottom.
  // First: a cached catalog page for an anonymous visitor skips everything below (fast-pages.ts).
  const fastLane = createFastLane(pages, { log: deps.log, sessionCookieName: sessionCookie(deps).name });
  app.use(fastLane.middleware);
  if (deps.config.SERVER_TIMING ?? !deps.config.isProduction) app.use(serverTiming());
  app.use(requestIds());
  app.use(requestLog(deps.log));
  app.use(requestMetrics());
  app.route('/', metricsRoutes(deps)); // before sessions: a scrape touches no session
  app.route('/', mediaRoutes(deps)); // before secureHeaders, which would overwrite its stricter CSP (see media.ts)
  app.use(
    secureHeaders({
      // A fresh nonce per response, in the header only: no page carries an inline script, so
      // page bodies stay byte-identical for every visitor (cacheable, one ETag), and the rare
      // view that needs one reads c.get('cspNonce'). See docs/decisions/0006.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: [
          "'self'",
          (c) => {
            const nonce = nextNonce(); // 144 bits, no padding
            c.set('cspNonce', nonce);
            return `'nonce-${nonce}'`;
          },
          onStripePaymentPage('https://js.stripe.com'),
        ],
        frameSrc: ["'self'", onStripePaymentPage('https://js.stripe.com https://hooks.stripe.com')],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        connectSrc: ["'self'", onStripePaymentPage('https://api.stripe.com')],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      strictTransportSecurity: deps.config.isProduction ? 'max-age=63072000; includeSubDomains' : false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(compression());
  if (options.eventLoopLag) app.use(shedLoad(deps, { thresholdMs: deps.config.SHED_LAG_MS, lag: options.eventLoopLag }));
  // Before sessions and rendering: anonymous catalog pages as ready bytes (docs/decisions/0010).
  app.route('/', anonymousPages(deps, pages));
  // The JSON API answers before the cookie-based layers below: it never reads a session cookie
  // (bearer tokens only, so no CSRF exposure) and has its own body limit and error shape.
  app.route(API_BASE, apiApp(deps));
  app.use(crossSiteRequestGuard(new URL(deps.config.APP_URL).origin));
  // Forms are small; a larger body is refused before it is read. Uploads have their own limits.
  app.use(requestSizeLimits());
  app.use(sessionMiddleware(deps));

  app.route('/', operationsRoutes(deps));
  app.route('/', assetRoutes(deps));
  app.route('/', catalogRoutes(deps, pages));
  app.route('/', seoRoutes(deps));
  app.route('/', searchRoutes(deps));
  app.route('/', cartRoutes(deps));
  app.route('/', checkoutRoutes(deps));
  app.route('/', liveRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', unsubscribeRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', addressRoutes(deps));
  app.route('/', privacyRoutes(deps));
  app.route('/', adminRoutes(deps));
  if (!deps.config.isProduction) app.route('/', devMailRoutes(deps));

  app.notFound((c) => notFoundPage(deps, c));
  app.onError(errorHandler(deps));
  return Object.assign(app, { fastLane });
}
