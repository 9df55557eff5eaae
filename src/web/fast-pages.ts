import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { asBytes, matchesEtag } from './compression.js';
import type { AppEnv } from './context.js';
import { processMetrics } from './metrics.js';
import type { PageCache } from './page-cache.js';
import { requestIdOf } from './request-log.js';
import { SHARED_PAGE_PATHS } from './shared-pages.js';

/** The shared catalog routes (shared-pages.ts), each with a pattern for the path alone (`:slug` is one segment). */
const SHARED_ROUTES = SHARED_PAGE_PATHS.map((route) => ({ route, path: new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`) }));

/** Headers that belong to one answer, never replayed: the rest of a shared page's headers are the same for every visitor. */
const PER_ANSWER = new Set(['x-request-id', 'server-timing', 'content-length', 'content-encoding', 'etag', 'set-cookie', 'date']);

function sharedRoute(path: string): string | undefined {
  for (const shared of SHARED_ROUTES) if (shared.path.test(path)) return shared.route;
  return undefined;
}

/**
 * The headers a shared page went out with through the whole middleware chain (security
 * headers, caching, Vary), to send again with the same page. The CSP's nonce is dropped: the
 * page holds no inline script, so `script-src 'self'` alone is the same policy, stricter.
 */
function replayableHeaders(response: Response): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (PER_ANSWER.has(name)) continue;
    kept[name] = name === 'content-security-policy' ? value.replace(/ 'nonce-[^']*'/g, '') : value;
  }
  return kept;
}

/**
 * The fast lane, first in the chain (docs/decisions/0010): an anonymous visitor's request for
 * a catalog page the page cache holds is answered from its bytes with the headers that page
 * went out with the first time, its own request id, one log line and its metrics, and nothing
 * else runs. The middleware chain (security headers, request id, logging, metrics, shedding)
 * costs more than the page itself; run once per page and route, it is learned, not repeated.
 * Everything else (a miss, a session cookie, any other path) goes the full way, and a shared
 * page's first answer teaches the lane that route's headers.
 */
export function fastSharedPages(pages: PageCache, options: { log: Logger; sessionCookieName: string }): MiddlewareHandler<AppEnv> {
  const learned = new Map<string, Record<string, string>>();
  const metrics = processMetrics();
  const counters = new Map<string, { requests: ReturnType<typeof metrics.requests.labels>; duration: ReturnType<typeof metrics.duration.labels> }>();
  const countersFor = (route: string, status: '2xx' | '3xx') => {
    const key = `${route} ${status}`;
    let bound = counters.get(key);
    if (!bound) counters.set(key, (bound = { requests: metrics.requests.labels({ method: 'GET', route, status }), duration: metrics.duration.labels({ method: 'GET', route, status }) }));
    return bound;
  };
  const cookiePrefix = `${options.sessionCookieName}=`;

  const answer = (c: Context<AppEnv>, route: string, headers: Record<string, string>, started: number): Response | undefined => {
    const page = pages.hit(c);
    if (!page) return undefined;
    const requestId = requestIdOf(c);
    const notModified = matchesEtag(c.req.header('If-None-Match'), page.etag);
    const sent: Record<string, string> = { ...headers, etag: page.etag, 'x-request-id': requestId };
    if (!notModified && page.encoding) sent['content-encoding'] = page.encoding;
    const status = notModified ? 304 : 200;
    const response = new Response(notModified ? null : asBytes(page.payload), { status, headers: sent });
    const ms = performance.now() - started;
    const counted = countersFor(route, notModified ? '3xx' : '2xx');
    counted.requests.inc();
    counted.duration.observe(ms / 1000);
    options.log.info({ req_id: requestId, method: 'GET', path: c.req.path, status, ms: Math.round(ms * 10) / 10 }, 'request');
    return response;
  };

  return async (c, next) => {
    const started = performance.now();
    const route = c.req.method === 'GET' ? sharedRoute(c.req.path) : undefined;
    if (!route) return next();
    const headers = learned.get(route);
    if (headers && !c.req.header('Cookie')?.includes(cookiePrefix)) {
      const fast = answer(c, route, headers, started);
      if (fast) return fast;
    }
    await next();
    if (!learned.has(route) && c.get('sharedPage') && c.res.status === 200) learned.set(route, replayableHeaders(c.res));
  };
}
