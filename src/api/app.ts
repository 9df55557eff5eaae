import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isOutage, NotFoundError, ServiceUnavailableError, TooManyRequestsError } from '../web/errors.js';
import type { AppDeps } from '../web/context.js';
import { bearerAuth } from './auth.js';
import type { ApiEnv } from './context.js';
import { ApiProblem, fieldErrors, problemResponse } from './problem.js';
import { apiIpQuota, apiQuotas } from './quotas.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerCartRoutes } from './routes/cart.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerCheckoutRoutes } from './routes/checkout.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerOrderRoutes } from './routes/orders.js';

export const API_BASE = '/api/v1';
/** JSON bodies are small: a cart line, an address. Anything bigger is refused unread. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;

/** The API's Hono type: every route file registers onto one of these. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/**
 * The versioned JSON API for the mobile apps and integrations, mounted at /api/v1. It calls the
 * same domain functions as the HTML routes; only the transport differs (bearer tokens, JSON in
 * and out, problem+json errors). Routes are declared with zod, which both validates requests and
 * writes /api/v1/openapi.json. Versioning rules: docs/api.md.
 */
export function apiApp(deps: AppDeps): ApiApp {
  const api: ApiApp = new OpenAPIHono<ApiEnv>({
    // A request that fails its schema never reaches a handler: one problem lists every field.
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = result.target === 'json' ? 'body' : result.target === 'param' ? 'path' : result.target;
      return problemResponse(c, new ApiProblem(400, 'validation', 'The request is not valid', 'Some fields are missing or invalid; see errors.', fieldErrors(result.error, where)));
    },
  });

  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token from POST /auth/login or /auth/refresh (hsa_…), valid 15 minutes.',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An integration key made in the back office (hsk_…): read-only catalog access.',
  });

  api.use(noStoreByDefault());
  // Before anything that reads the request, so a refused or unauthenticated one counts too.
  api.use(apiIpQuota(deps));
  api.use(jsonBodiesOnly());
  api.use(bodyLimit({ maxSize: API_BODY_LIMIT_BYTES, onError: () => { throw new ApiProblem(413, 'too-large', 'The body is too large', `Send at most ${API_BODY_LIMIT_BYTES / 1024} KB of JSON.`); } }));
  api.use(bearerAuth(deps));
  api.use(apiQuotas(deps));

  registerAuthRoutes(api, deps);
  registerAccountRoutes(api, deps);
  registerCatalogRoutes(api, deps);
  registerCartRoutes(api, deps);
  registerCheckoutRoutes(api, deps);
  registerOrderRoutes(api, deps);
  registerAdminRoutes(api, deps);
  registerDocsRoutes(api, deps);

  // Last: a path the API does not have answers in the API's error shape, not the shop's 404 page.
  api.all('*', (c) => problemResponse(c, new ApiProblem(404, 'not-found', 'Not found', `There is no ${c.req.method} ${c.req.path} in this API.`)));
  api.onError((error, c) => apiError(deps, error, c));
  return api;
}

/** Every failure as problem+json; nothing about an unexpected error leaks, only its request id. */
function apiError(deps: AppDeps, error: Error, c: Context<ApiEnv>): Response {
  const log = c.get('log') ?? deps.log;
  if (error instanceof ApiProblem) {
    log.info({ status: error.status, reason: error.message }, 'api request refused');
    return problemResponse(c, error);
  }
  if (error instanceof NotFoundError) return problemResponse(c, new ApiProblem(404, 'not-found', 'Not found', error.message || undefined));
  if (error instanceof TooManyRequestsError) {
    c.header('Retry-After', String(error.retryAfterSeconds));
    return problemResponse(c, new ApiProblem(429, 'rate-limited', 'Too many requests', error.message));
  }
  if (error instanceof ServiceUnavailableError || isOutage(error)) {
    log.warn({ reason: error.message }, 'api request refused: a dependency is unavailable');
    c.header('Retry-After', '30');
    return problemResponse(c, new ApiProblem(503, 'unavailable', 'Temporarily unavailable', 'Part of the store is briefly unavailable. Try again shortly.'));
  }
  if (error instanceof HTTPException && error.status === 415) return problemResponse(c, unsupportedMediaType());
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status as ContentfulStatusCode;
    // Hono's JSON validator says "Malformed JSON in request body" for a body it cannot parse.
    const kind = status === 400 ? 'malformed' : 'http';
    return problemResponse(c, new ApiProblem(status, kind, status === 400 ? 'The request is malformed' : 'The request was refused', error.message));
  }
  log.error({ err: error }, 'api request failed');
  return problemResponse(c, new ApiProblem(500, 'internal', 'Something went wrong on our side', 'Quote the instance id if you contact us.'));
}

/** API answers are per caller: nothing is cached unless a route says otherwise (product reads send an ETag). */
function noStoreByDefault(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  };
}

/**
 * A body must be JSON: a form post or text is refused with 415 rather than read as something
 * else. (Routes that declare a body also refuse a body with no Content-Type.)
 */
function jsonBodiesOnly(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const type = c.req.header('Content-Type');
    if (type !== undefined && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(c.req.method) && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
      throw unsupportedMediaType();
    }
    await next();
  };
}

const unsupportedMediaType = () => new ApiProblem(415, 'unsupported-media-type', 'The body must be JSON', 'Send Content-Type: application/json.');
