import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Context, Next } from 'hono';
import { LISTING_FORM_ID } from '../../views/catalog/listing.js';
import { PAGE_BYTES_TTL_SECONDS } from '../catalog/catalog-cache.js';
import { captureHtml, encodeBody, pageEtag, preferredEncoding, sendHtml, type CompressionEffort } from './compression.js';
import type { AppEnv } from './context.js';
import { asksForFragment, type HeaderReader } from './htmx.js';
import { processMetrics } from './metrics.js';

type Encoding = 'br' | 'gzip' | 'identity';

interface Entry {
  etag: string;
  /** The page in each encoding asked for so far; any one of them is enough to make the others. */
  variants: Partial<Record<Encoding, Buffer>>;
  bytes: number;
  expiresAt: number;
  /** Under compression's threshold: sent as it is in every encoding. */
  small: boolean;
  /** Some client took the plain bytes: keep them rather than decompress each time. */
  identityAsked: boolean;
  /**
   * How hard to compress it (see encodeBody): a search's results are rarely asked for twice, so
   * they are compressed as cheaply as a page made for one answer; other catalog pages are sent
   * many times, so the smaller bytes are worth the time.
   */
  effort: CompressionEffort;
}

export interface PageCacheOptions {
  /** Memory for the bytes (every encoding of every page); 0 turns the cache off. */
  maxBytes: number;
  ttlMs?: number;
  now?: () => number;
}

/** A held page as it goes on the wire, for the fast lane. */
export interface CachedAnswer {
  etag: string;
  payload: Buffer;
  encoding?: 'br' | 'gzip';
}

/** What picks a shared page: its path and query as sent, and the request's headers. */
export interface PageRequest {
  path: string;
  /** The query string as sent, without its "?" ('' for none). */
  query: string;
  header: HeaderReader;
}

/** A request target (or URL) as the part before "?" and the query after it. */
export function splitTarget(target: string): { path: string; query: string } {
  const at = target.indexOf('?');
  return at === -1 ? { path: target, query: '' } : { path: target.slice(0, at), query: target.slice(at + 1) };
}

/** A Hono request as a PageRequest: Hono's path (decoded as its router reads it), the query as sent. */
export function pageRequestOf(c: Context): PageRequest {
  return { path: c.req.path, query: splitTarget(c.req.url).query, header: (name) => c.req.header(name) };
}

export interface PageCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

/**
 * Anonymous catalog pages as their final bytes, shared by every visitor who would be shown
 * the same page: one render per page per process (and per TTL), then each request costs a
 * map lookup. See docs/decisions/0010.
 */
export interface PageCache {
  /**
   * Answers from the cached page when there is one, waits for the render already under way
   * (one render at a time per page), or renders it through `next` and keeps its bytes.
   * Only for requests whose page is the same for everyone: the callers decide that.
   */
  serve(c: Context<AppEnv>, next: Next): Promise<Response | void>;
  /**
   * The cached page for this request, if one is held and fresh, in the encoding the client
   * takes; undefined otherwise (the caller goes the full way, where serve renders it). Counted
   * as a hit. For the fast lane (fast-pages.ts), which answers without the middleware, and
   * without Hono when it reads the request straight from Node.
   */
  hit(request: PageRequest): CachedAnswer | undefined;
  /** The catalog changed: drop every page, and never keep a page whose render began before. */
  clear(): void;
  stats(): PageCacheStats;
}

/** Key and entry overhead beyond the bytes themselves (maps, objects, strings), roughly. */
const ENTRY_OVERHEAD_BYTES = 256;

export function createPageCache(options: PageCacheOptions): PageCache {
  const ttlMs = options.ttlMs ?? PAGE_BYTES_TTL_SECONDS * 1000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order; a hit moves its entry to the end, so the first is the least recently used.
  const entries = new Map<string, Entry>();
  const building = new Map<string, Promise<Entry | undefined>>();
  const lookups = processMetrics().cacheLookups;
  const counted = { hit: lookups.labels({ cache: 'pages', result: 'hit' }), miss: lookups.labels({ cache: 'pages', result: 'miss' }) };
  let totalBytes = 0;
  let generation = 0;
  let hits = 0;
  let misses = 0;

  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    totalBytes -= entry.bytes;
  };

  const evictUntilWithinBudget = () => {
    for (const key of entries.keys()) {
      if (totalBytes <= options.maxBytes) return;
      forget(key);
    }
  };

  const lookup = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= now()) {
      totalBytes -= entry.bytes;
      return undefined;
    }
    entries.set(key, entry);
    return entry;
  };

  /** The page in the encoding this client takes, made from another encoding on first use. */
  const answer = (c: Context<AppEnv>, key: string, entry: Entry): Response => {
    c.set('sharedPage', true);
    return sendHtml(c, 200, entry.etag, (wanted) => variant(key, entry, wanted));
  };

  const variant = (key: string, entry: Entry, wanted: 'br' | 'gzip' | undefined): { payload: Buffer; encoding?: 'br' | 'gzip' } => {
    if (entry.small) return { payload: entry.variants.identity! };
    if (!wanted) {
      entry.identityAsked = true;
      if (!entry.variants.identity) setVariant(key, entry, 'identity', identityOf(entry));
      return { payload: entry.variants.identity! };
    }
    const held = entry.variants[wanted];
    if (held) return { payload: held, encoding: wanted };
    const identity = identityOf(entry);
    const made = encodeBody(identity, wanted, entry.effort);
    if (!made.encoding) {
      entry.small = true; // too small to be worth compressing: everyone gets the page as it is
      return made;
    }
    setVariant(key, entry, wanted, made.payload);
    // Most visitors take brotli: the plain bytes (four to ten times larger) can be made again from it.
    if (!entry.identityAsked && entry.variants.identity) setVariant(key, entry, 'identity', undefined);
    return made;
  };

  /** Adds (or, with undefined, drops) one encoding of a page, keeping the byte count and the budget. */
  const setVariant = (key: string, entry: Entry, encoding: Encoding, bytes: Buffer | undefined): void => {
    const change = (bytes?.byteLength ?? 0) - (entry.variants[encoding]?.byteLength ?? 0);
    if (bytes) entry.variants[encoding] = bytes;
    else delete entry.variants[encoding];
    entry.bytes += change;
    if (entries.get(key) === entry) {
      totalBytes += change;
      evictUntilWithinBudget();
    }
  };

  const keep = (key: string, entry: Entry) => {
    if (entry.bytes > options.maxBytes / 4) return; // one giant page must not flush all the others
    forget(key);
    entries.set(key, entry);
    totalBytes += entry.bytes;
    evictUntilWithinBudget();
  };

  const build = async (c: Context<AppEnv>, next: Next, key: string): Promise<void> => {
    const startedIn = generation;
    let built: Entry | undefined;
    let settle!: (entry: Entry | undefined) => void;
    const pending = new Promise<Entry | undefined>((resolve) => (settle = resolve));
    building.set(key, pending);
    captureHtml(c, (context, body) => {
      built = newEntry(body, key, now() + ttlMs, context.req.query('q') ? 'once' : 'kept');
      // A render that began before an invalidation may show the old catalog: answer with it, never keep it.
      if (startedIn === generation) keep(key, built);
      return answer(context, key, built);
    });
    try {
      await next();
    } finally {
      if (building.get(key) === pending) building.delete(key);
      settle(built);
    }
  };

  return {
    async serve(c, next) {
      if (options.maxBytes <= 0 || c.req.method !== 'GET') return next();
      const key = pageKey(pageRequestOf(c));
      const entry = lookup(key);
      counted[entry ? 'hit' : 'miss'].inc();
      if (entry) {
        hits++;
        c.header('Vary', 'HX-Request', { append: true });
        return answer(c, key, entry);
      }
      misses++;
      const pending = building.get(key);
      if (!pending) return build(c, next, key);
      const built = await pending;
      if (!built) return next(); // that render made no page to share (a 404, a redirect): render this one alone
      c.header('Vary', 'HX-Request', { append: true });
      return answer(c, key, built);
    },
    hit(request) {
      if (options.maxBytes <= 0) return undefined;
      const key = pageKey(request);
      const entry = lookup(key);
      if (!entry) return undefined;
      counted.hit.inc();
      hits++;
      return { etag: entry.etag, ...variant(key, entry, preferredEncoding(request.header('Accept-Encoding'))) };
    },
    clear() {
      generation++;
      entries.clear();
      building.clear();
      totalBytes = 0;
    },
    stats: () => ({ entries: entries.size, bytes: totalBytes, hits, misses }),
  };
}

function newEntry(body: Buffer, key: string, expiresAt: number, effort: CompressionEffort): Entry {
  // The plain bytes until a compressed variant is made from them (see variant()).
  return { etag: pageEtag(body), variants: { identity: body }, bytes: body.byteLength + key.length * 2 + ENTRY_OVERHEAD_BYTES, expiresAt, small: false, identityAsked: false, effort };
}

function identityOf(entry: Entry): Buffer {
  if (entry.variants.identity) return entry.variants.identity;
  if (entry.variants.br) return brotliDecompressSync(entry.variants.br);
  return gunzipSync(entry.variants.gzip!);
}

/** A listing's filter change swaps its whole form (facet counts follow); anything else, just the results. */
export function targetsListingForm(c: Context): boolean {
  return targetsForm((name) => c.req.header(name));
}

function targetsForm(header: HeaderReader): boolean {
  return header('HX-Target')?.endsWith(`#${LISTING_FORM_ID}`) ?? false;
}

/**
 * Everything that shapes a shared page's bytes: its path, its query (parameters sorted by
 * name, so any order of the same filters shares one entry; repeated ones keep their order),
 * and which htmx answer it is. The encoding is chosen per request from the same entry.
 */
export function pageKey({ path, query, header }: PageRequest): string {
  const sorted = query
    .split('&')
    .filter(Boolean)
    .map((pair, index) => ({ pair, name: pair.split('=', 1)[0]!, index }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index))
    .map(({ pair }) => pair)
    .join('&');
  const shape = !asksForFragment(header) ? 'page' : targetsForm(header) ? 'form' : 'fragment';
  return `${shape} ${path}?${sorted}`;
}
