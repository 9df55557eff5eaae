/**
 * The key-value store that sessions, cache and rate limits sit on: Redis when REDIS_URL
 * is set, an in-process map otherwise. Values are strings; callers own their encoding.
 */
export interface KeyValueStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** Stores `value`; it expires after `ttlSeconds` when given. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds one and returns the new count; the key expires `ttlSeconds` after its first increment. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Adds `member` to the set at `key`, which then expires `ttlSeconds` from now. */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function assertTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}
