import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { issueTokens } from '../../../src/accounts/api-tokens.js';
import { encryptTotpKey } from '../../../src/accounts/mfa.js';
import { createTotpKey } from '../../../src/accounts/totp.js';
import { dropRedisPrefix, scratchRedisPrefix } from '../../../scripts/support/scratch-redis.js';
import { createRedisStore } from '../../../src/store/redis-store.js';
import type { KeyValueStore } from '../../../src/store/store.js';
import { insertUser } from '../../support/accounts.js';
import { apiClient } from '../../support/api.js';
import { createTestApp, testConfig, type TestContext } from '../../support/app.js';
import { createTestStore } from '../../support/store.js';
import { startTcpProxy, targetOf, throughProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const meta = { userAgent: 'test', ip: '127.0.0.1' };
/** A documented path (answers are checked against openapi.json): 200 for staff, 401 or 403 for others. */
const PATH = '/admin/users';
const from = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });

/** An access token of staff (admin with a second factor), who may read PATH. */
async function staffToken(ctx: TestContext): Promise<string> {
  const user = await insertUser(ctx.database.db, { role: 'admin' });
  await ctx.database.db.updateTable('users').set({ totp_key_encrypted: encryptTotpKey(createTotpKey(), testConfig().APP_SECRET) }).where('id', '=', user.id).execute();
  return (await issueTokens(ctx.database.db, user, meta)).accessToken;
}

describe('per-IP quota', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ env: { API_RATE_LIMIT_PER_IP: '3', API_RATE_LIMIT_PER_TOKEN: '100', TRUST_PROXY: '1' } });
  });
  afterAll(() => ctx.close());

  it('reports the budget in RateLimit headers and refuses with 429 problem+json and Retry-After once it is spent', async () => {
    const api = apiClient(ctx);
    await api.document(); // loads the document from its own address, so it does not spend this one's budget
    const token = await staffToken(ctx);
    const ip = '203.0.113.10';
    const remaining: string[] = [];
    for (let n = 0; n < 3; n++) {
      const answer = await api.get(PATH, { token, ...from(ip) });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('RateLimit-Limit')).toBe('3');
      expect(answer.headers.get('RateLimit-Policy')).toBe('3;w=60, 100;w=60');
      expect(Number(answer.headers.get('RateLimit-Reset'))).toBeGreaterThan(0);
      remaining.push(answer.headers.get('RateLimit-Remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await api.get(PATH, { token, ...from(ip) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too many requests', type: expect.stringMatching(/\/problems\/rate-limited$/) });
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
    expect(refused.headers.get('Cache-Control')).toBe('no-store');

    // Another address has its own budget.
    expect((await api.get(PATH, { token, ...from('203.0.113.11') })).status).toBe(200);
    // An anonymous request from the spent address is refused before anything else is looked at.
    expect((await api.get(PATH, from(ip))).status).toBe(429);
  });

  it('counts requests with a wrong token too, so guessing tokens is limited like anything else', async () => {
    const api = apiClient(ctx);
    const ip = '203.0.113.20';
    const guesses = [];
    for (let n = 0; n < 5; n++) guesses.push(await api.get(PATH, { token: `hsa_${'a'.repeat(31)}${'abcde'[n]}`, ...from(ip) }));
    expect(guesses.map((answer) => answer.status)).toEqual([401, 401, 401, 429, 429]);
    expect(guesses[0]!.headers.get('RateLimit-Remaining')).toBe('2');
  });

  it('counts refused bodies (not JSON, malformed) against the address as well', async () => {
    const api = apiClient(ctx);
    const ip = '203.0.113.30';
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await api.call('POST', '/admin/users/1/status', { raw: 'active=0', headers: { 'Content-Type': 'text/plain', 'X-Forwarded-For': ip } })).status);
    expect(statuses).toEqual([415, 415, 415, 429]);
  });
});

describe('per-caller quota', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestApp({ env: { API_RATE_LIMIT_PER_IP: '100', API_RATE_LIMIT_PER_TOKEN: '2', TRUST_PROXY: '1' } });
  });
  afterAll(() => ctx.close());

  it('gives each user its own budget, apart from the address’s, and reports the tighter one', async () => {
    const api = apiClient(ctx);
    await api.document();
    const adaFirst = await staffToken(ctx);
    const ada = (await ctx.database.db.selectFrom('api_token_families').select('user_id').orderBy('id', 'desc').executeTakeFirstOrThrow()).user_id;
    const adaTokens = [adaFirst, (await issueTokens(ctx.database.db, { id: ada, role: 'admin' }, meta)).accessToken];
    const bobToken = await staffToken(ctx);

    const first = await api.get(PATH, { token: adaTokens[0], ...from('198.51.100.1') });
    expect(first.status).toBe(200);
    expect(first.headers.get('RateLimit-Limit')).toBe('2');
    expect(first.headers.get('RateLimit-Remaining')).toBe('1');
    expect(first.headers.get('RateLimit-Policy')).toBe('100;w=60, 2;w=60');
    // A second token of the same user, from another address, spends the same budget.
    expect((await api.get(PATH, { token: adaTokens[1], ...from('198.51.100.2') })).status).toBe(200);
    const refused = await api.get(PATH, { token: adaTokens[0], ...from('198.51.100.3') });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);

    // Another user, and anonymous requests from Ada's first address, are not affected.
    expect((await api.get(PATH, { token: bobToken, ...from('198.51.100.1') })).status).toBe(200);
    const anonymous = await api.get(PATH, from('198.51.100.1'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('RateLimit-Limit')).toBe('100');
    expect(anonymous.headers.get('RateLimit-Policy')).toBe('100;w=60');
  });

  it('gives an API key its own budget', async () => {
    const api = apiClient(ctx);
    const owner = await insertUser(ctx.database.db, { role: 'admin' });
    const { key } = await createApiKey(ctx.database.db, { name: 'Feed', createdBy: owner.id });
    const { key: other } = await createApiKey(ctx.database.db, { name: 'Other feed', createdBy: owner.id });
    const statuses = [];
    for (let n = 0; n < 3; n++) statuses.push((await api.get(PATH, { token: key, ...from(`192.0.2.${n + 1}`) })).status);
    // A key may not read staff routes (403), but each refusal spends its budget all the same.
    expect(statuses).toEqual([403, 403, 429]);
    expect((await api.get(PATH, { token: other, ...from('192.0.2.1') })).status).toBe(403);
  });
});

/** A store that can be made to fail every command, as a Redis outage looks to the app. */
function failingStore(inner: KeyValueStore): KeyValueStore & { down: boolean } {
  const wrapped = { ...inner, down: false };
  for (const name of ['get', 'set', 'delete', 'increment', 'addToSet', 'removeFromSet', 'setMembers', 'ping'] as const) {
    const original = inner[name].bind(inner) as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = (...args: unknown[]) => (wrapped.down ? Promise.reject(new Error('store unreachable')) : original(...args));
  }
  return wrapped;
}

describe('when the store is away', () => {
  let ctx: TestContext;
  let store: ReturnType<typeof failingStore>;
  beforeAll(async () => {
    store = failingStore(createTestStore());
    ctx = await createTestApp({ store });
  });
  afterEach(() => {
    store.down = false;
  });
  afterAll(() => ctx.close());

  it('fails closed with a 503 problem and Retry-After, and recovers when it is back', async () => {
    const api = apiClient(ctx);
    await api.document();
    const token = await staffToken(ctx);
    store.down = true;
    for (const options of [{}, { token }]) {
      const answer = await api.get(PATH, options);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 503, type: expect.stringMatching(/\/problems\/unavailable$/) });
      expect(Number(answer.headers.get('Retry-After'))).toBeGreaterThan(0);
    }
    store.down = false;
    expect((await api.get(PATH, { token })).status).toBe(200);
  });
});

describe.runIf(process.env.REDIS_URL && process.env.DATABASE_URL)('when Redis goes away (real connection cut)', () => {
  let proxy: TcpProxy;
  let ctx: TestContext;
  // This suite's keys on the shared Redis, removed at the end (its store talks through the proxy).
  const keyPrefix = scratchRedisPrefix('test');
  beforeAll(async () => {
    proxy = await startTcpProxy(targetOf(process.env.REDIS_URL!, 6379));
    const store = createRedisStore(throughProxy(process.env.REDIS_URL!, proxy), { keyPrefix, commandTimeoutMs: 1_000 });
    ctx = await createTestApp({ store });
  });
  afterEach(() => proxy.restore());
  afterAll(async () => {
    proxy.restore();
    await ctx.close();
    await proxy.close();
    await dropRedisPrefix(process.env.REDIS_URL!, keyPrefix);
  });

  it('answers 503 problem+json fast, never 500 or a hang', async () => {
    const api = apiClient(ctx);
    await api.document();
    proxy.cut();
    const started = performance.now();
    const answer = await api.get(PATH);
    expect(answer.status).toBe(503);
    expect(answer.body.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(2_500);
  });
});
