import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * A key prefix of its own for a store a script starts on a shared Redis (the machine's, which
 * CI and other runs use too), and the means to remove every key under it afterwards: a load
 * run leaves tens of thousands of shoppers' sessions, each kept for two weeks.
 */
export function scratchRedisPrefix(label: string): string {
  return `hs-${label}-${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key starting with `prefix` (SCAN, so Redis keeps answering others meanwhile). */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let dropped = 0;
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1_000 }) as AsyncIterable<string[]>) {
      if (keys.length) dropped += await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
  return dropped;
}
