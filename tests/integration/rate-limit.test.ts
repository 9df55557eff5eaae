import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import type { KeyValueStore } from '../../src/store/store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import type { AppEnv } from '../../src/web/context.js';
import { byClientIp, clientIp, createLoginThrottle, createRateLimiter, ipRateKey, rateLimit, type LoginThrottle } from '../../src/web/rate-limit.js';
import { createTestApp, testConfig, type TestContext } from '../support/app.js';
import { htmlOf, textOf } from '../support/html.js';

const secret = 'rate-limit-test-secret'.padEnd(40, 'x');
const WINDOW = 900;
let clock = 1_800_000_000_000; // the start of a 15-minute window
const now = () => clock;
const advance = (seconds: number) => {
  clock += seconds * 1000;
};

let ctx: TestContext;
let down: KeyValueStore;
/** Every store key the limiters touched, to check that none names a person. */
const keysSeen = new Set<string>();

/** As a request from `ip` arrives at the Node server (app.request() has no socket of its own). */
const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });

beforeAll(async () => {
  ctx = await createTestApp();
  down = createRedisStore('redis://127.0.0.1:1', { commandTimeoutMs: 200 }); // nothing listens on port 1
  const watched = watchKeys(ctx.store);
  const routes = new Hono<AppEnv>();

  const general = createRateLimiter(watched, { name: 'test-general', limit: 100, windowSeconds: WINDOW, secret, now });
  routes.use('/limited/*', rateLimit(general, byClientIp(0)));
  routes.get('/limited/ping', (c) => c.text('pong'));

  const unreachable = createRateLimiter(down, { name: 'test-down', limit: 100, windowSeconds: WINDOW, secret });
  routes.use('/closed/*', rateLimit(unreachable, byClientIp(0)));
  routes.get('/closed/ping', (c) => c.text('pong'));
  routes.use('/open/*', rateLimit(unreachable, byClientIp(0), { failOpen: true }));
  routes.get('/open/ping', (c) => c.text('pong'));

  routes.get('/ip', (c) => c.text(clientIp(c, Number(c.req.query('trust') ?? 0))));

  // A login handler shaped the way the real one will use the throttle.
  const login = (throttle: LoginThrottle) => async (c: Context<AppEnv>) => {
    const form = await c.req.parseBody();
    const [email, ip] = [String(form.email), clientIp(c, 1)];
    await throttle.check(email, ip);
    if (form.password !== 'correct horse') {
      await throttle.recordFailure(email, ip);
      return c.text('Wrong e-mail or password', 401);
    }
    await throttle.recordSuccess(email);
    return c.text('Welcome');
  };
  routes.post('/login', login(createLoginThrottle(watched, { secret, now })));
  routes.post('/login-down', login(createLoginThrottle(down, { secret })));
  ctx.app.route('/test', routes);
});
afterAll(async () => {
  await down.close();
  await ctx.close();
});

function watchKeys(store: KeyValueStore): KeyValueStore {
  const seen = <A extends unknown[], R>(method: (key: string, ...rest: A) => R) => (key: string, ...rest: A) => {
    keysSeen.add(key);
    return method(key, ...rest);
  };
  return { ...store, get: seen(store.get), set: seen(store.set), delete: seen(store.delete), increment: seen(store.increment) };
}

const ping = (ip: string) => ctx.app.request('/test/limited/ping', {}, from(ip));
const headers = (response: Response) => ({
  limit: Number(response.headers.get('RateLimit-Limit')),
  remaining: Number(response.headers.get('RateLimit-Remaining')),
  reset: Number(response.headers.get('RateLimit-Reset')),
  retryAfter: response.headers.get('Retry-After'),
});

describe('the per-IP rate limit', () => {
  it('allows 100 requests in the window, tells how many are left, and refuses the 101st with 429', async () => {
    const first = await ping('192.0.2.1');
    expect(first.status).toBe(200);
    expect(headers(first)).toEqual({ limit: 100, remaining: 99, reset: WINDOW, retryAfter: null });
    for (let n = 2; n <= 99; n++) expect((await ping('192.0.2.1')).status).toBe(200);
    const hundredth = await ping('192.0.2.1');
    expect(hundredth.status).toBe(200);
    expect(headers(hundredth).remaining).toBe(0);

    const refused = await ping('192.0.2.1');
    expect(refused.status).toBe(429);
    const { limit, remaining, reset, retryAfter } = headers(refused);
    expect({ limit, remaining }).toEqual({ limit: 100, remaining: 0 });
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(2 * WINDOW);
    expect(reset).toBe(Number(retryAfter));
    expect(refused.headers.get('Cache-Control')).toBe('no-store');
    const page = await htmlOf(refused);
    expect(textOf(page, 'h1')).toBe('Slow down a little');
    expect(textOf(page, 'main')).toMatch(/Please try again in \d+ minutes/);
  });

  it('counts each IP apart', async () => {
    const other = await ping('192.0.2.2');
    expect(other.status).toBe(200);
    expect(headers(other).remaining).toBe(99);
  });

  it('lets a refused client back in once it waits as long as Retry-After says, and not before', async () => {
    for (let n = 1; n <= 100; n++) await ping('192.0.2.3');
    const refused = await ping('192.0.2.3');
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('Retry-After'));
    // Checking a second early would itself count, so a twin client checks that instead.
    for (let n = 1; n <= 101; n++) await ping('192.0.2.4');
    advance(wait - 1);
    expect((await ping('192.0.2.4')).status).toBe(429);
    advance(1);
    expect((await ping('192.0.2.3')).status).toBe(200);
  });

  it('starts afresh once the window has passed', async () => {
    for (let n = 1; n <= 101; n++) await ping('192.0.2.5');
    expect((await ping('192.0.2.5')).status).toBe(429);
    advance(2 * WINDOW);
    const fresh = await ping('192.0.2.5');
    expect(fresh.status).toBe(200);
    expect(headers(fresh).remaining).toBe(99);
  });

  it('smooths the boundary: a full window just before it still weighs just after it', async () => {
    advance(WINDOW - (clock / 1000) % WINDOW - 10); // ten seconds before a window ends
    for (let n = 1; n <= 100; n++) expect((await ping('192.0.2.6')).status).toBe(200);
    advance(20); // a plain fixed window would grant 100 more here
    let granted = 0;
    for (let n = 1; n <= 100; n++) if ((await ping('192.0.2.6')).status === 200) granted++;
    expect(granted).toBeLessThanOrEqual(2);
  });
});

describe('when the store is unreachable', () => {
  it('fails closed with 503 and Retry-After, never reaching the handler', async () => {
    const response = await ctx.app.request('/test/closed/ping', {}, from('192.0.2.1'));
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
    const body = await response.text();
    expect(body).not.toContain('pong');
    expect(textOf(await htmlOf(new Response(body)), 'h1')).toBe('Back in a moment');
  });

  it('lets requests through only where a route asks to fail open', async () => {
    const response = await ctx.app.request('/test/open/ping', {}, from('192.0.2.1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('RateLimit-Limit')).toBeNull();
  });

  it('refuses sign-in with 503 rather than checking passwords unthrottled', async () => {
    const response = await attempt('/test/login-down', 'a@example.test', 'correct horse', '198.51.100.1');
    expect(response.status).toBe(503);
    expect(await response.text()).not.toContain('Welcome');
  });
});

const attempt = (path: string, email: string, password: string, ip: string) =>
  ctx.app.request(path, { method: 'POST', body: new URLSearchParams({ email, password }), headers: { 'X-Forwarded-For': ip } });
const login = (email: string, password: string, ip = '198.51.100.1') => attempt('/test/login', email, password, ip);

describe('the login throttle', () => {
  it('locks an account after 10 failures, even for the right password, while other accounts still sign in', async () => {
    for (let n = 1; n <= 10; n++) expect((await login(n % 2 ? 'alice@example.test' : ' Alice@Example.TEST ', 'guess')).status).toBe(401);
    const locked = await login('alice@example.test', 'correct horse');
    expect(locked.status).toBe(429);
    const wait = Number(locked.headers.get('Retry-After'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2 * WINDOW);
    expect(await locked.text()).not.toContain('Welcome');
    expect((await login('alice@example.test', 'correct horse', '203.0.113.50')).status).toBe(429); // another IP: still locked

    expect((await login('bob@example.test', 'correct horse')).status).toBe(200); // same IP, other account
    expect((await login('bob@example.test', 'guess')).status).toBe(401);

    advance(wait);
    expect((await login('alice@example.test', 'correct horse')).status).toBe(200);
  });

  it('clears an account’s failures when it signs in', async () => {
    for (let n = 1; n <= 9; n++) await login('carol@example.test', 'guess');
    expect((await login('carol@example.test', 'correct horse')).status).toBe(200);
    for (let n = 1; n <= 9; n++) await login('carol@example.test', 'guess');
    expect((await login('carol@example.test', 'guess')).status).toBe(401); // the tenth failure since, not the 19th
  });

  it('locks an IP that fails on many accounts, and only that IP', async () => {
    for (let n = 1; n <= 50; n++) expect((await login(`user${n}@example.test`, 'guess', '203.0.113.9')).status).toBe(401);
    const locked = await login('dave@example.test', 'correct horse', '203.0.113.9');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await login('dave@example.test', 'correct horse', '203.0.113.10')).status).toBe(200);
  });

  it('keeps e-mails and IPs out of store key names', () => {
    expect(keysSeen.size).toBeGreaterThan(0);
    for (const key of keysSeen) expect(key).not.toMatch(/example|alice|@|192\.0\.2|198\.51|203\.0/i);
  });
});

describe('the client address', () => {
  const ip = async (trust: number, forwarded?: string, socket = '192.0.2.10') =>
    (await ctx.app.request(`/test/ip?trust=${trust}`, { headers: forwarded ? { 'X-Forwarded-For': forwarded } : {} }, from(socket))).text();

  it('is the socket’s unless proxies are trusted, then the right-most address they did not add', async () => {
    expect(await ip(0, '203.0.113.7')).toBe('192.0.2.10');
    expect(await ip(1, '203.0.113.7')).toBe('203.0.113.7');
    expect(await ip(1, '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await ip(2, '6.6.6.6, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7');
    expect(await ip(3, '203.0.113.7')).toBe('203.0.113.7'); // fewer hops than configured: the furthest one
    expect(await ip(1, 'not-an-address')).toBe('192.0.2.10');
    expect(await ip(1, '[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(await ip(0, undefined, '::ffff:192.0.2.10')).toBe('192.0.2.10');
  });

  it('is "unknown" for a request with no socket, and the peer for a real one', async () => {
    expect(await (await ctx.app.request('/test/ip')).text()).toBe('unknown');
    const server = createAdaptorServer({ fetch: ctx.app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await (await fetch(`http://127.0.0.1:${port}/test/ip`)).text()).toBe('127.0.0.1');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('is limited by its /64 when it is IPv6', () => {
    expect(ipRateKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipRateKey('2001:DB8:1:2::9')).toBe(ipRateKey('2001:db8:1:2:ffff::1'));
    expect(ipRateKey('2001:db8:1:3::1')).not.toBe(ipRateKey('2001:db8:1:2::1'));
    expect(ipRateKey('::1')).toBe('0:0:0:0::/64');
    expect(ipRateKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('configuration', () => {
  it('defaults to 100 requests per 15 minutes and to believing no proxy', () => {
    expect(testConfig()).toMatchObject({ RATE_LIMIT_MAX: 100, RATE_LIMIT_WINDOW_SECONDS: 900, TRUST_PROXY: 0 });
    expect(testConfig({ RATE_LIMIT_MAX: '20', RATE_LIMIT_WINDOW_SECONDS: '60', TRUST_PROXY: '2' })).toMatchObject({
      RATE_LIMIT_MAX: 20,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      TRUST_PROXY: 2,
    });
  });

  it('refuses values that would switch the limit off or trust anyone', () => {
    for (const env of [{ RATE_LIMIT_MAX: '0' }, { RATE_LIMIT_WINDOW_SECONDS: 'soon' }, { TRUST_PROXY: 'true' }, { TRUST_PROXY: '-1' }]) {
      expect(() => testConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
