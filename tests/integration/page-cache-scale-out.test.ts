import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveBus } from '../../src/live/bus.js';
import { createPageCache } from '../../src/web/page-cache.js';
import { CATALOG_CHANGED_CHANNEL } from '../../src/web/shared-pages.js';
import { form } from '../support/accounts.js';
import { signInAdmin } from '../support/admin.js';
import { createTestApp, createTestLiveBus, type TestContext } from '../support/app.js';
import { insertProduct } from '../support/factories.js';

/**
 * Two server "processes" sharing one database and one store (Redis: catalog data and its
 * generation are shared there), each with its own page cache, and each its own connection to
 * the live bus on one topic, as two processes have. Without Redis there is one process only
 * (the in-process store and bus), so this runs on Redis; the bus wiring is tested below either way.
 */
describe.runIf(process.env.REDIS_URL)('page bytes across processes', () => {
  let shared: TestContext;
  let processA: TestContext;
  let processB: TestContext;
  const buses: LiveBus[] = [];
  let staffCookie: string;
  let slug: string;
  let productId: number;

  beforeAll(async () => {
    shared = await createTestApp();
    const topic = `hs-test:live:${randomBytes(6).toString('hex')}`;
    buses.push(createTestLiveBus(topic), createTestLiveBus(topic));
    await Promise.all(buses.map((bus) => bus.ready()));
    // Pages kept a minute: only the bus's message can drop them within this test.
    const longLived = () => ({ pageCache: createPageCache({ maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 }) });
    processA = await createTestApp({ database: shared.database, store: shared.store, live: buses[0]!, appOptions: longLived() });
    processB = await createTestApp({ database: shared.database, store: shared.store, live: buses[1]!, appOptions: longLived() });
    ({ cookie: staffCookie } = await signInAdmin(processA));
    const { product } = await insertProduct(shared.database.db, { name: 'Enamel Teapot' }, [{ price_cents: 3000, stock: 20 }]);
    ({ slug } = product);
    productId = product.id;
  });
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await shared.close();
  });

  const priceOn = async (ctx: TestContext) => {
    const response = await ctx.app.request(`/products/${slug}`);
    expect(response.status).toBe(200);
    return (await response.text()).match(/\$\d+\.\d\d/)?.[0];
  };

  it('a price changed through process A shows on the next anonymous request to A and, within the bus delivery, to B', async () => {
    expect(await priceOn(processA)).toBe('$30.00');
    expect(await priceOn(processB)).toBe('$30.00');
    expect(await priceOn(processB)).toBe('$30.00'); // B now answers from its page cache

    const editor = await processA.app.request(`/admin/products/${productId}`, { headers: { Cookie: staffCookie } });
    const fields: Record<string, string> = {};
    for (const input of parse(await editor.text()).querySelectorAll('form[data-product-form] input, form[data-product-form] textarea, form[data-product-form] select')) {
      const name = input.getAttribute('name');
      const type = input.getAttribute('type') ?? 'text';
      if (!name || type === 'submit' || type === 'file' || (type === 'checkbox' && !input.hasAttribute('checked'))) continue;
      fields[name] = input.tagName === 'TEXTAREA' ? input.text : input.tagName === 'SELECT' ? (input.querySelector('option[selected]') ?? input.querySelector('option'))?.getAttribute('value') ?? '' : (input.getAttribute('value') ?? '');
    }
    expect((await processA.app.request(`/admin/products/${productId}`, form({ ...fields, v0_price: '27.50' }, staffCookie))).status).toBe(303);

    expect(await priceOn(processA)).toBe('$27.50');
    const deadline = Date.now() + 2_000;
    let onB = await priceOn(processB);
    while (onB !== '$27.50' && Date.now() < deadline) {
      await sleep(20);
      onB = await priceOn(processB);
    }
    expect(onB).toBe('$27.50');
  });
});

describe('page bytes and the live bus', () => {
  let ctx: TestContext;
  let slug: string;

  beforeAll(async () => {
    ctx = await createTestApp({ appOptions: { pageCache: createPageCache({ maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 }) } });
    await ctx.live.ready();
    ({ slug } = (await insertProduct(ctx.database.db, { name: 'Cast Iron Pan' })).product);
  });
  afterAll(() => ctx.close());

  it('tells the other processes when the catalog changes here', async () => {
    const heard: unknown[] = [];
    const unsubscribe = ctx.live.subscribe(CATALOG_CHANGED_CHANNEL, (event) => heard.push(event));
    await ctx.catalog.invalidate();
    for (let waited = 0; heard.length === 0 && waited < 2_000; waited += 20) await sleep(20);
    unsubscribe();
    expect(heard).toHaveLength(1);
  });

  it('drops its pages and its own short-lived catalog copies when another process says the catalog changed', async () => {
    const renders = vi.spyOn(ctx.catalog, 'product');
    const forgets = vi.spyOn(ctx.catalog, 'forgetLocalCopies');
    await ctx.app.request(`/products/${slug}`);
    await ctx.app.request(`/products/${slug}`);
    expect(renders).toHaveBeenCalledTimes(1);
    await ctx.live.publish(CATALOG_CHANGED_CHANNEL, { origin: 'process-b' }); // as process B would
    for (let waited = 0; forgets.mock.calls.length === 0 && waited < 2_000; waited += 20) await sleep(20);
    expect(forgets).toHaveBeenCalled();
    await ctx.app.request(`/products/${slug}`);
    expect(renders).toHaveBeenCalledTimes(2);
    vi.restoreAllMocks();
  });
});
