import { randomBytes } from 'node:crypto';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { liveVersion } from '../../../src/live/version.js';
import { listLatestOrders } from '../../../src/orders/sales-report.js';
import { LATEST_ORDERS_EVENTS_PATH, LATEST_ORDERS_ID } from '../../../views/admin/dashboard.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, createTestLiveBus, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf } from '../../support/html.js';
import { isFragment, listen, openEventStream, type EventStream } from './sse-client.js';

let ctx: TestContext;
let base: string;
let stopServer: () => Promise<void>;
let staffCookie: string;
const streams: EventStream[] = [];

beforeAll(async () => {
  ctx = await createTestApp();
  ({ cookie: staffCookie } = await signInAdmin(ctx));
  ({ url: base, close: stopServer } = await listen(ctx.app));
});
afterAll(async () => {
  await Promise.all(streams.map((stream) => stream.close()));
  await stopServer();
  await ctx.close();
});

const address = { full_name: 'Dorothy Vaughan', address_line1: '2 Langley Road', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };

/** An order through the real checkout; a declined card leaves it unpaid (and cancels it). */
async function checkout(card = '4242 4242 4242 4242') {
  const { variants } = await insertProduct(ctx.database.db, { name: 'Slide Rule' }, [{ price_cents: 1999, stock: 10 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
  const email = `dorothy.${randomBytes(4).toString('hex')}@example.test`;
  return ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: card }, sessionCookieFrom(added)!));
}

async function open(path: string, headers: Record<string, string> = {}, at = base) {
  const stream = await openEventStream(`${at}${path}`, headers);
  streams.push(stream);
  return stream;
}

async function dashboardConnectPath(): Promise<string> {
  const page = await htmlOf(await ctx.app.request('/admin', { headers: { Cookie: staffCookie } }));
  const live = page.querySelector('[data-live-orders]')!;
  expect(live.getAttribute('hx-swap')).toBe('innerMorph');
  // The list itself no longer polls: the stream keeps it fresh.
  expect(live.querySelector(`#${LATEST_ORDERS_ID}`)!.getAttribute('hx-trigger')).toBeUndefined();
  return live.getAttribute('hx-sse:connect')!;
}

describe('the dashboard’s stream of new orders', () => {
  it('is for staff only: a visitor is sent to sign in, a customer refused', async () => {
    const visitor = await fetch(`${base}${LATEST_ORDERS_EVENTS_PATH}`, { redirect: 'manual' });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('Location')).toMatch(/^\/login/);
    const customer = await insertUser(ctx.database.db);
    const refused = await fetch(`${base}${LATEST_ORDERS_EVENTS_PATH}`, { headers: { Cookie: await logIn(ctx, customer.email) } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('Content-Type')).not.toMatch(/event-stream/);
    await refused.body?.cancel();
  });

  it('sends the latest orders, newest first, as soon as one is paid, and nothing for an order that was not', async () => {
    const path = await dashboardConnectPath();
    expect(path).toBe(`${LATEST_ORDERS_EVENTS_PATH}?since=${liveVersion(await listLatestOrders(ctx.database.db))}`);
    const stream = await open(path, { Cookie: staffCookie });
    expect(stream.response.headers.get('Cache-Control')).toBe('no-store');
    expect((await stream.next()).event).toBe('hs:live');
    expect(await stream.quietFor(200, isFragment)).toEqual([]);

    expect((await checkout('4000 0000 0000 0002')).status).toBe(422); // declined: never paid
    expect(await stream.quietFor(300, isFragment)).toEqual([]);

    const paid = await checkout();
    expect(paid.status).toBe(303);
    const number = paid.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const message = await stream.next(isFragment);
    expect(message.data!.startsWith(`<section id="${LATEST_ORDERS_ID}"`)).toBe(true);
    const rows = parse(message.data!).querySelectorAll('[data-latest-order]');
    expect(rows[0]!.getAttribute('data-latest-order')).toBe(number);
    expect(rows[0]!.text).toContain('$');
    expect(message.id).toBe(liveVersion(await listLatestOrders(ctx.database.db)));
  });

  it('after a reconnect, sends the list at once if an order was paid while it was away', async () => {
    const path = await dashboardConnectPath();
    const first = await open(path, { Cookie: staffCookie });
    await first.next();
    await first.close();
    const paid = await checkout();
    const number = paid.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const again = await open(path, { Cookie: staffCookie });
    const caughtUp = await again.next(isFragment);
    expect(parse(caughtUp.data!).querySelector('[data-latest-order]')!.getAttribute('data-latest-order')).toBe(number);
  });
});

describe('shutting down', () => {
  it('ends open streams at once, refuses new ones with 503, and the server closes without waiting on them', async () => {
    const live = createTestLiveBus();
    const other = await createTestApp({ database: ctx.database, store: ctx.store, live });
    const { url, server } = await listen(other.app);
    try {
      const streamsHere = [await open(LATEST_ORDERS_EVENTS_PATH, { Cookie: staffCookie }, url), await open(LATEST_ORDERS_EVENTS_PATH, { Cookie: staffCookie }, url)];
      for (const stream of streamsHere) await stream.next();
      // As src/server.ts does it: the streams end, then the server closes at once. The client
      // (undici) would keep its keep-alive sockets 4 s, a browser far longer.
      const started = Date.now();
      live.stop();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(Date.now() - started).toBeLessThan(2_000);
      await vi.waitFor(() => expect(streamsHere.map((stream) => stream.ended)).toEqual([true, true]), { timeout: 1_000 });

      const refused = await other.app.request(LATEST_ORDERS_EVENTS_PATH, { headers: { Cookie: staffCookie, 'HX-Request': 'true' } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('Retry-After')).toBe('2');
      expect(refused.headers.get('HX-Reswap')).toBe('none');
    } finally {
      server.closeAllConnections();
      await live.close();
    }
  });
});
