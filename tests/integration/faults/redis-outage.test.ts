import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogCache } from '../../../src/catalog/catalog-cache.js';
import { cacheFor } from '../../../src/store/json-cache.js';
import { dropRedisPrefix, scratchRedisPrefix } from '../../../scripts/support/scratch-redis.js';
import { createRedisStore } from '../../../src/store/redis-store.js';
import { form, insertUser, logIn, sessionCookieFrom, STRONG_PASSWORD } from '../../support/accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';
import { startTcpProxy, targetOf, throughProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const redisUrl = process.env.REDIS_URL;
const COMMAND_TIMEOUT_MS = 1_000;

describe.runIf(redisUrl && process.env.DATABASE_URL)('when Redis goes away mid-traffic', () => {
  let proxy: TcpProxy;
  let ctx: TestContext;
  // This suite's keys on the shared Redis, removed at the end (its store talks through the proxy).
  const keyPrefix = scratchRedisPrefix('test');
  let slug: string;
  let variantId: number;

  beforeAll(async () => {
    proxy = await startTcpProxy(targetOf(redisUrl!, 6379));
    const store = createRedisStore(throughProxy(redisUrl!, proxy), { keyPrefix, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    ctx = await createTestApp({ store });
    const { product, variants } = await insertProduct(ctx.database.db, { name: 'Storm Lantern' }, [{ price_cents: 2500, stock: 5 }]);
    slug = product.slug;
    variantId = variants[0]!.id;
    await insertUser(ctx.database.db, { email: 'ada@example.test' });
  });
  // A test that fails half-way must not leave the next one cut off.
  afterEach(() => proxy.restore());
  afterAll(async () => {
    proxy.restore();
    await ctx.close();
    await proxy.close();
    await dropRedisPrefix(redisUrl!, keyPrefix);
  });

  /** The response and how long it took: an outage must be answered, never waited out. */
  const timed = async (path: string, init?: RequestInit) => {
    const started = performance.now();
    const response = await ctx.app.request(path, init);
    return { response, ms: performance.now() - started };
  };

  const reconnected = async () => {
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline && (await ctx.app.request('/readyz')).status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
  };

  const expectFriendly503 = async ({ response, ms }: { response: Response; ms: number }) => {
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(response.headers.getSetCookie().filter((cookie) => /session=[^;]/.test(cookie))).toEqual([]);
    expect(textOf(await htmlOf(response), 'h1')).toBe('Back in a moment');
    expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
  };

  it('serves the catalog from the database, fails sessions closed and fast, and recovers without a restart', async () => {
    const signedIn = await logIn(ctx, 'ada@example.test');
    const cart = sessionCookieFrom(await ctx.app.request('/cart/items', form({ variant_id: String(variantId), quantity: '1' })))!;
    expect(cart).toBeTruthy();

    proxy.cut();

    // A visitor's catalog pages do not need Redis: read from the database directly.
    for (const path of ['/', '/products', `/products/${slug}`, '/products?q=lantern']) {
      const { response, ms } = await timed(path);
      expect(response.status, path).toBe(200);
      expect(ms, path).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
    }
    expect(await (await ctx.app.request('/products')).text()).toContain('Storm Lantern');

    // Sign-in cannot check its throttle or store a session: 503, and no session handed out.
    await expectFriendly503(await timed('/login', form({ email: 'ada@example.test', password: STRONG_PASSWORD })));
    // A signed-in shopper is not shown their account unchecked, nor a guest their checkout.
    await expectFriendly503(await timed('/account', { headers: { Cookie: signedIn } }));
    await expectFriendly503(await timed('/checkout', { headers: { Cookie: cart } }));
    // Starting a cart needs a session too.
    await expectFriendly503(await timed('/cart/items', form({ variant_id: String(variantId), quantity: '1' })));
    // The per-IP limits of the auth routes fail closed: no mail goes out unlimited.
    await expectFriendly503(await timed('/forgot-password', form({ email: 'ada@example.test' })));
    await expectFriendly503(await timed('/register', form({ email: 'new@example.test', password: STRONG_PASSWORD, first_name: 'N', last_name: 'U' })));
    expect(await ctx.database.db.selectFrom('users').select('id').where('email', '=', 'new@example.test').executeTakeFirst()).toBeUndefined();

    const ready = await ctx.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: 'ok', store: 'unreachable' });

    proxy.restore();

    // The same app, same client: ioredis reconnects on its own within a few seconds.
    const deadline = Date.now() + 8_000;
    let status = 0;
    while (Date.now() < deadline && status !== 303) {
      status = (await ctx.app.request('/login', form({ email: 'ada@example.test', password: STRONG_PASSWORD }))).status;
      if (status !== 303) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(303);
    // Sessions made before the outage were kept by Redis all along.
    expect((await ctx.app.request('/account', { headers: { Cookie: signedIn } })).status).toBe(200);
    expect((await ctx.app.request('/checkout', { headers: { Cookie: cart } })).status).toBe(200);
    expect((await ctx.app.request('/readyz')).status).toBe(200);
  }, 30_000);

  it('a catalog read through a dead cache is logged once per outage window, not once per lookup', async () => {
    const logged: unknown[] = [];
    const catalog = createCatalogCache(ctx.database.db, cacheFor(ctx.store, (error) => logged.push(error)));
    proxy.cut();
    for (let i = 0; i < 10; i++) {
      expect((await catalog.product(slug))?.name).toBe('Storm Lantern');
      await catalog.categoryTree();
    }
    expect(logged).toHaveLength(1);
    proxy.restore();
    await reconnected();
  }, 30_000);

  it('a silent Redis (no answer, no reset) costs at most the command timeout', async () => {
    const signedIn = await logIn(ctx, 'ada@example.test');
    proxy.stall();
    await expectFriendly503(await timed('/account', { headers: { Cookie: signedIn } }));
    for (const path of ['/products', `/products/${slug}`]) {
      const { response, ms } = await timed(path);
      expect(response.status, path).toBe(200);
      expect(ms, path).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000);
    }
    proxy.cut();
    proxy.restore();
    const deadline = Date.now() + 8_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await ctx.app.request('/account', { headers: { Cookie: signedIn } })).status) !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  }, 30_000);
});
