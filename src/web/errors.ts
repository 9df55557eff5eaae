import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorPage } from '../../views/errors/error-page.js';
import type { AppDeps, AppEnv } from './context.js';
import { layoutFor } from './layout.js';

/** Thrown by handlers for "there is no such thing here"; rendered as the 404 page. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Maps every error to a status and a page in one place; nothing about the error leaks to the page. */
export function errorHandler(deps: AppDeps) {
  return async (error: Error, c: Context<AppEnv>): Promise<Response> => {
    if (error instanceof NotFoundError) return notFoundPage(deps, c);
    const status: ContentfulStatusCode = error instanceof HTTPException ? (error.status as ContentfulStatusCode) : 500;
    const log = c.get('log') ?? deps.log;
    if (status >= 500) log.error({ err: error }, 'request failed');
    else log.info({ status, reason: error.message }, 'request refused');
    const message = status >= 500 ? undefined : error instanceof HTTPException ? error.message : undefined;
    return c.html(await errorView(deps, c, status, message), status);
  };
}

export async function notFoundPage(deps: AppDeps, c: Context<AppEnv>): Promise<Response> {
  return c.html(await errorView(deps, c, 404), 404);
}

async function errorView(deps: AppDeps, c: Context<AppEnv>, status: number, message?: string): Promise<string> {
  // The error page must render even when the database is the thing that failed.
  const layout = await layoutFor(deps, c).catch(() => layoutFor(deps, c, { withoutDatabase: true }));
  return ErrorPage({ layout, status, message, requestId: c.get('requestId') });
}
