import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Asset {
  /** The URL it is served at, with its content hash in the name. */
  url: string;
  contentType: string;
  body: ArrayBuffer;
  brotli: ArrayBuffer;
  gzip: ArrayBuffer;
}

export interface AssetRegistry {
  /** The fingerprinted URL for a logical name such as "app.css". */
  url(name: AssetName): string;
  byUrl(url: string): Asset | undefined;
}

const require = createRequire(import.meta.url);

/**
 * Logical names and where each file comes from: our own public/, or the vendor package. htmx
 * ships with its SSE extension (live order pages and the dashboard): 2 KB compressed, and both
 * the shop's and the back office's frames get it without a second request.
 */
const sources = {
  'app.css': (publicDir: string) => join(publicDir, 'build', 'app.css'),
  'app.js': (publicDir: string) => join(publicDir, 'app.js'),
  'stripe-checkout.js': (publicDir: string) => join(publicDir, 'stripe-checkout.js'),
  'favicon.svg': (publicDir: string) => join(publicDir, 'favicon.svg'),
  'htmx.js': () => [require.resolve('htmx.org/dist/htmx.min.js'), require.resolve('htmx.org/dist/ext/hx-sse.min.js')],
} as const;

export type AssetName = keyof typeof sources;

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Reads every asset once at boot, names it by its content hash and compresses it at the
 * highest levels, so each is served from memory with `Cache-Control: immutable`.
 * A missing stylesheet (not built yet) is served empty with a warning rather than failing boot.
 */
export function loadAssets(publicDir: string, onMissing: (name: string, path: string) => void = () => {}): AssetRegistry {
  const byName = new Map<AssetName, Asset>();
  const byUrl = new Map<string, Asset>();
  for (const [name, locate] of Object.entries(sources) as [AssetName, (dir: string) => string | string[]][]) {
    const paths = [locate(publicDir)].flat();
    let body: Buffer;
    try {
      body = paths.length === 1 ? readFileSync(paths[0]!) : joinScripts(paths);
    } catch {
      onMissing(name, paths.join(', '));
      body = Buffer.alloc(0);
    }
    const hash = createHash('sha256').update(body).digest('base64url').slice(0, 12);
    const extension = extname(name);
    const asset: Asset = {
      url: `/assets/${name.slice(0, -extension.length)}.${hash}${extension}`,
      contentType: contentTypes[extension] ?? 'application/octet-stream',
      body: toArrayBuffer(body),
      brotli: toArrayBuffer(brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } })),
      gzip: toArrayBuffer(gzipSync(body, { level: 9 })),
    };
    byName.set(name, asset);
    byUrl.set(asset.url, asset);
  }
  return {
    url: (name) => byName.get(name)!.url,
    byUrl: (url) => byUrl.get(url),
  };
}

/** Scripts run one after the other as one file; their source-map comments would point nowhere. */
function joinScripts(paths: string[]): Buffer {
  const scripts = paths.map((path) => readFileSync(path, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/gm, '').trimEnd());
  return Buffer.from(`${scripts.join('\n;\n')}\n`);
}

/** A copy in its own ArrayBuffer (Node's small Buffers share a pooled one). */
function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return new Uint8Array(buffer).buffer;
}
