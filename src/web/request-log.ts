import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './context.js';

/**
 * A child logger carrying the request id for every line a request writes, and one line
 * when it ends. Only the path is logged: query strings can carry tokens.
 */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestLogger = log.child({ req_id: c.get('requestId') });
    c.set('log', requestLogger);
    await next();
    const fields = { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 };
    if (c.res.status >= 500) requestLogger.error(fields, 'request');
    else requestLogger.info(fields, 'request');
  };
}

const REQUEST_ID_MAX = 64;
const requestIdCharacters = /^[\w\-=]+$/;

/**
 * The request's id: the one a proxy in front sent in X-Request-Id, when it is short and plain
 * (it is echoed into logs and headers), else a new random one.
 */
export function requestIdOf(c: Context): string {
  return requestIdFrom(c.req.header('X-Request-Id'));
}

/** requestIdOf, from the X-Request-Id header's value as sent. */
export function requestIdFrom(sent: string | undefined): string {
  return sent && sent.length <= REQUEST_ID_MAX && requestIdCharacters.test(sent) ? sent : randomUUID();
}

/** Gives each request its id (requestIdOf), for the logs, the error page and the X-Request-Id header. */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdOf(c);
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
