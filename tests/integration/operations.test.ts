import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
let accepting = true;

beforeAll(async () => {
  ctx = await createTestApp({ accepting: () => accepting });
  for (let n = 0; n < 12; n++) await insertProduct(ctx.database.db, { name: `Lamp ${n}`, description: 'A lamp. '.repeat(40) });
});
afterAll(() => ctx.close());

describe('health', () => {
  it('is alive, and ready while the database and store answer', async () => {
    expect((await ctx.app.request('/healthz')).status).toBe(200);
    const ready = await ctx.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', database: 'ok', store: 'ok' });
  });

  it('stops being ready once shutdown begins', async () => {
    accepting = false;
    try {
      const response = await ctx.app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ shutting_down: true });
    } finally {
      accepting = true;
    }
  });
});

describe('assets', () => {
  it('serves fingerprinted htmx, our script and CSS from memory, cacheable forever', async () => {
    const page = await htmlOf(await ctx.app.request('/'));
    const urls = [...page.querySelectorAll('script[src]').map((s) => s.getAttribute('src')!), page.querySelector('link[rel=stylesheet]')!.getAttribute('href')!];
    expect(urls).toHaveLength(3);
    for (const url of urls) {
      expect(url).toMatch(/^\/assets\/[a-z]+\.[\w-]{12}\.(js|css)$/);
      const response = await ctx.app.request(url, { headers: { 'Accept-Encoding': 'br' } });
      expect(response.status, url).toBe(200);
      expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    }
    const htmx = await ctx.app.request(urls.find((url) => url.includes('htmx'))!, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(htmx.headers.get('Content-Encoding')).toBe('br');
    expect(brotliDecompressSync(Buffer.from(await htmx.arrayBuffer())).toString()).toContain('htmx');
  });

  it('does not serve a stale or made-up asset name', async () => {
    expect((await ctx.app.request('/assets/htmx.AAAAAAAAAAAA.js')).status).toBe(404);
    expect((await ctx.app.request('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

describe('responses', () => {
  it('compress pages with brotli or gzip as the browser offers', async () => {
    const br = await ctx.app.request('/products', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('Vary')).toMatch(/Accept-Encoding/);
    expect(br.headers.get('Vary')).toMatch(/HX-Request/);
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toContain('data-product-card');
    const gzip = await ctx.app.request('/products', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gzip.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toContain('data-product-card');
    const plain = await ctx.app.request('/products', { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.headers.get('Content-Encoding')).toBeNull();
  });

  it('carry a strict content security policy and a request id', async () => {
    const response = await ctx.app.request('/');
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('X-Request-Id')).toMatch(/^[\w-]{8,}$/);
  });

  it('refuse a state change sent from another site', async () => {
    const crossSite = await ctx.app.request('/products', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await ctx.app.request('/products', { method: 'POST', headers: { Origin: 'https://evil.example' } });
    expect(foreignOrigin.status).toBe(403);
    const sameOrigin = await ctx.app.request('/products', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://localhost:3000' } });
    expect(sameOrigin.status).toBe(404);
  });

  it('show a 404 page for unknown paths', async () => {
    const response = await ctx.app.request('/no/such/page');
    expect(response.status).toBe(404);
    expect(textOf(await htmlOf(response), 'h1')).toBe('Page not found');
  });
});

describe('conditional requests', () => {
  it('answer an unchanged page with 304 and no body, and a changed one in full', async () => {
    const first = await ctx.app.request('/products');
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^W\/"[\w-]{22}"$/);
    expect(first.headers.get('Cache-Control')).toBe('no-cache');

    const again = await ctx.app.request('/products', { headers: { 'If-None-Match': etag, 'Accept-Encoding': 'br' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);

    // htmx's fragment of the same URL is other content, so another tag.
    const fragment = await ctx.app.request('/products', { headers: { 'If-None-Match': etag, 'HX-Request': 'true' } });
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get('ETag')).not.toBe(etag);

    await insertProduct(ctx.database.db, { name: 'A brand new lamp' });
    await ctx.catalog.invalidate(); // as the back office does after a change
    const changed = await ctx.app.request('/products', { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('A brand new lamp');
  });

  it('never apply to error pages', async () => {
    const missing = await ctx.app.request('/products/no-such-thing', { headers: { 'If-None-Match': '*' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ETag')).toBeNull();
  });
});

describe('Server-Timing', () => {
  it('reports total and database time outside production, and nothing in production', async () => {
    await ctx.catalog.invalidate(); // so the listing is read from the database, not the cache
    const response = await ctx.app.request('/products');
    const timing = response.headers.get('Server-Timing') ?? '';
    expect(timing).toMatch(/db;dur=\d+(\.\d)?;desc="[1-9]\d* queries", total;dur=\d+(\.\d)?/);
    const production = await createTestApp({ env: { NODE_ENV: 'production', PAYMENTS: 'test' } });
    try {
      expect((await production.app.request('/products')).headers.get('Server-Timing')).toBeNull();
    } finally {
      await production.close();
    }
  });
});
