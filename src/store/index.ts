import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { KeyValueStore } from './store.js';

export type { KeyValueStore } from './store.js';

/** Redis when a URL is given (every key under `prefix`), else the in-process store. */
export function createStore(redisUrl: string | undefined, prefix = 'hs:'): KeyValueStore {
  return redisUrl ? createRedisStore(redisUrl, { keyPrefix: prefix }) : createMemoryStore();
}
