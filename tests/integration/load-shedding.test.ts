import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLagSampler, type LagSampler } from '../../src/web/load-shedding.js';
import { createTestApp, type TestContext } from '../support/app.js';

describe('load shedding while the event loop lags', () => {
  let ctx: TestContext;
  let lag = 0;

  beforeAll(async () => {
    ctx = await createTestApp({ appOptions: { eventLoopLag: () => lag } });
  });
  afterAll(() => ctx.close());

  const shedCount = async () => {
    const text = await (await ctx.app.request('/metrics')).text();
    return Number(/^hyperstore_http_shed_total (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
  };

  it('answers new requests 503 with Retry-After and no database or store work while the lag is over 100 ms', async () => {
    const before = await shedCount();
    const reads = [vi.spyOn(ctx.catalog, 'categoryTree'), vi.spyOn(ctx.catalog, 'product'), vi.spyOn(ctx.catalog, 'list'), vi.spyOn(ctx.store, 'get')];
    lag = 150;
    const shed = await Promise.all(['/products', '/', '/cart', '/login'].map((path) => ctx.app.request(path, { headers: { Cookie: 'session=anything' } })));
    const posted = await ctx.app.request('/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'variant_id=1&quantity=1' });
    lag = 0;
    for (const response of [...shed, posted]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe('2');
      expect(response.headers.get('Cache-Control')).toBe('no-store');
      expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'self'");
      expect(await response.text()).toContain('very busy');
    }
    for (const read of reads) expect(read).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    expect(await shedCount()).toBe(before + 5);
  });

  it('still answers health, readiness and metrics', async () => {
    lag = 10_000;
    const answers = await Promise.all(['/healthz', '/readyz', '/metrics'].map((path) => ctx.app.request(path)));
    lag = 0;
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it('serves normally at or under the threshold, and again as soon as the lag falls', async () => {
    // Pages the cache does not hold yet (a page cached by an earlier request is not shed: below).
    lag = 100;
    expect((await ctx.app.request('/products?page=2')).status).toBe(200);
    lag = 101;
    expect((await ctx.app.request('/products?page=3')).status).toBe(503);
    lag = 3;
    expect((await ctx.app.request('/products?page=3')).status).toBe(200);
  });

  it('still serves a catalog page the page cache holds: sending its bytes costs less than the 503 page', async () => {
    lag = 3;
    expect((await ctx.app.request('/products?page=4')).status).toBe(200);
    lag = 500;
    expect((await ctx.app.request('/products?page=4')).status).toBe(200);
    expect((await ctx.app.request('/products?page=5')).status).toBe(503);
  });

  it('never sheds with SHED_LAG_MS=0', async () => {
    const off = await createTestApp({ env: { SHED_LAG_MS: '0' }, appOptions: { eventLoopLag: () => 60_000 } });
    try {
      expect((await off.app.request('/products')).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});

describe('load shedding with a real lag sampler', () => {
  let ctx: TestContext;
  let sampler: LagSampler;

  beforeAll(async () => {
    sampler = startLagSampler(10);
    ctx = await createTestApp({ appOptions: { eventLoopLag: sampler.lag } });
  });
  afterAll(async () => {
    sampler.stop();
    await ctx.close();
  });

  async function untilCalm() {
    for (let waited = 0; sampler.lag() > 20 && waited < 5_000; waited += 20) await sleep(20);
    expect(sampler.lag()).toBeLessThanOrEqual(20);
  }

  it('sheds the requests that arrive while the loop is blocked, and serves again once it has caught up', async () => {
    await untilCalm();
    expect((await ctx.app.request('/healthz')).status).toBe(200);
    const blockedUntil = performance.now() + 250;
    while (performance.now() < blockedUntil) {
      // a synchronous stretch of work, as a pathological request would make
    }
    // Handled before any timer runs again: the sampler's tick is 240 ms overdue.
    const during = await ctx.app.request('/products');
    expect(during.status).toBe(503);
    await untilCalm();
    expect((await ctx.app.request('/products')).status).toBe(200);
  });
});
