import type { MiddlewareHandler } from 'hono';
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
