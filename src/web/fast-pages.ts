import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { asBytes, matchesEtag } from './compression.js';
import type { AppEnv } from './context.js';
import type { HeaderReader } from './htmx.js';
import { processMetrics } from './metrics.js';
import { pageRequestOf, splitTarget, type PageCache, type PageRequest } from './page-cache.js';
import { requestIdFrom } from './request-log.js';
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

/** A shared page answered from the cache, ready to send: a 200 with the bytes, or a 304 without. */
interface LaneAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * The fast lane (docs/decisions/0010): an anonymous visitor's request for a catalog page the
 * page cache holds is answered from its bytes with the headers that page went out with the
 * first time, its own request id, one log line and its metrics, and nothing else runs. The
 * middleware chain (security headers, request id, logging, metrics, shedding) costs more than
 * the page itself; run once per page and route, it is learned, not repeated.
 */
export interface FastLane {
  /**
   * First in the app's chain: answers from the cache here too (a request that reached Hono
   * another way, as in app.request), and lets a shared page's first full answer teach the
   * lane that route's headers.
   */
  middleware: MiddlewareHandler<AppEnv>;
  /**
   * On the Node server, in front of Hono: answers the request from the cache and returns true,
   * or returns false having touched nothing, for Hono to take it the full way. Building Hono's
   * Request and Response objects cost as much as the rest of a cached answer.
   */
  answerNode(request: IncomingMessage, response: ServerResponse): boolean;
}

export function createFastLane(pages: PageCache, options: { log: Logger; sessionCookieName: string }): FastLane {
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
  // The lane's one line per request holds only the fields below (the path without its query),
  // none of which redaction looks for; checking its paths on every line cost a tenth of a
  // cached answer.
  const requestLines = options.log.child({}, { redact: [] });

  /** The cached answer for a GET of a shared page by a visitor with no session, or undefined to go the full way. */
  const answer = (request: PageRequest, started: number): LaneAnswer | undefined => {
    const route = sharedRoute(request.path);
    const headers = route === undefined ? undefined : learned.get(route);
    if (!route || !headers || request.header('Cookie')?.includes(cookiePrefix)) return undefined;
    const page = pages.hit(request);
    if (!page) return undefined;
    const requestId = requestIdFrom(request.header('X-Request-Id'));
    const notModified = matchesEtag(request.header('If-None-Match'), page.etag);
    const sent: Record<string, string> = { ...headers, etag: page.etag, 'x-request-id': requestId };
    if (!notModified && page.encoding) sent['content-encoding'] = page.encoding;
    const status = notModified ? 304 : 200;
    const ms = performance.now() - started;
    const counted = countersFor(route, notModified ? '3xx' : '2xx');
    counted.requests.inc();
    counted.duration.observe(ms / 1000);
    requestLines.info({ req_id: requestId, method: 'GET', path: request.path, status, ms: Math.round(ms * 10) / 10 }, 'request');
    return notModified ? { status, headers: sent } : { status, headers: sent, body: page.payload };
  };

  return {
    async middleware(c, next) {
      const started = performance.now();
      if (c.req.method !== 'GET') return next();
      const request = pageRequestOf(c);
      const fast = answer(request, started);
      if (fast) return new Response(fast.body ? asBytes(fast.body) : null, { status: fast.status, headers: fast.headers });
      await next();
      const route = sharedRoute(request.path);
      if (route && !learned.has(route) && c.get('sharedPage') && c.res.status === 200) learned.set(route, replayableHeaders(c.res));
    },
    answerNode(incoming, outgoing) {
      const started = performance.now();
      const target = incoming.url ?? '';
      if (incoming.method !== 'GET' || !isPlainTarget(target) || incoming.headers.host === undefined) return false;
      const { path, query } = splitTarget(target);
      const header: HeaderReader = (name) => {
        const value = incoming.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      try {
        const fast = answer({ path, query, header }, started);
        if (!fast) return false;
        if (fast.body) fast.headers['content-length'] = String(fast.body.byteLength);
        outgoing.writeHead(fast.status, fast.headers);
        outgoing.end(fast.body);
        return true;
      } catch (error) {
        // Out here no error handler would catch it: the process would stop. Before anything
        // was sent, the full way can still answer (with its error page if it fails too).
        options.log.error({ err: error, path }, 'fast lane failed');
        if (!outgoing.headersSent) return false;
        outgoing.destroy();
        return true;
      }
    },
  };
}

/**
 * A request target Hono's Node adapter takes as sent, so its path and query are the ones the
 * page was cached under: a path from "/", in the characters its adapter passes through
 * unchanged (the class has no "%": nothing percent-encoded, which Hono would decode in the
 * path), with no dot segment. Anything else goes the full way.
 */
const plainTarget = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const dotSegment = /\/\.\.?(?:[/?#]|$)/;

function isPlainTarget(target: string): boolean {
  return plainTarget.test(target) && !dotSegment.test(target);
}

/**
 * A Node HTTP server whose requests meet the fast lane before the app: for the Node adapter's
 * `createServer` option (server.ts), so everything else about the server stays the adapter's.
 * The adapter always calls it with options and its listener; the cast narrows Node's overloads
 * to that one.
 */
export function serverWithFastLane(lane: FastLane): typeof createServer {
  const withLane = (options: ServerOptions, listener: RequestListener): Server =>
    createServer(options, (request, response) => {
      if (!lane.answerNode(request, response)) void listener(request, response);
    });
  return withLane as typeof createServer;
}
