import { createHash, createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import type { KeyValueStore } from '../store/store.js';
import type { AppEnv } from './context.js';
import { ServiceUnavailableError, TooManyRequestsError } from './errors.js';

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  /** Requests left before refusals start. */
  remaining: number;
  /** Refused: seconds until a request is allowed again (the Retry-After). Allowed: seconds until the current window ends. */
  resetSeconds: number;
}

export interface RateLimiterOptions {
  /** Names the limit in store keys: limiters with different names never share counts. */
  name: string;
  limit: number;
  windowSeconds: number;
  /**
   * Keys (IPs, e-mails) are hashed into store key names, so no personal data sits in Redis's
   * key space. With a secret (APP_SECRET) the hash is keyed and cannot be reversed by guessing.
   */
  secret?: string;
  /** The clock, in milliseconds; tests move it to cross windows. */
  now?: () => number;
}

export interface RateLimiter {
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
  /** Counts one request for `key` (refused ones too) and says whether it may go ahead. */
  consume(key: string): Promise<RateLimitResult>;
  /** Whether one more request for `key` would be allowed, counting nothing. */
  peek(key: string): Promise<RateLimitResult>;
  /** Forgets every count for `key`. */
  reset(key: string): Promise<void>;
}

/**
 * A sliding-window approximation (Cloudflare's): counts live in fixed windows aligned to the
 * clock, and a request is weighed against this window's count plus the previous window's,
 * scaled by how much of it still overlaps the last `windowSeconds`. A plain fixed window
 * lets a client spend its limit twice across a boundary (10 guesses at 14:59, 10 more at
 * 15:00); the approximation costs one GET beside the atomic INCR, sent in parallel. Aligned
 * windows also mean the reset time is computed, not read back from Redis (the store has no TTL
 * query), and that a test moving the clock really lands in a new window, on Redis too.
 *
 * Refused requests are counted as well: a client that keeps hammering stays refused, while
 * one that waits out Retry-After gets in. Any store failure is a ServiceUnavailableError.
 */
export function createRateLimiter(store: KeyValueStore, options: RateLimiterOptions): RateLimiter {
  const { name, limit, windowSeconds, now = Date.now } = options;
  if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(`rate limit ${name}: limit and windowSeconds must be positive integers`);
  }
  const windowMs = windowSeconds * 1000;
  const hashed = (key: string) =>
    (options.secret ? createHmac('sha256', options.secret) : createHash('sha256')).update(`${name}\0${key}`).digest('base64url').slice(0, 22);
  const bucket = (key: string, index: number) => `rl:${name}:${hashed(key)}:${index}`;

  const measure = async (key: string, count: boolean): Promise<RateLimitResult> => {
    const time = now();
    const index = Math.floor(time / windowMs);
    const elapsed = (time - index * windowMs) / windowMs;
    const [current, previous] = await guarded(name, () =>
      Promise.all([
        // A bucket lives until the end of the next window, where it is still the "previous" one.
        count ? store.increment(bucket(key, index), 2 * windowSeconds) : store.get(bucket(key, index)).then(Number),
        store.get(bucket(key, index - 1)).then(Number),
      ]),
    );
    const used = previous * (1 - elapsed) + current;
    const allowed = (count ? used : used + 1) <= limit + 1e-9;
    return {
      allowed,
      limit,
      remaining: Math.max(0, Math.floor(limit - used + 1e-9)),
      resetSeconds: allowed ? Math.max(1, Math.ceil((1 - elapsed) * windowSeconds)) : secondsUntilAllowed(previous, current, elapsed, limit, windowSeconds),
    };
  };

  return {
    name,
    limit,
    windowSeconds,
    consume: (key) => measure(key, true),
    peek: (key) => measure(key, false),
    reset: async (key) => {
      const index = Math.floor(now() / windowMs);
      await guarded(name, () => Promise.all([store.delete(bucket(key, index)), store.delete(bucket(key, index - 1))]));
    },
  };
}

/** When the weighted count, with no further requests, leaves room for one more. */
function secondsUntilAllowed(previous: number, current: number, elapsed: number, limit: number, windowSeconds: number): number {
  let wait: number;
  if (current + 1 <= limit && previous > 0) {
    // Room comes back within this window, as the previous window's weight fades.
    wait = 1 - (limit - current - 1) / previous - elapsed;
  } else {
    // Only in the next window, once enough of this window's count has faded.
    wait = 1 - elapsed + Math.max(0, 1 - (limit - 1) / current);
  }
  return Math.max(1, Math.ceil(wait * windowSeconds));
}

async function guarded<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ServiceUnavailableError(`rate limit ${name}: store unavailable`, { cause: error });
  }
}

export interface RateLimitMiddlewareOptions {
  /**
   * Let requests through when the store is down. Off by default: a limit that guards
   * sign-in or password reset must fail closed (503), or an outage becomes an open door.
   */
  failOpen?: boolean;
}

/**
 * Counts each request under `keyOf(c)` and sends RateLimit-Limit, -Remaining and -Reset
 * (draft-ietf-httpapi-ratelimit-headers); over the limit it answers 429 with Retry-After
 * through the error handler.
 */
export function rateLimit(limiter: RateLimiter, keyOf: (c: Context<AppEnv>) => string, options: RateLimitMiddlewareOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let result: RateLimitResult;
    try {
      result = await limiter.consume(keyOf(c));
    } catch (error) {
      if (!options.failOpen || !(error instanceof ServiceUnavailableError)) throw error;
      c.get('log')?.warn({ err: error, limit: limiter.name }, 'rate limit store unavailable; request let through');
      return next();
    }
    c.header('RateLimit-Limit', String(result.limit));
    c.header('RateLimit-Remaining', String(result.remaining));
    c.header('RateLimit-Reset', String(result.resetSeconds));
    if (!result.allowed) throw new TooManyRequestsError(result.resetSeconds);
    return next();
  };
}

/**
 * The client's address. Without proxies (`trustProxy` 0) it is the socket's peer and
 * X-Forwarded-For is ignored, since anyone can send one. Behind `trustProxy` proxies, each
 * appends the address it received from, so the entry `trustProxy` places left of the socket is
 * the right-most one that no proxy of ours vouches for: the client (entries further left are
 * whatever the client chose to send). Requests with no socket (app.request() in tests) are 'unknown'.
 */
export function clientIp(c: Context, trustProxy = 0): string {
  const socket = normalizeIp(socketAddress(c)) ?? 'unknown';
  if (trustProxy <= 0) return socket;
  const forwarded = (c.req.header('X-Forwarded-For') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, socket];
  return normalizeIp(chain[Math.max(0, chain.length - 1 - trustProxy)]) ?? socket;
}

/** A key for per-IP limits: IPv4 as is, IPv6 by its /64, since one subscriber holds a whole /64. */
export function ipRateKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail] = ip.split('::');
  const groups = head ? head.split(':') : [];
  if (tail !== undefined) {
    const rest = tail ? tail.split(':') : [];
    const width = rest.length + (rest.at(-1)?.includes('.') ? 1 : 0); // a dotted IPv4 tail fills two groups
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - width)).fill('0'), ...rest);
  }
  return `${groups
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** The usual key function: the client's IP (its /64 for IPv6), believing `trustProxy` proxies. */
export function byClientIp(trustProxy: number): (c: Context) => string {
  return (c) => ipRateKey(clientIp(c, trustProxy));
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // no Node socket behind this request
  }
}

/** A bare, canonical address, or undefined: IPv4-mapped IPv6 becomes IPv4, ports and brackets go. */
function normalizeIp(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const address = /^\[(.+)\](?::\d+)?$/.exec(raw)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(raw)?.[1] ?? raw;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped) return mapped;
  return isIP(address) ? address.toLowerCase() : undefined;
}

export interface LoginThrottleOptions {
  /** Keys the hash of e-mails and IPs in store key names (APP_SECRET). */
  secret: string;
  /** Failures per account (normalised e-mail) in the window before it is locked; 10 (issue 4). */
  limit?: number;
  /**
   * Failures per IP, over all accounts, before that IP is locked: higher than the account
   * limit, so one shopper's ten typos lock their account and not their whole office's NAT
   * address, while password spraying from one address is still stopped.
   */
  ipLimit?: number;
  windowSeconds?: number;
  now?: () => number;
}

export interface LoginThrottle {
  /**
   * Call before checking a password. Throws TooManyRequestsError (429, Retry-After) while the
   * account or the IP is locked, ServiceUnavailableError (503) when the store is away. It
   * counts nothing and treats known and unknown e-mails alike.
   */
  check(email: string, ip: string): Promise<void>;
  /** Every failed sign-in, for known and unknown e-mails alike. */
  recordFailure(email: string, ip: string): Promise<void>;
  /** A successful sign-in clears the account's failures (not the IP's). */
  recordSuccess(email: string): Promise<void>;
}

/** Login throttling per account and per IP (issue 4, point 6), on the shared store. */
export function createLoginThrottle(store: KeyValueStore, options: LoginThrottleOptions): LoginThrottle {
  const { secret, limit = 10, ipLimit = 50, windowSeconds = 900, now } = options;
  const byAccount = createRateLimiter(store, { name: 'login-account', limit, windowSeconds, secret, now });
  const byIp = createRateLimiter(store, { name: 'login-ip', limit: ipLimit, windowSeconds, secret, now });
  const account = (email: string) => email.trim().toLowerCase();
  return {
    async check(email, ip) {
      const results = await Promise.all([byAccount.peek(account(email)), byIp.peek(ipRateKey(ip))]);
      const refused = results.filter((result) => !result.allowed);
      if (refused.length) throw new TooManyRequestsError(Math.max(...refused.map((result) => result.resetSeconds)));
    },
    async recordFailure(email, ip) {
      await Promise.all([byAccount.consume(account(email)), byIp.consume(ipRateKey(ip))]);
    },
    async recordSuccess(email) {
      await byAccount.reset(account(email));
    },
  };
}
