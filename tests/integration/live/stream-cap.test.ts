import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_STREAMS_PER_CLIENT } from '../../../src/live/event-stream.js';
import { NEW_ORDERS_CHANNEL } from '../../../src/live/order-events.js';
import { LATEST_ORDERS_EVENTS_PATH } from '../../../views/admin/dashboard.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { listen, openEventStream, type EventStream } from './sse-client.js';

let ctx: TestContext;
let base: string;
let stopServer: () => Promise<void>;
let cookie: string;
const streams: EventStream[] = [];

beforeAll(async () => {
  ctx = await createTestApp();
  ({ cookie } = await signInAdmin(ctx));
  ({ url: base, close: stopServer } = await listen(ctx.app));
});
afterAll(async () => {
  await Promise.all(streams.map((stream) => stream.close()));
  await stopServer();
  await ctx.close();
});

describe('streams per client', () => {
  it(`holds at most ${MAX_STREAMS_PER_CLIENT} open for one client, refuses more with 429 (not swapped by htmx), and frees a place when one closes`, async () => {
    const open = async () => {
      const stream = await openEventStream(`${base}${LATEST_ORDERS_EVENTS_PATH}`, { Cookie: cookie });
      streams.push(stream);
      return stream;
    };
    for (let index = 0; index < MAX_STREAMS_PER_CLIENT; index++) expect((await open()).response.status).toBe(200);
    await vi.waitFor(() => expect(ctx.live.listenerCount(NEW_ORDERS_CHANNEL)).toBe(MAX_STREAMS_PER_CLIENT));

    const refused = await open();
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get('HX-Reswap')).toBe('none');
    expect(refused.response.headers.get('Retry-After')).toBe('30');
    expect(ctx.live.listenerCount(NEW_ORDERS_CHANNEL)).toBe(MAX_STREAMS_PER_CLIENT);

    await streams[0]!.close();
    await vi.waitFor(() => expect(ctx.live.listenerCount(NEW_ORDERS_CHANNEL)).toBe(MAX_STREAMS_PER_CLIENT - 1), { timeout: 3_000 });
    expect((await open()).response.status).toBe(200);
  });
});
