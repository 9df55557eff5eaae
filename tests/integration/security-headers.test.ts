import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
  // A route of the kind a payment page will be: it needs the nonce, and says it is Express.
  ctx.app.get('/test/nonce', (c) => {
    c.header('X-Powered-By', 'Express');
    return c.text(c.get('cspNonce'));
  });
  await insertProduct(ctx.database.db, { name: 'Brass Lamp' });
});
afterAll(() => ctx.close());

function directives(response: Response): Map<string, string[]> {
  const csp = response.headers.get('Content-Security-Policy') ?? '';
  return new Map(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
}

const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('Content-Security-Policy') ?? '')?.[1];

describe('content security policy', () => {
  it('carries a fresh nonce of at least 128 bits in every rendered response', async () => {
    // (A catalog page repeated from the page cache carries none: see page-cache.test.ts.)
    const [first, second] = [await ctx.app.request('/cart'), await ctx.app.request('/cart')];
    const [a, b] = [nonceOf(first), nonceOf(second)];
    expect(a).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(a!, 'base64').byteLength).toBeGreaterThanOrEqual(16);
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
    expect(directives(first).get('script-src')).toEqual(["'self'", `'nonce-${a}'`]);
  });

  it('is strict: no inline or eval, no plugins, no <base>, no framing, forms only to us', async () => {
    const response = await ctx.app.request('/products');
    const policy = directives(response);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(response.headers.get('Content-Security-Policy')).not.toMatch(/unsafe-inline|unsafe-eval|strict-dynamic|\*/);
  });

  it('gives the handler the nonce of its own response', async () => {
    const response = await ctx.app.request('/test/nonce');
    expect(await response.text()).toBe(nonceOf(response));
  });

  it('is sent on error pages too', async () => {
    const response = await ctx.app.request('/no/such/page');
    expect(response.status).toBe(404);
    expect(nonceOf(response)).toBeDefined();
    expect(directives(response).get('object-src')).toEqual(["'none'"]);
  });
});

describe('page bodies stay the same for everyone', () => {
  it('hold no nonce and no inline script, so a page keeps one ETag and answers 304', async () => {
    const first = await ctx.app.request('/products');
    const second = await ctx.app.request('/products');
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^W\//);
    expect(second.headers.get('ETag')).toBe(etag);

    const body = await first.text();
    for (const nonce of [nonceOf(first), nonceOf(second)]) if (nonce) expect(body).not.toContain(nonce);
    expect(body).not.toMatch(/\snonce=/);
    // Every script is a file of our own, or JSON-LD data that browsers do not run.
    for (const script of (await htmlOf(new Response(body))).querySelectorAll('script')) {
      expect(script.getAttribute('src') ?? script.getAttribute('type')).toMatch(/^\/assets\/|^application\/ld\+json$/);
    }

    const revalidated = await ctx.app.request('/products', { headers: { 'If-None-Match': etag! } });
    expect(revalidated.status).toBe(304);
  });
});

describe('other security headers', () => {
  it('nosniff, a referrer policy, and no X-Powered-By even when a handler sets one', async () => {
    const response = await ctx.app.request('/test/nonce');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('X-Powered-By')).toBeNull();
  });

  it('HSTS only in production, where it is long-lived and covers subdomains', async () => {
    expect((await ctx.app.request('/')).headers.get('Strict-Transport-Security')).toBeNull();
    const development = await createTestApp({ database: ctx.database, env: { NODE_ENV: 'development' } });
    const production = await createTestApp({ database: ctx.database, env: { NODE_ENV: 'production', PAYMENTS: 'test', APP_URL: 'https://shop.example' } });
    try {
      expect((await development.app.request('/')).headers.get('Strict-Transport-Security')).toBeNull();
      for (const path of ['/', '/no/such/page']) {
        const hsts = (await production.app.request(path)).headers.get('Strict-Transport-Security');
        expect(hsts, path).toMatch(/^max-age=(\d+); includeSubDomains$/);
        expect(Number(/max-age=(\d+)/.exec(hsts!)![1])).toBeGreaterThanOrEqual(31_536_000);
      }
    } finally {
      // The database is this file's; only the extra apps' stores are theirs to close.
      await Promise.all([development.store.close(), production.store.close()]);
    }
  });
});

/** Files that must never be served; each with text that appears in the file and in no page. */
const secrets = /"dependencies"|\[core\]|ref: refs\/|APP_SECRET=|from 'hono'|createApp|kysely|secureHeaders|repositoryformatversion|"mappings"/;
const hiddenPaths = [
  '/.env',
  '/.env.example',
  '/.git/config',
  '/.git/HEAD',
  '/package.json',
  '/src/app.ts',
  '/dist/src/app.js',
  '/dist/src/app.js.map',
  '/migrations/index.ts',
  '/public/../package.json',
  '/%2e%2e/package.json',
  '/assets/..%2fpackage.json',
  '/assets/..%2f..%2fsrc%2fapp.ts',
  '/assets/%2e%2e/package.json',
  '/public/app.js',
  '/public/.gitignore',
];

describe('dot-files and source', () => {
  it.each(hiddenPaths)('%s is not found, and nothing of the file is sent', async (path) => {
    const response = await ctx.app.request(path);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toMatch(secrets);
    expect(textOf(await htmlOf(new Response(body)), 'h1')).toBe('Page not found');
  });

  it('are not found over a real socket either, where no client tidies the path first', async () => {
    const server = createAdaptorServer({ fetch: ctx.app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/.env', '/.git/config', '/public/../package.json', '/assets/../../package.json', '/assets/..%2f..%2fpackage.json', '/./src/app.ts', '//package.json']) {
        const raw = await rawGet(port, path);
        expect(raw.split('\r\n')[0], path).toMatch(/^HTTP\/1\.1 404 /);
        expect(raw, path).not.toMatch(secrets);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** Sends the request line exactly as written: fetch() would normalise the dots away. */
function rawGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}
