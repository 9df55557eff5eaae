import { randomBytes } from 'node:crypto';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveBus } from '../../../src/live/bus.js';
import { orderLinkToken } from '../../../src/orders/orders.js';
import { LATEST_ORDERS_EVENTS_PATH } from '../../../views/admin/dashboard.js';
import { form, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, createTestLiveBus, testConfig, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { isFragment, listen, openEventStream, type EventStream } from './sse-client.js';

/**
 * Two server "processes" (two apps, two ports, two buses with their own Redis connections)
 * behind one balancer: what happens on one reaches browsers streaming from the other.
 */
describe.runIf(process.env.REDIS_URL)('live updates across processes, through Redis', () => {
  let ctx: TestContext;
  let processA: TestContext;
  let processB: TestContext;
  const buses: LiveBus[] = [];
  const streams: EventStream[] = [];
  const servers: Array<() => Promise<void>> = [];
  let urlB: string;
  let staffCookie: string;

  beforeAll(async () => {
    ctx = await createTestApp();
    const topic = `hs-test:live:${randomBytes(6).toString('hex')}`;
    buses.push(createTestLiveBus(topic), createTestLiveBus(topic));
    await Promise.all(buses.map((bus) => bus.ready()));
    // One database and one session store, as real processes share them.
    processA = await createTestApp({ database: ctx.database, store: ctx.store, live: buses[0]! });
    processB = await createTestApp({ database: ctx.database, store: ctx.store, live: buses[1]! });
    ({ cookie: staffCookie } = await signInAdmin(processA));
    const { url, close } = await listen(processB.app);
    urlB = url;
    servers.push(close);
  });
  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await Promise.all(servers.map((close) => close()));
    await Promise.all(buses.map((bus) => bus.close()));
    await ctx.close(); // the shared database and store; processA and processB only borrowed them
  });

  async function paidOrderOnA() {
    const { variants } = await insertProduct(ctx.database.db, { name: 'Orbit Globe' }, [{ price_cents: 4200, stock: 5 }]);
    const added = await processA.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
    const address = { full_name: 'Christine Darden', address_line1: '4 Sonic Boom Way', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };
    const email = `christine.${randomBytes(4).toString('hex')}@example.test`;
    const placed = await processA.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, sessionCookieFrom(added)!));
    expect(placed.status).toBe(303);
    return placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
  }

  async function openOnB(path: string, headers: Record<string, string> = {}) {
    const stream = await openEventStream(`${urlB}${path}`, headers);
    streams.push(stream);
    await stream.next(); // connected
    return stream;
  }

  it('staff ship an order on process A; the guest’s page streaming from process B hears it', async () => {
    const number = await paidOrderOnA();
    const token = orderLinkToken(number, testConfig().APP_SECRET);
    const stream = await openOnB(`/orders/${number}/events?token=${token}`);
    await stream.next(isFragment); // no `since`: the state it connected to

    expect((await processA.app.request(`/admin/orders/${number}/status`, form({ status: 'processing' }, staffCookie))).status).toBe(303);
    expect((await processA.app.request(`/admin/orders/${number}/status`, form({ status: 'shipped', carrier: 'DHL', tracking_number: 'JD0140' }, staffCookie))).status).toBe(303);
    const statuses: string[] = [];
    while (!statuses.includes('shipped')) {
      const message = await stream.next(isFragment);
      statuses.push(parse(message.data!).querySelector('[data-order-status]')!.getAttribute('data-order-status')!);
    }
    expect(statuses.at(-1)).toBe('shipped');
    expect(buses[1]!.listenerCount(`order:${number}`)).toBe(1);
    expect(buses[0]!.listenerCount(`order:${number}`)).toBe(0); // nobody streams from A: it only published
  });

  it('an order paid on process A reaches the dashboard streaming from process B', async () => {
    const stream = await openOnB(LATEST_ORDERS_EVENTS_PATH, { Cookie: staffCookie });
    await stream.next(isFragment);
    const number = await paidOrderOnA();
    for (;;) {
      const message = await stream.next(isFragment);
      if (parse(message.data!).querySelector('[data-latest-order]')?.getAttribute('data-latest-order') === number) break;
    }
  });
});
