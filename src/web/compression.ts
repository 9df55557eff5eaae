import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.js';

const compressible = /^(text\/|application\/(json|javascript|xml|problem\+json)|image\/svg\+xml)/;
const MIN_BYTES = 1024;

/** Browsers send a handful of Accept-Encoding values, so each is parsed once (bounded, as clients may send anything). */
const encodingChoices = new Map<string, 'br' | 'gzip' | undefined>();

/** Picks the encoding from Accept-Encoding: brotli when offered, then gzip. */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  if (encodingChoices.has(acceptEncoding)) return encodingChoices.get(acceptEncoding);
  const choice = parseAcceptEncoding(acceptEncoding);
  if (encodingChoices.size >= 64) encodingChoices.clear();
  encodingChoices.set(acceptEncoding, choice);
  return choice;
}

function parseAcceptEncoding(acceptEncoding: string): 'br' | 'gzip' | undefined {
  const offered = new Map(
    acceptEncoding.split(',').map((part) => {
      const [name = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)/.exec(param)?.[1]).find(Boolean);
      return [name.trim(), q === undefined ? 1 : Number(q)] as const;
    }),
  );
  const accepts = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return undefined;
}

/**
 * How hard to compress: a page made for one response ('once') is compressed for every request,
 * so cheaply; a page the page cache keeps for many visitors ('kept') is compressed once and
 * sent many times, so the smaller bytes are worth more time. Measured on the 34 KB listing: brotli quality 2 gives
 * 6.3 KB in 0.4 ms, quality 5 gives 5.4 KB in 0.6 ms; past 7 the time grows tenfold (9: 8.7 ms,
 * 11: 43 ms) for a few percent.
 */
const EFFORT = {
  once: { brotliQuality: 2, gzipLevel: 3 },
  kept: { brotliQuality: 5, gzipLevel: 6 },
} as const;

/**
 * Compresses with zlib directly (hono/compress measured at over twice the CPU). Synchronous
 * on purpose: for a page this small the hop to libuv's thread pool costs more than the work,
 * and a server pinned to one core gains nothing from it.
 */
export type CompressionEffort = keyof typeof EFFORT;

export function encodeBody(body: Buffer, encoding: 'br' | 'gzip' | undefined, effort: CompressionEffort = 'once'): { payload: Buffer; encoding?: 'br' | 'gzip' } {
  if (!encoding || body.byteLength < MIN_BYTES) return { payload: body };
  const { brotliQuality, gzipLevel } = EFFORT[effort];
  const payload =
    encoding === 'br'
      ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: brotliQuality, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
      : gzipSync(body, { level: gzipLevel });
  return { payload, encoding };
}

/** Takes over a page's final HTML: the page cache keeps the bytes and answers from them. */
export type HtmlCapture = (c: Context<AppEnv>, body: Buffer) => Response;
const captures = new WeakMap<Context, HtmlCapture>();

/** The next 200 page htmlResponse makes for this request goes to `capture` (src/web/page-cache.ts). */
export function captureHtml(c: Context<AppEnv>, capture: HtmlCapture): void {
  captures.set(c, capture);
}

export function isCapturingHtml(c: Context<AppEnv>): boolean {
  return captures.has(c);
}

/** An HTML response, compressed as the client accepts, built without re-reading a Response body. */
export function htmlResponse(c: Context<AppEnv>, html: string, status: ContentfulStatusCode): Response {
  const body = Buffer.from(html);
  const revalidated = status === 200 && c.req.method === 'GET' && c.get('pageCaching') !== 'no-store';
  const capture = revalidated ? captures.get(c) : undefined;
  if (capture) return capture(c, body);
  return sendHtml(c, status, revalidated ? pageEtag(body) : undefined, (encoding) => encodeBody(body, encoding));
}

/** A weak entity tag from the page's bytes: the same page gets the same tag in every process. */
export function pageEtag(body: Buffer): string {
  return `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Sends a page: its caching headers, a 304 when the browser holds this ETag, else the body
 * in the encoding `encode` gives for what the client accepts. A page cached as bytes goes out
 * exactly as a freshly rendered one.
 */
export function sendHtml(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  etag: string | undefined,
  encode: (wanted: 'br' | 'gzip' | undefined) => { payload: Buffer; encoding?: 'br' | 'gzip' },
): Response {
  c.header('Content-Type', 'text/html; charset=UTF-8');
  c.header('Vary', 'Accept-Encoding', { append: true });
  const caching = c.get('pageCaching') ?? 'shared';
  if (caching === 'no-store') c.header('Cache-Control', 'no-store');
  else if (etag) {
    // A browser may keep a page and ask again cheaply: an unchanged page costs a hash and a
    // 304 instead of compressing and sending it again. Pages drawn for a signed-in visitor
    // are private, so no shared cache keeps them.
    c.header('ETag', etag);
    c.header('Cache-Control', caching === 'private' ? 'private, no-cache' : 'no-cache');
    if (matchesEtag(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  }
  const { payload, encoding } = encode(preferredEncoding(c.req.header('Accept-Encoding')));
  if (encoding) c.header('Content-Encoding', encoding);
  c.set('bodyEncoded', true);
  return c.body(asBytes(payload), status);
}

/**
 * Compresses the responses that did not come from htmlResponse (error pages, JSON): those
 * are rarer, so re-reading their body is acceptable.
 */
export function compression(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.get('bodyEncoded')) return;
    const response = c.res;
    const type = response.headers.get('Content-Type') ?? '';
    if (!response.body || response.headers.has('Content-Encoding') || !compressible.test(type) || type.startsWith('text/event-stream')) return;
    const body = Buffer.from(await response.arrayBuffer());
    const { payload, encoding } = encodeBody(body, preferredEncoding(c.req.header('Accept-Encoding')));
    const headers = new Headers(response.headers);
    headers.append('Vary', 'Accept-Encoding');
    if (encoding) headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(payload.byteLength));
    // Clear first: assigning over a response makes Hono copy the old headers onto the new one.
    c.res = undefined as unknown as Response;
    c.res = new Response(asBytes(payload), { status: response.status, headers });
  };
}

/** If-None-Match holds this entity tag (compared weakly, as RFC 9110 asks for GET), or "*". */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

export function asBytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
}
