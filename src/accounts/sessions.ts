import type { KeyValueStore } from '../store/store.js';
import type { Role } from '../db/schema-accounts.js';
import { generateToken, hashToken } from './tokens.js';

/**
 * Sessions as the Lucia guide describes them: the browser holds a random token; the store
 * holds only its SHA-256, so a leaked store cannot be replayed as cookies. Expiry slides with
 * use up to an absolute limit; staff sessions are shorter.
 */
export interface Session {
  /** SHA-256 of the token: the store key. Never shown. */
  id: string;
  /** A separate random id for the "your sessions" list, so ending one needs no secret. */
  publicId: string;
  /** Null for a guest: a session made only to hold a cart. */
  userId: number | null;
  /** A guest's cart (a member's cart is found by their user id). */
  cartId?: number;
  /** A message for the next page this session sees, once (what happened to a merged cart). */
  notice?: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  userAgent: string;
  ip: string;
}

export const SESSION_POLICY: Record<Role, { idleSeconds: number; absoluteSeconds: number }> = {
  customer: { idleSeconds: 14 * 86_400, absoluteSeconds: 30 * 86_400 },
  admin: { idleSeconds: 2 * 3_600, absoluteSeconds: 12 * 3_600 },
};
/** How stale last-seen may get before a request writes it: most requests then only read. */
const TOUCH_AFTER_MS = 60_000;

const sessionKey = (id: string) => `session:${id}`;
const userIndexKey = (userId: number) => `user-sessions:${userId}`;

export interface SessionMeta {
  userAgent: string;
  ip: string;
}

export interface Sessions {
  /** A signed-in session for `userId`, or a guest's (null) that exists only to hold a cart. */
  create(userId: number | null, role: Role, meta: SessionMeta, extra?: { cartId?: number }): Promise<{ token: string; session: Session }>;
  /** Saves a change to the session's own fields (a guest's cart id). */
  update(session: Session): Promise<void>;
  /** The live session a token names, its expiry slid forward; undefined when expired or unknown. */
  validate(token: string, roleOf: (userId: number) => Promise<Role | undefined>): Promise<Session | undefined>;
  invalidate(session: Pick<Session, 'id' | 'userId'>): Promise<void>;
  /** Every session of the user but `exceptId`: after a password change or reset, or deactivation. */
  invalidateAllForUser(userId: number, exceptId?: string): Promise<void>;
  listForUser(userId: number): Promise<Session[]>;
}

export function createSessions(store: KeyValueStore, now: () => number = Date.now): Sessions {
  const read = async (id: string): Promise<Session | undefined> => {
    const raw = await store.get(sessionKey(id));
    return raw === null ? undefined : (JSON.parse(raw) as Session);
  };
  const write = async (session: Session) => {
    const ttl = Math.max(1, Math.ceil((session.expiresAt - now()) / 1000));
    await store.set(sessionKey(session.id), JSON.stringify(session), ttl);
    if (session.userId === null) return;
    const indexTtl = Math.max(1, Math.ceil((session.absoluteExpiresAt - now()) / 1000));
    await store.addToSet(userIndexKey(session.userId), session.id, indexTtl);
  };
  const remove = async (session: Pick<Session, 'id' | 'userId'>) => {
    await store.delete(sessionKey(session.id));
    if (session.userId !== null) await store.removeFromSet(userIndexKey(session.userId), session.id);
  };

  return {
    async create(userId, role, meta, extra = {}) {
      const token = generateToken();
      const policy = SESSION_POLICY[role];
      const time = now();
      const session: Session = {
        id: hashToken(token),
        publicId: generateToken().slice(0, 16),
        userId,
        createdAt: time,
        lastSeenAt: time,
        expiresAt: time + policy.idleSeconds * 1000,
        absoluteExpiresAt: time + policy.absoluteSeconds * 1000,
        userAgent: meta.userAgent.slice(0, 200),
        ip: meta.ip.slice(0, 64),
        ...(extra.cartId === undefined ? {} : { cartId: extra.cartId }),
      };
      await write(session);
      return { token, session };
    },

    async validate(token, roleOf) {
      if (!/^[a-z2-7]{32,64}$/.test(token)) return undefined;
      const session = await read(hashToken(token));
      const time = now();
      if (!session) return undefined;
      if (time >= session.expiresAt || time >= session.absoluteExpiresAt) {
        await remove(session);
        return undefined;
      }
      if (time - session.lastSeenAt < TOUCH_AFTER_MS) return session;
      const role = session.userId === null ? 'customer' : await roleOf(session.userId);
      if (!role) {
        await remove(session);
        return undefined;
      }
      const slid: Session = {
        ...session,
        lastSeenAt: time,
        expiresAt: Math.min(session.absoluteExpiresAt, time + SESSION_POLICY[role].idleSeconds * 1000),
      };
      await write(slid);
      return slid;
    },

    invalidate: remove,
    update: write,

    async invalidateAllForUser(userId, exceptId) {
      const ids = await store.setMembers(userIndexKey(userId));
      await Promise.all(ids.filter((id) => id !== exceptId).map((id) => remove({ id, userId })));
    },

    async listForUser(userId) {
      const ids = await store.setMembers(userIndexKey(userId));
      const sessions = await Promise.all(ids.map(read));
      const live: Session[] = [];
      for (const [index, session] of sessions.entries()) {
        if (session && session.expiresAt > now()) live.push(session);
        else await store.removeFromSet(userIndexKey(userId), ids[index]!); // expired: tidy the index
      }
      return live.sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    },
  };
}
