import { assertTtl, type KeyValueStore } from './store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** One process only: state lives in this process's memory and dies with it. */
export function createMemoryStore(now: () => number = Date.now): KeyValueStore {
  const entries = new Map<string, Entry>();
  const sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  const liveSet = (key: string) => {
    const set = sets.get(key);
    if (set && set.expiresAt <= now()) sets.delete(key);
    return set && set.expiresAt > now() ? set : undefined;
  };
  // Expired entries are also dropped when read; the sweep only bounds memory.
  const sweep = setInterval(() => {
    const time = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= time) entries.delete(key);
    for (const [key, set] of sets) if (set.expiresAt <= time) sets.delete(key);
  }, 60_000);
  sweep.unref();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlSeconds: number | undefined) => (ttlSeconds === undefined ? Infinity : now() + ttlSeconds * 1000);

  return {
    kind: 'memory',
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, ttlSeconds) => {
      assertTtl(ttlSeconds);
      entries.set(key, { value, expiresAt: expiry(ttlSeconds) });
    },
    delete: async (key) => {
      entries.delete(key);
    },
    increment: async (key, ttlSeconds) => {
      assertTtl(ttlSeconds);
      const entry = live(key);
      const count = (entry ? Number(entry.value) : 0) + 1;
      entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? expiry(ttlSeconds) });
      return count;
    },
    addToSet: async (key, member, ttlSeconds) => {
      assertTtl(ttlSeconds);
      const members = liveSet(key)?.members ?? new Set<string>();
      members.add(member);
      sets.set(key, { members, expiresAt: expiry(ttlSeconds) });
    },
    removeFromSet: async (key, member) => {
      liveSet(key)?.members.delete(member);
    },
    setMembers: async (key) => [...(liveSet(key)?.members ?? [])],
    ping: async () => {},
    close: async () => {
      clearInterval(sweep);
      entries.clear();
      sets.clear();
    },
  };
}
