import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { connectPostgres } from '../../src/db/database.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;

beforeAll(async () => {
  // Nothing listens on port 1: every query fails the way it does when Postgres is down.
  ctx = await createTestApp({ database: connectPostgres('postgres://hyperstore@127.0.0.1:1/none') });
});
afterAll(() => ctx.close());

describe('when the database is unreachable', () => {
  it('pages answer 503 (Retry-After) with a reference and no internals', async () => {
    const response = await ctx.app.request('/products');
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
    const body = await response.text();
    const page = await htmlOf(new Response(body));
    expect(textOf(page, 'h1')).toBe('Back in a moment');
    expect(textOf(page, 'main')).toContain(`Reference: ${response.headers.get('X-Request-Id')}`);
    expect(body).not.toMatch(/at \w+ \(|node_modules|Error:|stack/i);
  });

  it('readiness reports the database', async () => {
    const response = await ctx.app.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ database: 'unreachable' });
  });
});

describe('when the store (Redis) is unreachable', () => {
  it('catalog pages are read from the database directly, and readiness reports the store', async () => {
    // Nothing listens on port 1: every command fails fast, as when Redis is down.
    const away = await createTestApp({ store: createRedisStore('redis://127.0.0.1:1', { commandTimeoutMs: 200 }) });
    try {
      const { product } = await insertProduct(away.database.db, { name: 'Storm Lantern' });
      const listing = await away.app.request('/products');
      expect(listing.status).toBe(200);
      expect(await listing.text()).toContain('Storm Lantern');
      expect((await away.app.request(`/products/${product.slug}`)).status).toBe(200);
      const ready = await away.app.request('/readyz');
      expect(ready.status).toBe(503);
    } finally {
      await away.close();
    }
  });
});
