import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createTestStore } from '../support/store.js';

// The same behaviour on real Redis (REDIS_URL set) and in-process.
describe(`key-value store (${process.env.REDIS_URL ? 'redis' : 'memory'})`, () => {
  const store = createTestStore();
  afterAll(() => store.close());

  it('gets, sets and deletes', async () => {
    expect(await store.get('missing')).toBeNull();
    await store.set('greeting', 'hello');
    expect(await store.get('greeting')).toBe('hello');
    await store.delete('greeting');
    expect(await store.get('greeting')).toBeNull();
  });

  it('counts up with one expiry from the first increment', async () => {
    expect(await store.increment('hits', 60)).toBe(1);
    expect(await store.increment('hits', 60)).toBe(2);
    expect(await store.increment('hits', 60)).toBe(3);
  });

  it('forgets values after their time to live', async () => {
    await store.set('short', 'lived', 1);
    expect(await store.get('short')).toBe('lived');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.get('short')).toBeNull();
  });

  it('refuses a nonsensical time to live', async () => {
    await expect(store.set('k', 'v', 0)).rejects.toThrow(RangeError);
    await expect(store.increment('k', -1)).rejects.toThrow(RangeError);
  });

  it('keeps sets: add, list, remove, and the whole set expires', async () => {
    await store.addToSet('sessions:1', 'a', 60);
    await store.addToSet('sessions:1', 'b', 60);
    await store.addToSet('sessions:1', 'a', 60);
    expect((await store.setMembers('sessions:1')).sort()).toEqual(['a', 'b']);
    await store.removeFromSet('sessions:1', 'a');
    expect(await store.setMembers('sessions:1')).toEqual(['b']);
    expect(await store.setMembers('sessions:none')).toEqual([]);
    await store.addToSet('sessions:2', 'c', 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.setMembers('sessions:2')).toEqual([]);
  });

  it('pings', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('memory store expiry', () => {
  it('keeps the first increment’s expiry for the whole window', async () => {
    let now = 0;
    const store = createMemoryStore(() => now);
    await store.increment('window', 10);
    now = 9_000;
    expect(await store.increment('window', 10)).toBe(2);
    now = 10_001;
    expect(await store.increment('window', 10)).toBe(1);
    await store.close();
  });
});

describe.runIf(process.env.REDIS_URL)('two stores sharing one Redis', () => {
  it('never see each other’s keys when their prefixes differ (staging beside production)', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const [staging, production] = [createStore(process.env.REDIS_URL, `staging-${suffix}:`), createStore(process.env.REDIS_URL, `production-${suffix}:`)];
    try {
      await staging.set('catalog:page:/products', 'staging page', 60);
      expect(await production.get('catalog:page:/products')).toBeNull();
      await production.set('catalog:page:/products', 'production page', 60);
      expect(await staging.get('catalog:page:/products')).toBe('staging page');
      await Promise.all([staging.delete('catalog:page:/products'), production.delete('catalog:page:/products')]);
    } finally {
      await Promise.all([staging.close(), production.close()]);
    }
  });
});
