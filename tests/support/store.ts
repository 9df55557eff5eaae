import { dropRedisPrefix, scratchRedisPrefix } from '../../scripts/support/scratch-redis.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import type { KeyValueStore } from '../../src/store/store.js';

/** The store under test: real Redis under a key prefix of its own when REDIS_URL is set, else in-process. */
export function createTestStore(): KeyValueStore {
  const url = process.env.REDIS_URL;
  if (!url) return createMemoryStore();
  const keyPrefix = scratchRedisPrefix('test');
  const store = createRedisStore(url, { keyPrefix });
  return {
    ...store,
    close: async () => {
      await dropRedisPrefix(url, keyPrefix);
      await store.close();
    },
  };
}
