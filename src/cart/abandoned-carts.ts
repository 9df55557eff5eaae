import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../db/database.js';
import type { Notices } from '../mail/notices.js';

export interface IdleCart {
  cartId: number;
  userId: number;
  email: string;
  firstName: string;
  lines: { name: string; quantity: number }[];
}

/**
 * Claims the members' carts idle for `idleHours` that have not been reminded since their last
 * change, marking them reminded in the same statement. `FOR UPDATE SKIP LOCKED` lets any number
 * of server processes run this at once: each cart is claimed by exactly one. Guests (no
 * address), empty carts, deactivated and unsubscribed members are left alone.
 */
export async function claimIdleCarts(db: DbOrTx, idleHours: number, now: Date, limit = 50): Promise<IdleCart[]> {
  const cutoff = new Date(now.getTime() - idleHours * 3_600_000);
  const claimed = await sql<{ id: number; user_id: number; email: string; first_name: string }>`
    WITH due AS (
      SELECT carts.id FROM carts
      JOIN users ON users.id = carts.user_id
      WHERE carts.reminded_at IS NULL AND carts.updated_at < ${cutoff}
        AND users.active AND users.cart_reminders
        AND EXISTS (SELECT 1 FROM cart_lines WHERE cart_lines.cart_id = carts.id AND NOT cart_lines.saved_for_later)
      ORDER BY carts.updated_at
      LIMIT ${limit}
      FOR UPDATE OF carts SKIP LOCKED
    )
    UPDATE carts SET reminded_at = ${now}
    FROM due, users
    WHERE carts.id = due.id AND users.id = carts.user_id
    RETURNING carts.id, carts.user_id, users.email, users.first_name`.execute(db);
  if (claimed.rows.length === 0) return [];
  const lines = await db
    .selectFrom('cart_lines')
    .innerJoin('product_variants', 'product_variants.id', 'cart_lines.variant_id')
    .innerJoin('products', 'products.id', 'product_variants.product_id')
    .select(['cart_lines.cart_id', 'products.name', 'cart_lines.quantity'])
    .where('cart_lines.cart_id', 'in', claimed.rows.map((row) => row.id))
    .where('cart_lines.saved_for_later', '=', false)
    .orderBy('cart_lines.id')
    .execute();
  return claimed.rows.map((row) => ({
    cartId: row.id,
    userId: row.user_id,
    email: row.email,
    firstName: row.first_name,
    lines: lines.filter((line) => line.cart_id === row.id).map(({ name, quantity }) => ({ name, quantity })),
  }));
}

/** A signed, non-expiring token for the unsubscribe link: it only ever turns reminders off. */
export function unsubscribeToken(userId: number, secret: string): string {
  return createHmac('sha256', secret).update(`cart-reminders:${userId}`).digest('base64url');
}

export function isUnsubscribeToken(userId: number, token: string, secret: string): boolean {
  const expected = Buffer.from(unsubscribeToken(userId, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ReminderJob {
  idleHours: number;
  notices: Notices;
}

/**
 * One pass of the abandoned-cart job: the carts are claimed and their reminders queued in one
 * transaction, so a reminder is queued exactly once per claim, and the outbox delivers it
 * (retrying while the mail server is away).
 */
export async function remindIdleCarts(db: Db, job: ReminderJob, now = new Date()): Promise<{ queued: number }> {
  return db.transaction().execute(async (trx) => {
    const carts = await claimIdleCarts(trx, job.idleHours, now);
    for (const cart of carts) await job.notices.queue(trx, { kind: 'cart.reminder', cart });
    return { queued: carts.length };
  });
}
