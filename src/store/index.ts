import { createMemoryStore } from './memory-store.js';
import { createRedisStore } from './redis-store.js';
import type { KeyValueStore } from './store.js';

export type { KeyValueStore } from './store.js';

export function createStore(redisUrl: string | undefined): KeyValueStore {
  return redisUrl ? createRedisStore(redisUrl) : createMemoryStore();
}
