import { Redis, ReplyError } from 'ioredis';
import { assertTtl, type KeyValueStore } from './store.js';

export interface RedisStoreOptions {
  /** Prepended to every key, so several stores (or test runs) can share one Redis. */
  keyPrefix?: string;
  commandTimeoutMs?: number;
}

/**
 * Fails fast rather than queueing: with the offline queue off and a command timeout, a
 * request made while Redis is away errors at once instead of hanging the page.
 */
export function createRedisStore(url: string, options: RedisStoreOptions = {}): KeyValueStore {
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix ?? 'hs:',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface on the commands that need Redis; the event itself is expected noise.
  redis.on('error', () => {});
  // Only the first connection is waited for; after an outage commands fail at once (no offline queue) until it is back.
  const ready = readyPromise(redis);

  const whenReady = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      if (redis.status !== 'ready') await Promise.race([ready, rejectAfter(options.commandTimeoutMs ?? 1_000)]);
      return await command();
    } catch (error) {
      // Redis answering with an error, or a bad argument, is a bug to see as such; anything else means it is away.
      if (error instanceof ReplyError || error instanceof RangeError || error instanceof TypeError) throw error;
      throw new StoreUnavailableError(error);
    }
  };

  return {
    kind: 'redis',
    get: (key) => whenReady(() => redis.get(key)),
    set: (key, value, ttlSeconds) =>
      whenReady(async () => {
        assertTtl(ttlSeconds);
        if (ttlSeconds === undefined) await redis.set(key, value);
        else await redis.set(key, value, 'EX', ttlSeconds);
      }),
    delete: (key) =>
      whenReady(async () => {
        await redis.del(key);
      }),
    increment: (key, ttlSeconds) =>
      whenReady(async () => {
        assertTtl(ttlSeconds);
        // One round trip, and the expiry is set only by the increment that created the key.
        const results = await redis.multi().incr(key).expire(key, ttlSeconds, 'NX').exec();
        const [error, count] = results?.[0] ?? [new Error('increment returned no result'), 0];
        if (error) throw error;
        return Number(count);
      }),
    addToSet: (key, member, ttlSeconds) =>
      whenReady(async () => {
        assertTtl(ttlSeconds);
        await redis.multi().sadd(key, member).expire(key, ttlSeconds).exec();
      }),
    removeFromSet: (key, member) =>
      whenReady(async () => {
        await redis.srem(key, member);
      }),
    setMembers: (key) => whenReady(() => redis.smembers(key)),
    ping: () =>
      whenReady(async () => {
        await redis.ping();
      }),
    close: async () => {
      redis.disconnect();
    },
  };
}

/** The store (Redis) cannot be reached: the error handler answers 503, never 500. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function readyPromise(redis: Redis): Promise<void> {
  return new Promise<void>((resolve) => {
    if (redis.status === 'ready') resolve();
    else redis.once('ready', () => resolve());
  });
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`Redis not reachable within ${ms} ms`)), ms).unref());
}
