import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { Role } from '../db/schema-accounts.js';
import type { Sessions } from './sessions.js';

export interface UserListFilters {
  /** Part of the name or e-mail, any case. */
  q?: string;
  role?: Role;
  active?: boolean;
  perPage: number;
  offset: number;
}

export interface UserFilterValues {
  q: string;
  role: string;
  status: string;
}

/**
 * The customer list's filters from its query string. A value that cannot be read is reported
 * for its field and left out, so the list still shows with the others applied.
 */
export function readUserFilters(query: Record<string, string | undefined>): { values: UserFilterValues; applied: Omit<UserListFilters, 'perPage' | 'offset'>; errors: Record<string, string> } {
  const text = (name: string, max = 200) => (query[name] ?? '').trim().slice(0, max);
  const values = { q: text('q'), role: text('role', 20), status: text('status', 20) };
  const errors: Record<string, string> = {};
  if (values.role && values.role !== 'customer' && values.role !== 'admin') errors.role = 'Choose customer or admin; showing every role.';
  if (values.status && values.status !== 'active' && values.status !== 'inactive') errors.status = 'Choose active or inactive; showing both.';
  const applied = {
    ...(values.q && !/[\p{Cc}\uFFFD]/u.test(values.q) ? { q: values.q } : {}),
    ...(values.role && !errors.role ? { role: values.role as Role } : {}),
    ...(values.status && !errors.status ? { active: values.status === 'active' } : {}),
  };
  return { values, applied, errors };
}

/** LIKE's own wildcards typed by staff are matched literally. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

export interface UserListRow {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  active: boolean;
  created_at: Date;
  orders: number;
}

/** Accounts for the back office, newest first, with their number of orders and how many match in all. */
export async function listUsersForStaff(db: DbOrTx, filters: UserListFilters): Promise<{ rows: UserListRow[]; total: number }> {
  let query = db.selectFrom('users');
  if (filters.role) query = query.where('role', '=', filters.role);
  if (filters.active !== undefined) query = query.where('active', '=', filters.active);
  if (filters.q) {
    const pattern = `%${likeEscaped(filters.q.toLowerCase())}%`;
    query = query.where((eb) => eb.or([eb(sql`lower(email)`, 'like', pattern), eb(sql`lower(first_name || ' ' || last_name)`, 'like', pattern)]));
  }
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'email', 'first_name', 'last_name', 'role', 'active', 'created_at'])
      .select((eb) => eb.selectFrom('orders').select(sql<number>`count(*)::int`.as('n')).whereRef('orders.user_id', '=', 'users.id').as('orders'))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.perPage)
      .offset(filters.offset)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((row) => ({ ...row, orders: row.orders ?? 0 })), total: count.count };
}

/**
 * One account for the back office: its profile (never its password hash or second-factor
 * key), orders, addresses, how many sessions are open, and the latest audit events about it.
 */
export async function findUserForStaff(db: DbOrTx, sessions: Sessions, userId: number) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'first_name', 'last_name', 'role', 'active', 'email_verified_at', 'created_at', 'updated_at'])
    .select(sql<boolean>`totp_key_encrypted IS NOT NULL`.as('mfa'))
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return undefined;
  const [orders, addresses, audit, open] = await Promise.all([
    db.selectFrom('orders').select(['number', 'placed_at', 'status', 'total_cents', 'currency']).where('user_id', '=', userId).orderBy('placed_at', 'desc').limit(50).execute(),
    db.selectFrom('user_addresses').selectAll().where('user_id', '=', userId).orderBy('is_default_shipping', 'desc').orderBy('id').execute(),
    db
      .selectFrom('audit_events')
      .leftJoin('users as actor', 'actor.id', 'audit_events.actor_user_id')
      .select(['audit_events.id', 'action', 'occurred_at', 'ip', 'audit_events.actor_user_id', 'before', 'after', 'details'])
      .select(sql<string | null>`nullif(trim(actor.first_name || ' ' || actor.last_name), '')`.as('actor_name'))
      .where((eb) => eb.or([eb('subject_user_id', '=', userId), eb.and([eb('entity_type', '=', 'user'), eb('entity_id', '=', String(userId))])]))
      .orderBy('audit_events.id', 'desc')
      .limit(20)
      .execute(),
    sessions.listForUser(userId),
  ]);
  return { user, orders, addresses, audit, sessionCount: open.length };
}

export type StaffUserDetail = NonNullable<Awaited<ReturnType<typeof findUserForStaff>>>;
