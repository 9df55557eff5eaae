import type { MiddlewareHandler } from 'hono';
import { createRateLimiter, byClientIp, type RateLimitResult } from '../web/rate-limit.js';
import type { AppDeps } from '../web/context.js';
import type { ApiEnv } from './context.js';
import { ApiProblem } from './problem.js';

const WINDOW_SECONDS = 60;

/**
 * Two budgets per request: the client IP's, and the caller's (the user behind an access
 * token, or the API key), so one phone network's shared address does not starve a signed-in
 * app and one leaked key cannot spend everyone's budget. Both are counted; the tighter one is
 * reported in RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers) and refuses with 429.
 * Runs after bearerAuth, which has named the caller. Fails closed (503) when the store is away.
 */
export function apiQuotas(deps: AppDeps): MiddlewareHandler<ApiEnv> {
  const { config } = deps;
  const perIp = createRateLimiter(deps.store, { name: 'api-ip', limit: config.API_RATE_LIMIT_PER_IP, windowSeconds: WINDOW_SECONDS, secret: config.APP_SECRET });
  const perCaller = createRateLimiter(deps.store, { name: 'api-caller', limit: config.API_RATE_LIMIT_PER_TOKEN, windowSeconds: WINDOW_SECONDS, secret: config.APP_SECRET });
  const ipKey = byClientIp(config.TRUST_PROXY);
  return async (c, next) => {
    const user = c.get('apiUser');
    const key = c.get('apiKey');
    const caller = user ? `user:${user.id}` : key ? `key:${key.id}` : undefined;
    const results: RateLimitResult[] = await Promise.all([perIp.consume(ipKey(c)), ...(caller ? [perCaller.consume(caller)] : [])]);
    const tightest = results.find((result) => !result.allowed) ?? results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
    c.header('RateLimit-Limit', String(tightest.limit));
    c.header('RateLimit-Remaining', String(tightest.remaining));
    c.header('RateLimit-Reset', String(tightest.resetSeconds));
    c.header('RateLimit-Policy', results.map((result) => `${result.limit};w=${WINDOW_SECONDS}`).join(', '));
    if (!tightest.allowed) {
      c.header('Retry-After', String(tightest.resetSeconds));
      throw new ApiProblem(429, 'rate-limited', 'Too many requests', `Slow down: try again in ${tightest.resetSeconds} s.`);
    }
    await next();
  };
}
