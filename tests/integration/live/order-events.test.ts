import { randomBytes } from 'node:crypto';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, RETRY_MS } from '../../../src/live/event-stream.js';
import { orderChannel } from '../../../src/live/order-events.js';
import { liveVersion } from '../../../src/live/version.js';
import { orderLinkToken } from '../../../src/orders/orders.js';
import { ORDER_STATUS_ID } from '../../../views/orders/order.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, testConfig, type TestContext } from '../../support/app.js';
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

const address = { full_name: 'Mary Jackson', address_line1: '3 Wind Tunnel Road', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };
const secret = testConfig().APP_SECRET;
const statusOf = async (number: string) => (await ctx.database.db.selectFrom('orders').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status;

/** A paid order through the real checkout (a guest's, or a member's when a cookie is given). */
async function paidOrder(memberCookie?: string) {
  const { variants } = await insertProduct(ctx.database.db, { name: 'Wind Tunnel Model' }, [{ price_cents: 2500, stock: 10 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }, memberCookie));
  const shopper = memberCookie ?? sessionCookieFrom(added)!;
  const email = `mary.${randomBytes(4).toString('hex')}@example.test`;
  const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, shopper));
  expect(placed.status).toBe(303);
  const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
  return { number, token: orderLinkToken(number, secret) };
}

async function open(path: string, headers: Record<string, string> = {}) {
  const stream = await openEventStream(`${base}${path}`, headers);
  streams.push(stream);
  return stream;
}

/** The stream URL the order page connects to, as the guest's browser would read it. */
async function connectPathOnPage(number: string, token: string): Promise<string> {
  const page = await htmlOf(await ctx.app.request(`/orders/${number}?token=${token}`));
  return page.querySelector('[data-live-order]')!.getAttribute('hx-sse:connect')!;
}

const move = (number: string, fields: Record<string, string>) => ctx.app.request(`/admin/orders/${number}/status`, form(fields, staffCookie));
const statusIn = (html: string) => parse(html).querySelector('[data-order-status]')?.getAttribute('data-order-status');

describe('who may listen to an order', () => {
  it('refuses anyone the order page refuses with its 404, which htmx must not swap over the status', async () => {
    const { number, token } = await paidOrder();
    const customer = await insertUser(ctx.database.db);
    const otherCustomer = await logIn(ctx, customer.email);
    const refused = [
      { path: `/orders/${number}/events` },
      { path: `/orders/${number}/events?token=${orderLinkToken('HS-ZZZZZZZZ', secret)}` },
      { path: `/orders/${number}/events?token=${token.slice(0, -2)}xx` },
      { path: `/orders/${number}/events`, headers: { Cookie: otherCustomer } },
      { path: `/orders/HS-NOPE/events?token=${token}` },
    ];
    for (const { path, headers = {} } of refused) {
      const response = await fetch(`${base}${path}`, { headers: { ...headers, 'HX-Request': 'true' } });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('Content-Type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('HX-Reswap'), path).toBe('none');
      await response.body?.cancel();
    }
    expect(ctx.live.listenerCount(orderChannel(number))).toBe(0);
  });

  it('lets the guest with the signed link, the owner and staff listen', async () => {
    const guest = await paidOrder();
    const member = await insertUser(ctx.database.db);
    const memberCookie = await logIn(ctx, member.email);
    const own = await paidOrder(memberCookie);
    for (const [path, headers] of [
      [`/orders/${guest.number}/events?token=${guest.token}`, {}],
      [`/orders/${own.number}/events`, { Cookie: memberCookie }],
      [`/orders/${guest.number}/events`, { Cookie: staffCookie }],
    ] as const) {
      const stream = await open(path, headers);
      expect(stream.response.status, path).toBe(200);
      expect(statusIn((await stream.next(isFragment)).data!), path).toBe('paid');
      await stream.close();
    }
  });
});

describe('an order page’s stream', () => {
  it('is uncached, unbuffered and uncompressed, opens with its retry delay, and sends nothing the page already shows', async () => {
    const { number, token } = await paidOrder();
    const stream = await open(await connectPathOnPage(number, token), { 'Accept-Encoding': 'br, gzip' });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('Cache-Control')).toBe('no-store');
    expect(stream.response.headers.get('X-Accel-Buffering')).toBe('no');
    expect(stream.response.headers.get('Content-Encoding')).toBeNull();
    expect(await stream.next()).toEqual({ event: 'hs:live', data: 'connected', retry: RETRY_MS });
    expect(await stream.quietFor(300, isFragment)).toEqual([]);
  });

  it('sends the re-rendered status fragment, escaped, each time staff move the order', async () => {
    const { number, token } = await paidOrder();
    const stream = await open(await connectPathOnPage(number, token));
    await stream.next(); // connected
    expect((await move(number, { status: 'processing' })).status).toBe(303);
    const preparing = await stream.next(isFragment);
    expect(statusIn(preparing.data!)).toBe('processing');

    expect((await move(number, { status: 'shipped', carrier: 'Fast & <b>Sure</b>', tracking_number: '1Z 999/AA' })).status).toBe(303);
    const shipped = await stream.next(isFragment);
    expect(await statusOf(number)).toBe('shipped');
    const fragment = parse(shipped.data!);
    expect(shipped.data!.startsWith(`<section id="${ORDER_STATUS_ID}"`)).toBe(true);
    expect(fragment.querySelector('[data-order-status]')!.getAttribute('data-order-status')).toBe('shipped');
    expect(fragment.querySelector('[data-order-status]')!.text.trim()).toBe('Shipped');
    // What staff typed arrives as text: escaped in the payload, never markup.
    expect(fragment.querySelector('[data-order-tracking]')!.text).toBe('Sent with Fast & <b>Sure</b>, tracking number 1Z 999/AA');
    expect(shipped.data).toContain('Fast &amp; &lt;b');
    expect(shipped.data).not.toMatch(/<b\b/);
    expect(fragment.querySelectorAll('[data-order-timeline] li').map((item) => item.text)).toEqual([
      expect.stringContaining('Awaiting payment'),
      expect.stringContaining('Paid'),
      expect.stringContaining('Being prepared'),
      expect.stringContaining('Shipped'),
    ]);
    // Shipped orders can no longer be cancelled: the button leaves with the same event.
    expect(fragment.querySelector('form[action$="/cancel"]')).toBeNull();
    expect(shipped.id).toBe(liveVersion(shipped.data!));

    // The page drawn now is what the stream sent: a reconnect with its `since` gets nothing more.
    expect(new URLSearchParams((await connectPathOnPage(number, token)).split('?')[1]).get('since')).toBe(shipped.id);
  });

  it('tells the page when the shopper cancels it from another tab', async () => {
    const { number, token } = await paidOrder();
    const stream = await open(await connectPathOnPage(number, token));
    expect((await ctx.app.request(`/orders/${number}/cancel`, form({ token }))).status).toBe(303);
    expect(statusIn((await stream.next(isFragment)).data!)).toBe('cancelled');
  });

  it('does not speak for a move that was refused', async () => {
    const { number, token } = await paidOrder();
    const stream = await open(await connectPathOnPage(number, token));
    expect((await move(number, { status: 'delivered' })).status).toBe(409);
    expect(await stream.quietFor(300, isFragment)).toEqual([]);
    expect(await statusOf(number)).toBe('paid');
  });

  it('ends when the client goes, and a reconnect with Last-Event-ID gets what it missed at once (and only then)', async () => {
    const { number, token } = await paidOrder();
    const path = await connectPathOnPage(number, token);
    const first = await open(path);
    await first.next();
    await vi.waitFor(() => expect(ctx.live.listenerCount(orderChannel(number))).toBe(1));
    await first.close();
    await vi.waitFor(() => expect(ctx.live.listenerCount(orderChannel(number))).toBe(0), { timeout: 3_000 });
    const shownBefore = new URLSearchParams(path.split('?')[1]).get('since')!;

    await move(number, { status: 'processing' }); // while nobody listens
    const again = await open(path, { 'Last-Event-ID': shownBefore });
    const missed = await again.next(isFragment);
    expect(statusIn(missed.data!)).toBe('processing');
    await again.close();

    // Up to date: the browser sends the id of the last fragment it swapped; the page's older `since` is ignored.
    const upToDate = await open(path, { 'Last-Event-ID': missed.id! });
    await upToDate.next();
    expect(await upToDate.quietFor(300, isFragment)).toEqual([]);
  });

  it('sends a heartbeat comment every 20 seconds while nothing happens', async () => {
    const { number, token } = await paidOrder();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stream = await open(await connectPathOnPage(number, token));
      await stream.next();
      expect(stream.messages.filter((message) => message.comment === 'heartbeat')).toHaveLength(0);
      vi.advanceTimersByTime(HEARTBEAT_MS - 1);
      expect(await stream.quietFor(100, (message) => message.comment === 'heartbeat')).toHaveLength(0);
      vi.advanceTimersByTime(1);
      await stream.next((message) => message.comment === 'heartbeat');
      vi.advanceTimersByTime(HEARTBEAT_MS);
      await stream.next((message) => message.comment === 'heartbeat');
      expect(stream.messages.filter((message) => message.data !== undefined && message.event === undefined)).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
