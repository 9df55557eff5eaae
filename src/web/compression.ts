import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

const compressible = /^(text\/|application\/(json|javascript|xml|problem\+json)|image\/svg\+xml)/;
const MIN_BYTES = 1024;

/** Picks the encoding from Accept-Encoding: brotli when offered, then gzip. */
export function preferredEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
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
 * Compresses dynamic responses with zlib directly (hono/compress measured at over twice the
 * CPU). Brotli quality 2 compresses a 56 KB listing to 6.3 KB in 0.3 ms; quality 4 saves
 * 0.5 KB more for twice the time. Synchronous on purpose: for a page this small the hop to
 * libuv's thread pool costs more than the work, and a server pinned to one core gains nothing.
 */
export function compression(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const response = c.res;
    const type = response.headers.get('Content-Type') ?? '';
    if (!response.body || response.headers.has('Content-Encoding') || !compressible.test(type) || type.startsWith('text/event-stream')) return;
    const encoding = preferredEncoding(c.req.header('Accept-Encoding'));
    const body = Buffer.from(await response.arrayBuffer());
    const headers = new Headers(response.headers);
    headers.append('Vary', 'Accept-Encoding');
    let payload: Buffer = body;
    if (encoding && body.byteLength >= MIN_BYTES) {
      payload =
        encoding === 'br'
          ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 2, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
          : gzipSync(body, { level: 3 });
      headers.set('Content-Encoding', encoding);
    }
    headers.set('Content-Length', String(payload.byteLength));
    // Clear first: assigning over a response makes Hono copy the old headers onto the new one.
    c.res = undefined as unknown as Response;
    c.res = new Response(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), { status: response.status, headers });
  };
}
