import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverWithFastLane } from '../../src/web/fast-pages.js';
import { processMetrics } from '../../src/web/metrics.js';
import { insertUser, logIn } from '../support/accounts.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { decodedBody } from '../support/html.js';
import { insertCategory, insertProduct } from '../support/factories.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request sent as written (no client tidies the path) over a kept-alive-free socket; the body as it came, still compressed. */
function send(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, method, headers: { 'Accept-Encoding': 'br, gzip', ...headers }, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const html = (answer: Answer) => decodedBody(answer.body, answer.headers['content-encoding']);

/** Headers that differ per answer by design; every other header of a shared page is the same for everyone. */
const PER_ANSWER = new Set(['x-request-id', 'content-security-policy', 'server-timing', 'date']);
const sharedHeaders = (answer: Answer) =>
  Object.entries(answer.headers)
    .filter(([name]) => !PER_ANSWER.has(name))
    .sort(([a], [b]) => a.localeCompare(b));

describe('the fast lane on the Node server, in front of the app', () => {
  let ctx: TestContext;
  let server: Server;
  let port: number;
  /** Requests that reached the app (Hono) rather than being answered in front of it. */
  let reachedApp = 0;
  const logLines: Record<string, unknown>[] = [];
  let slug: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    ctx = await createTestApp({ log: pino({ level: 'info' }, sink) });
    const category = await insertCategory(ctx.database.db, { name: 'Teapots' });
    ({ product: { slug } } = await insertProduct(ctx.database.db, { name: 'Cast Iron Teapot', brand: 'Hearth', category_id: category.id }, [{ price_cents: 5200, stock: 9 }]));
    const fetch = ctx.app.fetch;
    server = createAdaptorServer({
      fetch: (request: Request, env: unknown) => {
        reachedApp++;
        return fetch(request, env);
      },
      createServer: serverWithFastLane(ctx.app.fastLane),
    }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ctx.close();
  });
  beforeEach(() => ctx.catalog.invalidate()); // each test starts with no page cached

  it("answers a cached page's next request itself, with the bytes and headers the app sent", async () => {
    const first = await send(port, `/products/${slug}`);
    const before = reachedApp;
    const second = await send(port, `/products/${slug}`);
    expect(reachedApp).toBe(before); // the app never saw it
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(html(second)).toContain('Cast Iron Teapot');
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['content-encoding']).toBe('br');
    expect(second.headers['content-length']).toBe(String(second.body.byteLength));
    expect(sharedHeaders(second)).toEqual(sharedHeaders(first));
    expect(second.headers['content-security-policy']).toBe(String(first.headers['content-security-policy']).replace(/ 'nonce-[^']*'/, ''));
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(second.headers.date).toBeTruthy();
  });

  it('answers 304 to a browser holding the ETag, and gzip or plain bytes to clients that ask for them', async () => {
    const first = await send(port, '/products');
    const before = reachedApp;
    const notModified = await send(port, '/products', { 'If-None-Match': first.headers.etag! });
    expect(notModified.status).toBe(304);
    expect(notModified.body.byteLength).toBe(0);
    expect(notModified.headers.etag).toBe(first.headers.etag);
    expect(notModified.headers['content-encoding']).toBeUndefined();
    const gzip = await send(port, '/products', { 'Accept-Encoding': 'gzip' });
    const plain = await send(port, '/products', { 'Accept-Encoding': 'identity' });
    expect(reachedApp).toBe(before);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(new Set([html(first), html(gzip), html(plain)]).size).toBe(1);
    expect([gzip.headers.etag, plain.headers.etag]).toEqual([first.headers.etag, first.headers.etag]);
  });

  it('leaves to the app a visitor with a session, anything but GET, a path it would rewrite, and a page not yet cached', async () => {
    const member = await insertUser(ctx.database.db, { firstName: 'Ottoline' });
    const cookie = await logIn(ctx, member.email);
    const shared = await send(port, `/products/${slug}`);
    const asks: [string, Record<string, string>, string?][] = [
      [`/products/${slug}`, { Cookie: cookie }],
      [`/products/${slug}`, {}, 'HEAD'],
      [`/products/%${slug.charCodeAt(0).toString(16)}${slug.slice(1)}`, {}], // the same page, percent-encoded
      [`/products/../products/${slug}`, {}],
      [`/categories/teapots`, {}],
    ];
    for (const [path, headers, method] of asks) {
      const before = reachedApp;
      const answer = await send(port, path, headers, method);
      expect(reachedApp, `${method ?? 'GET'} ${path}`).toBe(before + 1);
      expect(answer.status, path).toBeLessThan(500);
    }
    const memberPage = await send(port, `/products/${slug}`, { Cookie: cookie });
    expect(html(memberPage)).toContain('Ottoline');
    expect(html(await send(port, `/products/%${slug.charCodeAt(0).toString(16)}${slug.slice(1)}`))).toBe(html(shared));
  });

  it("keeps a proxy's request id, counts the answer under its route and logs one line without the query", async () => {
    const served = async () =>
      (await processMetrics().requests.get()).values.find((value) => value.labels.route === '/products/:slug' && value.labels.status === '2xx' && value.labels.method === 'GET')?.value ?? 0;
    await send(port, `/products/${slug}`);
    const before = { served: await served(), reachedApp };
    const answer = await send(port, `/products/${slug}?utm_source=newsletter&token=abc`, { 'X-Request-Id': 'from-the-proxy-42' });
    const forged = await send(port, `/products/${slug}`, { 'X-Request-Id': 'no spaces <or> markup' });
    expect(reachedApp).toBe(before.reachedApp + 1); // the query made another page: the app drew it, then the lane took the next
    expect(answer.headers['x-request-id']).toBe('from-the-proxy-42');
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(await served()).toBe(before.served + 2);
    const line = logLines.find((logged) => logged.req_id === forged.headers['x-request-id']);
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: `/products/${slug}`, status: 200 });
    expect(JSON.stringify(logLines)).not.toContain('token=abc');
  });
});
