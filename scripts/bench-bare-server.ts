import type { Server } from 'node:http';
import { brotliCompressSync, constants } from 'node:zlib';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The benchmark's floor: Hono on the same Node adapter and listen options as the store
 * (src/server.ts), answering a short string with no middleware, database or rendering; and, at
 * /page, a page-sized body already compressed with brotli, as the store's page cache holds one
 * (the ceiling for those rows: the same bytes on the wire, none of the store's middleware).
 */
const app = new Hono();
app.get('/', (c) => c.text('Hello from a bare Hono handler'));

// A page whose brotli form is about the size of the listing's (6.4 KB): product cards with
// made-up words (a fixed sequence, so every run sends the same bytes).
let seed = 12_345;
const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
const word = () => Array.from({ length: 3 + (next() % 7) }, () => 'abcdefghijklmnopqrstuvwxyz'[next() % 26]).join('');
const words = (count: number) => Array.from({ length: count }, word).join(' ');
const card = (n: number) =>
  `<article class="card" data-product-card><a href="/products/${word()}-${word()}"><img src="https://images.example/${n}.webp" alt="${words(2)}" width="320" height="320" loading="lazy"><h3 class="card-title">${words(3)}</h3></a><p>${words(12)}</p><p class="price">$${((next() % 50_000) / 100).toFixed(2)}</p></article>\n`;
// 64 of these cards make about 6 KB of brotli at the quality the store's page cache uses (5).
const html = `<!doctype html><html lang="en"><head><title>Bare page</title></head><body><main>${Array.from({ length: 64 }, (_, n) => card(n)).join('')}</main></body></html>`;
const page = brotliCompressSync(Buffer.from(html), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
app.get('/page', (c) => {
  c.header('Content-Type', 'text/html; charset=UTF-8');
  c.header('Content-Encoding', 'br');
  return c.body(new Uint8Array(page.buffer as ArrayBuffer, page.byteOffset, page.byteLength));
});

const port = Number(process.env.PORT ?? 3000);
const server = createAdaptorServer({ fetch: app.fetch }) as Server;
server.keepAliveTimeout = 65_000;
server.listen({ port, host: '0.0.0.0', backlog: 4096 }, () => {
  console.log(`bare Hono handler listening on port ${port}`);
});
