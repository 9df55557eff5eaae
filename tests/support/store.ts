import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createRedisStore } from '../../src/store/redis-store.js';
import type { KeyValueStore } from '../../src/store/store.js';

/** The store under test: real Redis under a key prefix of its own when REDIS_URL is set, else in-process. */
export function createTestStore(): KeyValueStore {
  const url = process.env.REDIS_URL;
  if (!url) return createMemoryStore();
  const keyPrefix = `hs-test:${randomBytes(6).toString('hex')}:`;
  const store = createRedisStore(url, { keyPrefix });
  return {
    ...store,
    close: async () => {
      await deleteKeys(url, keyPrefix);
      await store.close();
    },
  };
}

async function deleteKeys(url: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
