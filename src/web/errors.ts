import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorPage } from '../../views/errors/error-page.js';
import { StoreUnavailableError } from '../store/redis-store.js';
import type { AppDeps, AppEnv } from './context.js';
import { layoutFor } from './layout.js';

/** Thrown by handlers for "there is no such thing here"; rendered as the 404 page. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A client has used up a rate limit; rendered as 429 with Retry-After. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts in a short time. Please try again in ${aboutHowLong(retryAfterSeconds)}.`);
  }
}

/**
 * Something a request cannot safely do without is away (the store that holds sessions and
 * rate limits); rendered as 503 with Retry-After rather than going ahead unchecked.
 */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly retryAfterSeconds = 30;
}

/** Maps every error to a status and a page in one place; nothing about the error leaks to the page. */
export function errorHandler(deps: AppDeps) {
  return async (error: Error, c: Context<AppEnv>): Promise<Response> => {
    if (error instanceof NotFoundError) return notFoundPage(deps, c);
    if (isOutage(error)) error = new ServiceUnavailableError(error.message, { cause: error });
    if (error instanceof TooManyRequestsError || error instanceof ServiceUnavailableError) {
      c.header('Retry-After', String(error.retryAfterSeconds));
      c.header('Cache-Control', 'no-store');
    }
    const status = statusOf(error);
    const log = c.get('log') ?? deps.log;
    // An outage answers 503 on every request until it ends: a warning each, not an error storm.
    if (error instanceof ServiceUnavailableError) log.warn({ reason: error.message }, 'request refused: a dependency is unavailable');
    else if (status >= 500) log.error({ err: error }, 'request failed');
    else log.info({ status, reason: error.message }, 'request refused');
    const message = status >= 500 ? undefined : error instanceof HTTPException || error instanceof TooManyRequestsError ? error.message : undefined;
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

/**
 * Postgres or Redis being away (refused, reset, restarting, timed out) is not a bug in the
 * request: it gets the 503 page with Retry-After, and the load balancer may try another instance.
 */
export function isOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof StoreUnavailableError) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (OUTAGE_CODES.has(code) || code.startsWith('08'))) return true;
    if (PG_CONNECTION_LOST.test(current.message)) return true;
  }
  return false;
}

// Socket errors, and SQLSTATEs for a server shutting down, a killed backend, one starting up, a statement timeout.
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '57014']);
// node-postgres reports a lost or never-made connection by message only.
const PG_CONNECTION_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed)/;

function statusOf(error: Error): ContentfulStatusCode {
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  if (error instanceof TooManyRequestsError) return 429;
  if (error instanceof ServiceUnavailableError) return 503;
  return 500;
}

function aboutHowLong(seconds: number): string {
  if (seconds < 60) return 'a minute';
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
