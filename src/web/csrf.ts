import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser says came from another site. Browsers
 * send Sec-Fetch-Site (and Origin) on every such request, and an attacker's page cannot
 * forge them; a client without either header is not a browser and so cannot be tricked
 * into riding a shopper's cookies. SameSite=Lax cookies are the second wall.
 */
export function crossSiteRequestGuard(appOrigin: string): MiddlewareHandler {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    const site = c.req.header('Sec-Fetch-Site');
    const origin = c.req.header('Origin');
    const sameOrigin = origin === undefined || origin === appOrigin || origin === new URL(c.req.url).origin;
    if ((site !== undefined && site !== 'same-origin' && site !== 'none') || !sameOrigin) {
      throw new HTTPException(403, { message: 'This form was sent from another site, so it was refused.' });
    }
    return next();
  };
}
