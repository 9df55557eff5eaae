import type { Context, MiddlewareHandler } from 'hono';
import { createRateLimiter, byClientIp, type RateLimitResult } from '../web/rate-limit.js';
import type { AppDeps } from '../web/context.js';
import type { ApiEnv } from './context.js';
import { ApiProblem } from './problem.js';

const WINDOW_SECONDS = 60;

/** The per-IP count of a request, kept for the per-caller step to report beside its own. */
const ipResults = new WeakMap<Request, RateLimitResult>();

/**
 * Two budgets per request: the client IP's, and the caller's (the user behind an access
 * token, or the API key). The IP's is counted first, before the bearer header is even read,
 * so every request counts, including ones with a wrong or guessed token (were it counted
 * after authentication, a 401 would cost nothing and token guessing would be unlimited). The
 * caller's is counted once bearerAuth has named the caller, so one token or one leaked key
 * cannot spend more than its own budget however many addresses it is used from. Either budget
 * spent refuses with 429; the tighter one is reported in RateLimit-* headers
 * (draft-ietf-httpapi-ratelimit-headers). Fails closed (503) when the store is away.
 *
 * `apiIpQuota` runs before bearerAuth, `apiQuotas` after it (src/api/app.ts).
 */
export function apiIpQuota(deps: AppDeps): MiddlewareHandler<ApiEnv> {
  const { config } = deps;
  const perIp = createRateLimiter(deps.store, { name: 'api-ip', limit: config.API_RATE_LIMIT_PER_IP, windowSeconds: WINDOW_SECONDS, secret: config.APP_SECRET });
  const ipKey = byClientIp(config.TRUST_PROXY);
  return async (c, next) => {
    const result = await perIp.consume(ipKey(c));
    ipResults.set(c.req.raw, result);
    report(c, [result]);
    await next();
  };
}

export function apiQuotas(deps: AppDeps): MiddlewareHandler<ApiEnv> {
  const { config } = deps;
  const perCaller = createRateLimiter(deps.store, { name: 'api-caller', limit: config.API_RATE_LIMIT_PER_TOKEN, windowSeconds: WINDOW_SECONDS, secret: config.APP_SECRET });
  return async (c, next) => {
    const user = c.get('apiUser');
    const key = c.get('apiKey');
    const caller = user ? `user:${user.id}` : key ? `key:${key.id}` : undefined;
    const byIp = ipResults.get(c.req.raw);
    const results = [...(byIp ? [byIp] : []), ...(caller ? [await perCaller.consume(caller)] : [])];
    if (results.length) report(c, results);
    await next();
  };
}

/** Headers for the tightest budget; throws the 429 when any is spent. */
function report(c: Context<ApiEnv>, results: RateLimitResult[]): void {
  const tightest = results.find((result) => !result.allowed) ?? results.reduce((a, b) => (b.remaining < a.remaining ? b : a));
  c.header('RateLimit-Limit', String(tightest.limit));
  c.header('RateLimit-Remaining', String(tightest.remaining));
  c.header('RateLimit-Reset', String(tightest.resetSeconds));
  c.header('RateLimit-Policy', results.map((result) => `${result.limit};w=${WINDOW_SECONDS}`).join(', '));
  if (!tightest.allowed) {
    c.header('Retry-After', String(tightest.resetSeconds));
    throw new ApiProblem(429, 'rate-limited', 'Too many requests', `Slow down: try again in ${tightest.resetSeconds} s.`);
  }
}
