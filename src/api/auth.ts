import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey, looksLikeApiKey } from '../accounts/api-keys.js';
import { authenticateAccessToken } from '../accounts/api-tokens.js';
import type { AppDeps } from '../web/context.js';
import type { ApiEnv } from './context.js';
import { ApiProblem } from './problem.js';

/**
 * Reads `Authorization: Bearer …` once per request: an access token (a user) or an API key
 * (an integration). A header that is present but wrong is refused at once, even on public
 * routes, so a client learns its token has expired instead of silently seeing public data.
 */
export function bearerAuth(deps: AppDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('apiUser', undefined);
    c.set('apiFamilyId', undefined);
    c.set('apiKey', undefined);
    const header = c.req.header('Authorization');
    if (header !== undefined) {
      const match = /^Bearer ([\w-]{1,200})$/i.exec(header.trim());
      if (!match?.[1]) throw unauthorized('The Authorization header must be "Bearer <token>".');
      const token = match[1];
      if (looksLikeApiKey(token)) {
        const key = await authenticateApiKey(deps.db, token);
        if (!key) throw unauthorized('This API key is unknown or was revoked.');
        c.set('apiKey', key);
      } else {
        const found = await authenticateAccessToken(deps.db, token);
        if (!found) throw unauthorized('This access token is unknown, expired or revoked. Refresh it or sign in again.');
        c.set('apiUser', found.user);
        c.set('apiFamilyId', found.familyId);
      }
    }
    await next();
  };
}

export function unauthorized(detail: string): ApiProblem {
  return new ApiProblem(401, 'unauthorized', 'Authentication required', detail);
}

/** A signed-in user (customer or staff) with an access token; API keys are not users. */
export function requireUser(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!c.get('apiUser')) throw c.get('apiKey') ? forbidden('An API key can only read the catalog.') : unauthorized('Sign in first: send "Authorization: Bearer <access token>".');
    await next();
  };
}

/** Staff only, and only with a second factor set up, as in the back office. */
export function requireStaff(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const user = c.get('apiUser');
    if (!user) throw c.get('apiKey') ? forbidden('An API key can only read the catalog.') : unauthorized('Sign in first: send "Authorization: Bearer <access token>".');
    if (user.role !== 'admin') throw forbidden('This is for staff only.');
    if (!user.totp_key_encrypted) throw forbidden('Staff must set up two-factor authentication before using staff tools.');
    await next();
  };
}

export function forbidden(detail: string): ApiProblem {
  return new ApiProblem(403, 'forbidden', 'Not allowed', detail);
}

/** The security requirement for the OpenAPI document: a route that takes a user's token. */
export const userSecurity: Record<string, string[]>[] = [{ bearerToken: [] }];
/** Catalog reads: anyone, or an API key (counted against the key's quota rather than the IP's). */
export const catalogSecurity: Record<string, string[]>[] = [{}, { bearerToken: [] }, { apiKey: [] }];
