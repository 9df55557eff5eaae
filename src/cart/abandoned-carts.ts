import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { MailMessage } from '../mail/mailer.js';

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
  appUrl: string;
  storeName: string;
  secret: string;
  message: (cart: IdleCart, links: { cartUrl: string; unsubscribeUrl: string }) => MailMessage;
  send: (message: MailMessage) => Promise<void>;
}

/**
 * One pass of the abandoned-cart job. Carts are claimed (and committed) before mail goes out,
 * so a reminder is never sent twice; a send that fails is logged and not retried (the mail
 * outbox will make delivery durable).
 */
export async function remindIdleCarts(db: DbOrTx, job: ReminderJob, now = new Date()): Promise<{ sent: number; failed: number }> {
  const carts = await claimIdleCarts(db, job.idleHours, now);
  let failed = 0;
  for (const cart of carts) {
    const unsubscribeUrl = `${job.appUrl}/unsubscribe/cart-reminders?user=${cart.userId}&token=${unsubscribeToken(cart.userId, job.secret)}`;
    await job.send(job.message(cart, { cartUrl: `${job.appUrl}/cart`, unsubscribeUrl })).catch(() => failed++);
  }
  return { sent: carts.length - failed, failed };
}
