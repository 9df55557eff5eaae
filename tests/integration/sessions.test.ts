import { afterAll, describe, expect, it } from 'vitest';
import { createSessions, SESSION_POLICY } from '../../src/accounts/sessions.js';
import { hashToken } from '../../src/accounts/tokens.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createTestStore } from '../support/store.js';

const meta = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156', ip: '192.0.2.1' };
const DAY = 86_400_000;

describe('sessions', () => {
  const store = createTestStore();
  afterAll(() => store.close());

  it('keeps only the token’s SHA-256 in the store', async () => {
    const sessions = createSessions(store);
    const { token, session } = await sessions.create(1, 'customer', meta);
    expect(session.id).toBe(hashToken(token));
    expect(await store.get(`session:${token}`)).toBeNull();
    expect(JSON.parse((await store.get(`session:${session.id}`))!)).toMatchObject({ userId: 1, ip: '192.0.2.1' });
    expect((await sessions.validate(token, async () => 'customer'))?.userId).toBe(1);
    expect(await sessions.validate(session.id, async () => 'customer')).toBeUndefined(); // the hash is not a token
  });

  it('slides with use, but never past the absolute limit', async () => {
    let now = 1_000_000;
    // The memory store follows the same clock, so expiry in the store is tested too.
    const sessions = createSessions(createMemoryStore(() => now), () => now);
    const { token } = await sessions.create(7, 'customer', meta);
    const role = async () => 'customer' as const;
    for (let day = 1; day <= 29; day++) {
      now += DAY; // used once a day: every use slides the 14-day idle expiry
      expect(await sessions.validate(token, role)).toBeDefined();
    }
    now += DAY + 1; // 30 days after sign-in: the absolute limit, however active
    expect(await sessions.validate(token, role)).toBeUndefined();
  });

  it('expires after the idle time without use; staff sessions are shorter', async () => {
    let now = 5_000_000;
    const sessions = createSessions(createMemoryStore(() => now), () => now);
    const shopper = await sessions.create(1, 'customer', meta);
    const staff = await sessions.create(2, 'admin', meta);
    now += SESSION_POLICY.admin.idleSeconds * 1000 + 1;
    expect(await sessions.validate(staff.token, async () => 'admin')).toBeUndefined();
    expect(await sessions.validate(shopper.token, async () => 'customer')).toBeDefined();
    now += SESSION_POLICY.customer.idleSeconds * 1000 + 1;
    expect(await sessions.validate(shopper.token, async () => 'customer')).toBeUndefined();
  });

  it('ends when the user is gone or deactivated (no role), and lists and ends per user', async () => {
    let now = 9_000_000;
    const sessions = createSessions(createMemoryStore(() => now), () => now);
    const a = await sessions.create(3, 'customer', meta);
    const b = await sessions.create(3, 'customer', meta);
    const c = await sessions.create(4, 'customer', meta);
    expect((await sessions.listForUser(3)).map((session) => session.id).sort()).toEqual([a.session.id, b.session.id].sort());
    await sessions.invalidateAllForUser(3, a.session.id);
    expect((await sessions.listForUser(3)).map((session) => session.id)).toEqual([a.session.id]);
    expect(await sessions.validate(c.token, async () => 'customer')).toBeDefined();
    now += 61_000; // past the touch interval, so the user's role is read again
    expect(await sessions.validate(a.token, async () => undefined)).toBeUndefined();
    expect(await sessions.listForUser(3)).toEqual([]);
  });

  it('refuses malformed tokens without a lookup', async () => {
    const sessions = createSessions(store);
    for (const token of ['', 'x', 'A'.repeat(32), `${'a'.repeat(32)};`, 'a'.repeat(1000)]) {
      expect(await sessions.validate(token, async () => 'customer')).toBeUndefined();
    }
  });
});
