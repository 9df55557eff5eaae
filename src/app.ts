import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { compression } from './web/compression.js';
import type { AppDeps, AppEnv } from './web/context.js';
import { crossSiteRequestGuard } from './web/csrf.js';
import { errorHandler, notFoundPage } from './web/errors.js';
import { requestLog } from './web/request-log.js';
import { assetRoutes } from './web/routes/assets.js';
import { catalogRoutes } from './web/routes/catalog.js';
import { operationsRoutes } from './web/routes/operations.js';
import { searchRoutes } from './web/routes/search.js';
import { seoRoutes } from './web/routes/seo.js';

/** The whole HTTP application; boot (server.ts) and tests build it the same way. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Order matters and is read top to bottom.
  app.use(requestId({ limitLength: 64 }));
  app.use(requestLog(deps.log));
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
            const nonce = randomBytes(18).toString('base64'); // 144 bits, no padding
            c.set('cspNonce', nonce);
            return `'nonce-${nonce}'`;
          },
        ],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:', 'data:'],
        connectSrc: ["'self'"],
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
  app.use(crossSiteRequestGuard(new URL(deps.config.APP_URL).origin));

  app.route('/', operationsRoutes(deps));
  app.route('/', assetRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', seoRoutes(deps));
  app.route('/', searchRoutes(deps));

  app.notFound((c) => notFoundPage(deps, c));
  app.onError(errorHandler(deps));
  return app;
}
