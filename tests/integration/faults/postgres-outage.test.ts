import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectPostgres, type DatabaseHandle } from '../../../src/db/database.js';
import { form, sessionCookieFrom } from '../../support/accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { createTestDatabase } from '../../support/db.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';
import { databaseUrlFor } from '../../support/postgres-admin.js';
import { startTcpProxy, targetOf, throughProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const databaseUrl = process.env.DATABASE_URL;
const CONNECT_TIMEOUT_MS = 1_000;
const QUERY_TIMEOUT_MS = 2_000;

describe.runIf(databaseUrl && process.env.REDIS_URL)('when Postgres goes away mid-traffic', () => {
  let proxy: TcpProxy;
  /** The same database reached directly, to see what really got committed. */
  let direct: DatabaseHandle;
  let ctx: TestContext;

  beforeAll(async () => {
    direct = await createTestDatabase();
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(direct.db);
    proxy = await startTcpProxy(targetOf(databaseUrl!, 5432));
    const url = throughProxy(databaseUrlFor(databaseUrl!, rows[0]!.name), proxy);
    ctx = await createTestApp({ database: connectPostgres(url, { max: 5, connectTimeoutMs: CONNECT_TIMEOUT_MS, queryTimeoutMs: QUERY_TIMEOUT_MS }) });
  });
  // A test that fails half-way must not leave the next one cut off.
  afterEach(() => proxy.restore());
  afterAll(async () => {
    proxy.restore();
    await ctx.close();
    await proxy.close();
    await direct.close();
  });

  const timed = async (path: string, init?: RequestInit) => {
    const started = performance.now();
    const response = await ctx.app.request(path, init);
    return { response, ms: performance.now() - started };
  };

  const waitFor = async (path: string, status: number, withinMs = 8_000) => {
    const deadline = Date.now() + withinMs;
    let last = 0;
    while (Date.now() < deadline && (last = (await ctx.app.request(path)).status) !== status) await new Promise((resolve) => setTimeout(resolve, 200));
    return last;
  };

  it('answers the 503 page fast, reports it on /readyz, and recovers within seconds of its return', async () => {
    await insertProduct(direct.db, { name: 'Storm Lantern' });
    expect((await ctx.app.request('/products?q=storm')).status).toBe(200);

    proxy.cut();
    const requests: [string, RequestInit?][] = [['/products?q=lantern'], ['/products?q=compass&sort=name'], ['/login', form({ email: 'ada@example.test', password: 'whatever it is' })]];
    for (const [path, init] of requests) {
      const { response, ms } = await timed(path, init);
      expect(response.status, path).toBe(503);
      expect(ms, path).toBeLessThan(CONNECT_TIMEOUT_MS + 2_000);
      expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(0);
      const body = await response.text();
      expect(textOf(await htmlOf(new Response(body)), 'h1')).toBe('Back in a moment');
      expect(body).not.toMatch(/at \w+ \(|node_modules|Error:|ECONN|terminated/i);
    }
    const ready = await ctx.app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', database: 'unreachable', store: 'ok' });

    proxy.restore();
    // The pool drops the dead connections and opens new ones: no restart.
    expect(await waitFor('/products?q=storm', 200)).toBe(200);
    expect(await (await ctx.app.request('/products?q=storm')).text()).toContain('Storm Lantern');
    expect(await waitFor('/readyz', 200)).toBe(200);
  }, 30_000);

  it('survives its connections being killed (pg_terminate_backend, as a Postgres restart does)', async () => {
    expect((await ctx.app.request('/products?q=storm')).status).toBe(200);
    const { rows } = await sql<{ killed: number }>`
      select count(*)::int as killed from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = 'hyperstore' and pid <> pg_backend_pid()
      ) as terminated`.execute(direct.db);
    // The app's own pool (the direct handle's connections are killed too; its pool reconnects as well).
    expect(rows[0]!.killed).toBeGreaterThan(0);
    // Killed idle connections are dropped by the pool; at worst a request caught in between gets the 503 page.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ctx.app.request(`/products?q=storm&page=${i + 1}`)).status);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(await waitFor('/products?q=storm', 200, 3_000)).toBe(200);
  }, 30_000);

  it('gives up on a silent database (no answer, no reset) within the timeouts, and recovers', async () => {
    expect((await ctx.app.request('/products?q=storm')).status).toBe(200);
    proxy.stall();
    // A pooled connection waits out the query timeout (2 s + 1 s); a new one the connect timeout.
    const { response, ms } = await timed('/products?q=sextant');
    expect(response.status).toBe(503);
    expect(ms).toBeLessThan(QUERY_TIMEOUT_MS + 1_000 + 1_500);
    const ready = await timed('/readyz');
    expect(ready.response.status).toBe(503);
    expect(ready.ms).toBeLessThan(3_000);
    // The partition heals as a reset: the stuck connections are dropped, fresh ones work.
    proxy.cut();
    proxy.restore();
    expect(await waitFor('/products?q=storm', 200)).toBe(200);
  }, 30_000);

  it('leaves no partial order when the connection dies in the middle of placing one', async () => {
    const { variants } = await insertProduct(direct.db, { name: 'Slide Rule' }, [{ price_cents: 2500, stock: 5 }]);
    const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }));
    const cookie = sessionCookieFrom(added)!;
    expect(cookie).toBeTruthy();

    // The order row and the stock decrement have been sent inside the transaction; its items never arrive.
    proxy.cutWhen('insert into "order_items"');
    const fields = { email: 'grace@example.test', full_name: 'Grace Hopper', address_line1: '1 Compiler Road', address_line2: '', city: 'Arlington', state: 'VA', postal_code: '22201', country: 'US', phone: '', shipping_method: 'standard', card_number: '4242 4242 4242 4242' };
    const { response, ms } = await timed('/checkout', form(fields, cookie));
    expect(response.status).toBe(503);
    expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 2_000);

    // Postgres rolled the transaction back: no order, no stock taken, the cart untouched.
    expect(await direct.db.selectFrom('orders').select('id').where('email', '=', 'grace@example.test').execute()).toEqual([]);
    const variant = await direct.db.selectFrom('product_variants').select('stock').where('id', '=', variants[0]!.id).executeTakeFirstOrThrow();
    expect(variant.stock).toBe(5);
    expect(await direct.db.selectFrom('stock_movements').select('id').where('variant_id', '=', variants[0]!.id).where('reason', '=', 'sale').execute()).toEqual([]);

    proxy.restore();
    expect(await waitFor('/cart', 200)).toBe(200);
    // Once it is back, the same cart checks out whole.
    const placed = await ctx.app.request('/checkout', form(fields, cookie));
    expect(placed.status).toBe(303);
    const order = await direct.db.selectFrom('orders').select('id').where('email', '=', 'grace@example.test').executeTakeFirstOrThrow();
    const items = await direct.db.selectFrom('order_items').select('quantity').where('order_id', '=', order.id).execute();
    expect(items).toEqual([{ quantity: 2 }]);
    expect((await direct.db.selectFrom('product_variants').select('stock').where('id', '=', variants[0]!.id).executeTakeFirstOrThrow()).stock).toBe(3);
  }, 30_000);
});
