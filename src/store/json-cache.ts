import type { KeyValueStore } from './store.js';

/** Where cached values live: the shared store (Redis), or a bounded map in this process. */
export type CacheBackend = Pick<KeyValueStore, 'get' | 'set' | 'delete'>;

/**
 * The in-process backend used when there is no Redis. Unlike the memory store it is bounded:
 * cache keys come from what visitors type, so a flood of distinct searches must evict old
 * entries rather than grow without end. Entries kept without a TTL (cache generations) are
 * never evicted, because losing one would bring back what an invalidation retired.
 */
export function boundedMemoryBackend(maxEntries = 2_000, now: () => number = Date.now): CacheBackend {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const evictOne = () => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt !== Infinity) {
        entries.delete(key);
        return;
      }
    }
  };
  return {
    get: async (key) => {
      const entry = entries.get(key);
      if (!entry) return null;
      entries.delete(key);
      if (entry.expiresAt <= now()) return null;
      entries.set(key, entry); // most recently used last, so eviction takes the least recent first
      return entry.value;
    },
    set: async (key, value, ttlSeconds) => {
      entries.delete(key);
      if (entries.size >= maxEntries) evictOne();
      entries.set(key, { value, expiresAt: ttlSeconds === undefined ? Infinity : now() + ttlSeconds * 1000 });
    },
    delete: async (key) => {
      entries.delete(key);
    },
  };
}

export interface JsonCache {
  /**
   * The cached value for `key`, or `load()`'s, which is then kept for `ttlSeconds`. Concurrent
   * misses in this process share one load (a burst rebuilds once). Undefined is never kept, so
   * lookups of things that do not exist cannot fill the cache. If the backend fails, the value is
   * loaded directly: a cache outage makes pages slower, never broken.
   */
  getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T>;
  /** A raw string value (a generation marker), or null; null too when the backend is away. */
  read(key: string): Promise<string | null>;
  write(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Told of every getOrLoad: the cache's name (its key's first segment, e.g. "catalog") and whether the value was found. */
export type CacheLookupObserver = (cache: string, hit: boolean) => void;

// One per process, like the metrics it feeds; kept here as a plain hook so this module needs no metrics library.
let lookupObserver: CacheLookupObserver | undefined;

export function observeCacheLookups(observer: CacheLookupObserver | undefined): void {
  lookupObserver = observer;
}

// Names come from our own key prefixes; anything else is lumped together so labels stay few.
const cacheName = (key: string) => /^([a-z][a-z0-9_-]{0,30}):/.exec(key)?.[1] ?? 'other';

/** After a backend failure, how long reads skip it: a page must not wait out a timeout per lookup. */
const BACKEND_RETRY_MS = 5_000;

export function createJsonCache(backend: CacheBackend, onError: (error: unknown) => void = () => {}, now: () => number = Date.now): JsonCache {
  const loading = new Map<string, Promise<unknown>>();
  let skipBackendUntil = 0;
  const backendDown = (error: unknown) => {
    if (now() >= skipBackendUntil) onError(error); // once per outage window, not once per lookup
    skipBackendUntil = now() + BACKEND_RETRY_MS;
  };

  const read = async (key: string): Promise<string | null> => {
    if (now() < skipBackendUntil) return null;
    try {
      return await backend.get(key);
    } catch (error) {
      backendDown(error);
      return null;
    }
  };

  const loadOnce = <T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> => {
    const pending = loading.get(key);
    if (pending) return pending as Promise<T>;
    const loaded = load().then(async (value) => {
      if (value !== undefined && now() >= skipBackendUntil) await backend.set(key, JSON.stringify(value), ttlSeconds).catch(backendDown);
      return value;
    });
    loading.set(key, loaded);
    void loaded.finally(() => loading.delete(key)).catch(() => {});
    return loaded;
  };

  return {
    async getOrLoad(key, ttlSeconds, load) {
      const raw = await read(key);
      lookupObserver?.(cacheName(key), raw !== null);
      if (raw !== null) return JSON.parse(raw);
      return loadOnce(key, ttlSeconds, load);
    },
    read,
    write: (key, value, ttlSeconds) => backend.set(key, value, ttlSeconds),
    delete: (key) => backend.delete(key),
  };
}

/** The cache for this store: shared through Redis, or bounded in this process without it. */
export function cacheFor(store: KeyValueStore, onError?: (error: unknown) => void): JsonCache {
  return createJsonCache(store.kind === 'redis' ? store : boundedMemoryBackend(), onError);
}
