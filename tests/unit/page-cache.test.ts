import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { htmlResponse } from '../../src/web/compression.js';
import type { AppEnv } from '../../src/web/context.js';
import { createPageCache, type PageCacheOptions } from '../../src/web/page-cache.js';

/** A page cache in front of a handler that counts its renders; `gate` holds a render until released. */
function appWith(options: PageCacheOptions, page: (n: string) => string = (n) => `<!doctype html><p>page ${n}</p>${'<i>filler</i>'.repeat(200)}`) {
  const pages = createPageCache(options);
  const state = { renders: 0, gate: undefined as Promise<void> | undefined };
  const app = new Hono<AppEnv>();
  app.get(
    '/p/:n',
    (c, next) => pages.serve(c, next),
    async (c) => {
      state.renders++;
      const n = c.req.param('n');
      await state.gate;
      if (n === 'missing') return c.text('no such page', 404);
      return htmlResponse(c, page(n), 200);
    },
  );
  const get = (path: string, encoding = 'br') => app.request(path, { headers: { 'Accept-Encoding': encoding } });
  return { pages, state, get };
}

describe('page cache', () => {
  it('keeps a page for its TTL, then renders it again', async () => {
    let now = 1_000;
    const { state, get } = appWith({ maxBytes: 1_000_000, ttlMs: 5_000, now: () => now });
    await get('/p/1');
    now += 4_999;
    await get('/p/1');
    expect(state.renders).toBe(1);
    now += 2;
    await get('/p/1');
    expect(state.renders).toBe(2);
  });

  it('stays within its memory by dropping the least recently used pages', async () => {
    // Random text does not compress, so each page holds about 20 KB.
    const bodies = new Map<string, string>();
    const page = (n: string) => bodies.get(n) ?? bodies.set(n, `<p>${randomBytes(15_000).toString('base64')}</p>`).get(n)!;
    const { pages, state, get } = appWith({ maxBytes: 100_000 }, page);
    for (let n = 0; n < 10; n++) {
      await get(`/p/${n}`, 'identity');
      await get('/p/0', 'identity'); // 0 stays in use, so it stays
    }
    expect(pages.stats().bytes).toBeLessThanOrEqual(100_000);
    expect(pages.stats().entries).toBeLessThan(10);
    const rendersSoFar = state.renders;
    await get('/p/0', 'identity');
    await get('/p/9', 'identity');
    expect(state.renders).toBe(rendersSoFar);
    await get('/p/1', 'identity');
    expect(state.renders).toBe(rendersSoFar + 1);
  });

  it('keeps the compressed bytes rather than the plain ones once a visitor took brotli', async () => {
    const { pages, get } = appWith({ maxBytes: 1_000_000 });
    const plainSize = (await (await get('/p/1', 'identity')).arrayBuffer()).byteLength;
    const { pages: other, get: getOther } = appWith({ maxBytes: 1_000_000 });
    await getOther('/p/1', 'br');
    expect(other.stats().bytes).toBeLessThan(plainSize);
    expect(pages.stats().bytes).toBeGreaterThan(plainSize);
    const gzip = await getOther('/p/1', 'gzip');
    expect(gzip.headers.get('Content-Encoding')).toBe('gzip');
    expect((await getOther('/p/1', 'identity')).headers.get('Content-Encoding')).toBeNull();
  });

  it('answers a render that began before an invalidation, but keeps nothing from it', async () => {
    const { pages, state, get } = appWith({ maxBytes: 1_000_000 });
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const slow = get('/p/1');
    await new Promise((resolve) => setImmediate(resolve));
    pages.clear(); // the catalog changed while that page was being drawn
    const after = get('/p/1'); // does not wait for the old render: starts its own
    release();
    expect((await slow).status).toBe(200);
    expect((await after).status).toBe(200);
    expect(state.renders).toBe(2);
    state.gate = undefined;
    await get('/p/1');
    expect(state.renders).toBe(2); // the render that began after the change was kept
  });

  it('lets visitors who waited on a render that made no page (a 404) render their own', async () => {
    const { state, get } = appWith({ maxBytes: 1_000_000 });
    const responses = await Promise.all([get('/p/missing'), get('/p/missing'), get('/p/missing')]);
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    expect(state.renders).toBe(3);
  });

  it('is off with no memory', async () => {
    const { pages, state, get } = appWith({ maxBytes: 0 });
    await get('/p/1');
    await get('/p/1');
    expect(state.renders).toBe(2);
    expect(pages.stats().entries).toBe(0);
  });
});
