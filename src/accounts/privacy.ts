import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { User } from '../db/schema-accounts.js';
import { recordAudit } from './audit.js';
import type { Session } from './sessions.js';

/**
 * A user's own data, for the download on /account/export (the right of access). Built from
 * explicit fields, never `selectAll()` spread out: a column added later (a secret, say) stays
 * out until someone decides it belongs here. Password and token hashes, the TOTP key and the
 * recovery-code hashes are never part of it; that they exist is told as yes/no or a count.
 */
export interface AccountExport {
  format: 'hyperstore-account-export/1';
  /** The cart and what is saved for later: product, variant, quantity, price when added. */
  cart: { product: string; sku: string; quantity: number; unit_price_cents_at_add: number; saved_for_later: boolean; added_at: string }[];
  exported_at: string;
  profile: {
    email: string;
    first_name: string;
    last_name: string;
    role: string;
    active: boolean;
    email_verified_at: string | null;
    two_step_verification: boolean;
    recovery_codes_left: number;
    created_at: string;
    updated_at: string;
  };
  addresses: {
    id: number;
    full_name: string;
    address_line1: string;
    address_line2: string;
    city: string;
    state: string;
    postal_code: string;
    country: string;
    phone: string;
    is_default_shipping: boolean;
    created_at: string;
  }[];
  sessions: { public_id: string; user_agent: string; ip: string; created_at: string; last_seen_at: string; expires_at: string }[];
  email_links: { purpose: string; email: string; created_at: string; expires_at: string; used_at: string | null }[];
  /**
   * What the audit trail holds about the user. The IP is included when the user (or nobody
   * signed in) acted; when staff acted on the account, it is theirs and stays out.
   */
  audit_events: { occurred_at: string; action: string; by_you: boolean; ip: string | null; details: Record<string, unknown> }[];
}

const iso = (value: Date | string | number | null): string | null => (value === null ? null : new Date(value).toISOString());
const isoOf = (value: Date | string | number): string => new Date(value).toISOString();

/** Everything the store keeps about `user`; `sessions` are theirs as the session store lists them. */
export async function exportAccountData(db: DbOrTx, user: User, sessions: readonly Session[], now = new Date()): Promise<AccountExport> {
  const [addresses, recovery, links, events, cartLines] = await Promise.all([
    db
      .selectFrom('user_addresses')
      .select(['id', 'full_name', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country', 'phone', 'is_default_shipping', 'created_at'])
      .where('user_id', '=', user.id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('user_recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db.selectFrom('email_tokens').select(['purpose', 'email', 'created_at', 'expires_at', 'used_at']).where('user_id', '=', user.id).orderBy('id').execute(),
    db
      .selectFrom('audit_events')
      .select(['occurred_at', 'action', 'actor_user_id', 'ip', 'details'])
      .where((eb) => eb.or([eb('actor_user_id', '=', user.id), eb('subject_user_id', '=', user.id)]))
      .orderBy('occurred_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('cart_lines')
      .innerJoin('carts', 'carts.id', 'cart_lines.cart_id')
      .innerJoin('product_variants', 'product_variants.id', 'cart_lines.variant_id')
      .innerJoin('products', 'products.id', 'product_variants.product_id')
      .select(['products.name as product', 'product_variants.sku', 'cart_lines.quantity', 'cart_lines.unit_price_cents_at_add', 'cart_lines.saved_for_later', 'cart_lines.added_at'])
      .where('carts.user_id', '=', user.id)
      .orderBy('cart_lines.id')
      .execute(),
  ]);
  return {
    format: 'hyperstore-account-export/1',
    exported_at: now.toISOString(),
    cart: cartLines.map((line) => ({ ...line, added_at: isoOf(line.added_at) })),
    profile: {
      email: user.email,
      first_name: user.first_name,
      last_name: user.last_name,
      role: user.role,
      active: user.active,
      email_verified_at: iso(user.email_verified_at),
      two_step_verification: user.totp_key_encrypted !== null,
      recovery_codes_left: Number(recovery.count),
      created_at: isoOf(user.created_at),
      updated_at: isoOf(user.updated_at),
    },
    addresses: addresses.map((address) => ({ ...address, created_at: isoOf(address.created_at) })),
    sessions: sessions.map((session) => ({
      public_id: session.publicId,
      user_agent: session.userAgent,
      ip: session.ip,
      created_at: isoOf(session.createdAt),
      last_seen_at: isoOf(session.lastSeenAt),
      expires_at: isoOf(Math.min(session.expiresAt, session.absoluteExpiresAt)),
    })),
    email_links: links.map((link) => ({
      purpose: link.purpose,
      email: link.email,
      created_at: isoOf(link.created_at),
      expires_at: isoOf(link.expires_at),
      used_at: iso(link.used_at),
    })),
    audit_events: events.map((event) => {
      const byYou = event.actor_user_id === user.id;
      return { occurred_at: isoOf(event.occurred_at), action: event.action, by_you: byYou, ip: byYou || event.actor_user_id === null ? event.ip : null, details: event.details };
    }),
  };
}

/**
 * Erases the account (the right to erasure): the user row goes, and with it, by the foreign
 * keys' ON DELETE CASCADE, their addresses, e-mail tokens, recovery codes and cart. Audit events stay
 * for the store's security record with their user ids set to null by the foreign keys, so they
 * no longer say whose they were. The `account.deleted` event itself carries no personal data:
 * no e-mail, no name, no IP, no user id. Sessions live in the session store, not here: the caller ends them.
 *
 * Orders do not exist yet. When they do (issue 6), they are kept for the books, anonymised:
 * the order loses its link to the user and its name, e-mail, phone and addresses, keeping
 * only what accounting and tax law require (number, dates, lines, amounts, status). That
 * belongs in this same transaction.
 */
export async function deleteAccount(db: DbOrTx, userId: number): Promise<boolean> {
  const erase = async (trx: DbOrTx) => {
    const deleted = await trx.deleteFrom('users').where('id', '=', userId).returning(['id', 'email']).executeTakeFirst();
    // Mail to them, sent or waiting, holds their address and what we told them: it goes too.
    if (deleted) await trx.deleteFrom('outbox_messages').where(sql`lower(recipient)`, '=', deleted.email.toLowerCase()).execute();
    // Recorded after the row is gone, so it names nobody, as every other event of the user now does.
    if (deleted) await recordAudit(trx, { action: 'account.deleted', actorUserId: null, subjectUserId: null, ip: null });
    return deleted !== undefined;
  };
  return db.isTransaction ? erase(db) : db.transaction().execute(erase);
}
