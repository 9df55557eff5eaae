import { describe, expect, it } from 'vitest';
import { boundedMemoryBackend, createJsonCache, type CacheBackend } from '../../src/store/json-cache.js';

describe('bounded memory backend', () => {
  it('evicts the least recently used entry, never one kept without a TTL', async () => {
    const backend = boundedMemoryBackend(3);
    await backend.set('generation', 'g1');
    await backend.set('a', '1', 60);
    await backend.set('b', '2', 60);
    await backend.get('a'); // a is now more recent than b
    await backend.set('c', '3', 60);
    expect(await backend.get('b')).toBeNull();
    expect(await backend.get('a')).toBe('1');
    await backend.set('d', '4', 60);
    expect(await backend.get('generation')).toBe('g1');
  });

  it('expires entries after their TTL', async () => {
    let now = 0;
    const backend = boundedMemoryBackend(10, () => now);
    await backend.set('a', '1', 2);
    now = 1_999;
    expect(await backend.get('a')).toBe('1');
    now = 2_000;
    expect(await backend.get('a')).toBeNull();
  });
});

describe('json cache', () => {
  it('loads once for concurrent misses and serves the stored copy after', async () => {
    const cache = createJsonCache(boundedMemoryBackend());
    let loads = 0;
    const load = async () => ({ n: ++loads, at: 'x' });
    const [a, b] = await Promise.all([cache.getOrLoad('k', 60, load), cache.getOrLoad('k', 60, load)]);
    expect([a, b]).toEqual([{ n: 1, at: 'x' }, { n: 1, at: 'x' }]);
    expect(await cache.getOrLoad('k', 60, load)).toEqual({ n: 1, at: 'x' });
    expect(loads).toBe(1);
  });

  it('does not keep undefined or a failed load', async () => {
    const cache = createJsonCache(boundedMemoryBackend());
    let loads = 0;
    await cache.getOrLoad('missing', 60, async () => (loads++, undefined));
    await cache.getOrLoad('missing', 60, async () => (loads++, undefined));
    expect(loads).toBe(2);
    await expect(cache.getOrLoad('broken', 60, () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.getOrLoad('broken', 60, async () => 'fine')).toBe('fine');
  });

  it('reads the database directly while the backend is down, skips it a few seconds, then tries again', async () => {
    const errors: unknown[] = [];
    let now = 0;
    let calls = 0;
    const backend = boundedMemoryBackend();
    const flaky: CacheBackend = {
      get: (key) => (calls++, now < 10_000 ? Promise.reject(new Error('redis away')) : backend.get(key)),
      set: (key, value, ttl) => (calls++, now < 10_000 ? Promise.reject(new Error('redis away')) : backend.set(key, value, ttl)),
      delete: (key) => backend.delete(key),
    };
    const cache = createJsonCache(flaky, (error) => errors.push(error), () => now);
    expect(await cache.getOrLoad('k', 60, async () => [1, 2])).toEqual([1, 2]);
    expect(calls).toBe(1); // the failed read; no write attempted into a store known to be down
    expect(await cache.getOrLoad('k', 60, async () => [3])).toEqual([3]);
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    now = 10_000;
    expect(await cache.getOrLoad('k', 60, async () => [4])).toEqual([4]);
    expect(await cache.getOrLoad('k', 60, async () => [5])).toEqual([4]);
  });
});
