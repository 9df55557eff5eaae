import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/accounts/sessions.js';
import { createApp } from '../../src/app.js';
import { projectRoot } from '../../src/lib/paths.js';
import { enqueueMessage } from '../../src/mail/outbox.js';
import { createDevMailbox } from '../../src/mail/mailer.js';
import { TestPaymentProvider } from '../../src/payments/index.js';
import { loadAssets } from '../../src/web/assets.js';
import { createTestApp, createTestLiveBus, testConfig, type TestContext } from '../support/app.js';
import { insertProduct } from '../support/factories.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
  // A handler that fails, to see a 5xx counted under its own route.
  ctx.app.get('/test-only/fails/:id', () => {
    throw new Error('deliberate failure');
  });
});
afterAll(() => ctx.close());

async function scrape(context = ctx, headers: Record<string, string> = {}): Promise<string> {
  const response = await context.app.request('/metrics', { headers });
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of the sample `name` whose labels include all of `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const given = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => given.includes(`${key}="${value}"`))) return Number(match[3]);
  }
  return undefined;
}

const seriesOf = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`));

async function paidOrder(number: string, totalCents: number, paid: boolean) {
  await ctx.database.db
    .insertInto('orders')
    .values({
      number,
      email: 'buyer@example.test',
      status: paid ? 'paid' : 'pending',
      currency: 'USD',
      subtotal_cents: totalCents,
      total_cents: totalCents,
      shipping_method_code: 'standard',
      shipping_method_name: 'Standard',
      full_name: 'B',
      address_line1: '1 Road',
      city: 'Town',
      postal_code: '1',
      country: 'US',
      payment_provider: 'test',
      paid_at: paid ? new Date() : null,
    })
    .execute();
}

describe('GET /metrics', () => {
  it('answers Prometheus text in the registry content type, every sample line well formed', async () => {
    await ctx.database.ping(); // the pool opens its first connection
    const response = await ctx.app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('set-cookie')).toBeNull();
    const text = await response.text();
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
    for (const line of text.split('\n').filter((row) => row && !row.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{[^}]*\})? (-?[\d.]+(e[+-]?\d+)?|nan|[+-]inf)$/i);
    }
    expect(text).toContain('# TYPE hyperstore_http_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(sample(text, 'hyperstore_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'hyperstore_db_pool_connections', { state: 'waiting' })).toBe(0);
  });

  it('times requests under their route pattern: two product pages make one series', async () => {
    const [first, second] = [await insertProduct(ctx.database.db), await insertProduct(ctx.database.db)];
    const before = await scrape();
    const listings = sample(before, 'hyperstore_http_request_duration_seconds_count', { route: '/products', method: 'GET', status: '2xx' }) ?? 0;
    expect((await ctx.app.request('/products')).status).toBe(200);
    expect((await ctx.app.request(`/products/${first.product.slug}`)).status).toBe(200);
    expect((await ctx.app.request(`/products/${second.product.slug}`)).status).toBe(200);
    const after = await scrape();
    expect(sample(after, 'hyperstore_http_request_duration_seconds_count', { route: '/products', method: 'GET', status: '2xx' })).toBe(listings + 1);
    expect(sample(after, 'hyperstore_http_requests_total', { route: '/products/:slug', method: 'GET', status: '2xx' })).toBe(2);
    expect(after).not.toContain(first.product.slug);
    expect(seriesOf(after, 'hyperstore_http_requests_total').filter((line) => line.includes('route="/products/:slug"'))).toHaveLength(1);
  });

  it('counts a 5xx as an error of its route, and an unknown path under one label', async () => {
    expect((await ctx.app.request('/test-only/fails/1')).status).toBe(500);
    expect((await ctx.app.request('/test-only/fails/2')).status).toBe(500);
    expect((await ctx.app.request('/no-such-page-a1')).status).toBe(404);
    const text = await scrape();
    expect(sample(text, 'hyperstore_http_errors_total', { route: '/test-only/fails/:id', method: 'GET' })).toBe(2);
    expect(sample(text, 'hyperstore_http_requests_total', { route: 'unmatched', status: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('no-such-page-a1');
  });

  it('counts a catalog cache miss, then a hit on the second read', async () => {
    const { product } = await insertProduct(ctx.database.db);
    const before = await scrape();
    const [hits, misses] = [sample(before, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'hit' }) ?? 0, sample(before, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'miss' }) ?? 0];
    await ctx.catalog.product(product.slug);
    const afterFirst = await scrape();
    expect(sample(afterFirst, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'miss' })).toBe(misses + 1);
    expect(sample(afterFirst, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'hit' }) ?? 0).toBe(hits);
    await ctx.catalog.product(product.slug);
    const afterSecond = await scrape();
    expect(sample(afterSecond, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'hit' })).toBe(hits + 1);
    expect(sample(afterSecond, 'hyperstore_cache_lookups_total', { cache: 'catalog', result: 'miss' })).toBe(misses + 1);
  });

  it('reports the outbox backlog as the database holds it', async () => {
    expect(sample(await scrape(), 'hyperstore_outbox_messages', { status: 'pending' })).toBe(0);
    for (const n of [1, 2, 3]) await enqueueMessage(ctx.database.db, { kind: 'test.metrics', to: `m${n}@example.test`, subject: 'Hi', text: 'Hello' });
    await ctx.database.db.updateTable('outbox_messages').set({ status: 'failed' }).where('recipient', '=', 'm3@example.test').execute();
    const text = await scrape();
    expect(sample(text, 'hyperstore_outbox_messages', { status: 'pending' })).toBe(2);
    expect(sample(text, 'hyperstore_outbox_messages', { status: 'failed' })).toBe(1);
  });

  it('counts paid orders and their revenue in cents, not unpaid ones', async () => {
    await paidOrder('HS-METRIC1', 1250, true);
    await paidOrder('HS-METRIC2', 4999, true);
    await paidOrder('HS-METRIC3', 700, false);
    const text = await scrape();
    expect(text).toContain('# TYPE hyperstore_orders_paid_total counter');
    expect(sample(text, 'hyperstore_orders_paid_total')).toBe(2);
    expect(sample(text, 'hyperstore_revenue_cents_total', { currency: 'USD' })).toBe(6249);
  });
});

describe('who may scrape', () => {
  const token = 'metrics-token-0123456789abcdef';

  it('with METRICS_TOKEN, only a request bearing it', async () => {
    const guarded = await createTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const missing = await guarded.app.request('/metrics');
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await missing.text()).not.toContain('hyperstore_');
      expect((await guarded.app.request('/metrics', { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
      expect((await guarded.app.request('/metrics', { headers: { authorization: token } })).status).toBe(401);
      expect(await scrape(guarded, { authorization: `Bearer ${token}` })).toContain('hyperstore_http_requests_total');
    } finally {
      await guarded.close();
    }
  });

  it('refuses a short token, a port that is not one or that is PORT, naming the variable', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(() => testConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT must be a port number/);
    expect(() => testConfig({ METRICS_PORT: '3000' })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(testConfig({ METRICS_PORT: '' }).METRICS_PORT).toBeUndefined();
    expect(testConfig({ METRICS_PORT: '9464', SLOW_QUERY_MS: '250' })).toMatchObject({ METRICS_PORT: 9464, SLOW_QUERY_MS: 250 });
  });

  it('in production without a token, 404; with METRICS_PORT, not on the public app at all', async () => {
    const production = await createTestApp({ env: { NODE_ENV: 'production', PAYMENTS: 'test' } });
    const internal = await createTestApp({ env: { METRICS_PORT: '9464' } });
    try {
      const hidden = await production.app.request('/metrics');
      expect(hidden.status).toBe(404);
      expect(await hidden.text()).not.toContain('hyperstore_');
      expect((await internal.app.request('/metrics')).status).toBe(404);
    } finally {
      await Promise.all([production.close(), internal.close()]);
    }
  });
});

describe('request ids', () => {
  it('the log lines of a failed request and its error page carry the same id', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const live = createTestLiveBus();
    const app = createApp({
      config: testConfig(),
      db: ctx.database.db,
      database: ctx.database,
      store: ctx.store,
      log,
      assets: loadAssets(join(projectRoot, 'public')),
      catalog: ctx.catalog,
      sessions: createSessions(ctx.store),
      mailer: createDevMailbox(ctx.database.db),
      payments: new TestPaymentProvider(),
      live,
      isAcceptingTraffic: () => true,
    });
    app.get('/test-only/log-fails', () => {
      throw new Error('deliberate failure');
    });
    try {
      const response = await app.request('/test-only/log-fails');
      expect(response.status).toBe(500);
      const id = response.headers.get('X-Request-Id')!;
      expect(id).toMatch(/^[\w-]{8,}$/);
      expect(await response.text()).toContain(id);
      const failed = lines.find((line) => line.msg === 'request failed');
      const summary = lines.find((line) => line.msg === 'request' && line.path === '/test-only/log-fails');
      expect(failed?.req_id).toBe(id);
      expect(summary).toMatchObject({ req_id: id, status: 500 });
    } finally {
      await live.close();
    }
  });
});
