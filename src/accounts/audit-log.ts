import { z } from 'zod';
import type { DbOrTx } from '../db/database.js';

/** The audit trail as staff read it: filtered, newest first, a page at a time. Read-only. */

export const ENTITY_TYPES = ['product', 'variant', 'category', 'order', 'user', 'coupon', 'setting', 'import', 'api_key'] as const;

export interface AuditFilter {
  /** An action ("coupon.created"), or a group when it ends in a dot ("product."). */
  action: string;
  /** Part of the actor's e-mail, or "system" for what no one signed in did. */
  actor: string;
  entityType: string;
  entityId: string;
  /** Whole UTC days, both included. */
  from: string;
  to: string;
}

const day = z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date like 2026-11-25.').refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'Enter a real date.')]);

const filterSchema = z.object({
  action: z.union([z.literal(''), z.string().regex(/^[a-z_]{1,30}(\.[a-z_]{0,30})?$/, 'Enter an action like product.updated, or a group like product.')]),
  actor: z.string().max(200, 'Enter at most 200 characters.'),
  entity_type: z.union([z.literal(''), z.enum(ENTITY_TYPES, { message: 'Choose one of the listed kinds.' })]),
  entity_id: z.string().max(100, 'Enter at most 100 characters.'),
  from: day,
  to: day,
});

/**
 * The filters from a query string. A filter that cannot be used is left out and named, so the
 * log still shows what it can (a bookmark with a typo is not an error page).
 */
export function parseAuditFilter(query: Record<string, string | undefined>): { filter: AuditFilter; errors: Partial<Record<string, string>> } {
  const raw = {
    action: (query.action ?? '').trim().toLowerCase(),
    actor: (query.actor ?? '').trim(),
    entity_type: (query.entity_type ?? '').trim(),
    entity_id: (query.entity_id ?? '').trim(),
    from: (query.from ?? '').trim(),
    to: (query.to ?? '').trim(),
  };
  const errors: Partial<Record<string, string>> = {};
  const parsed = filterSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  const keep = (name: keyof typeof raw) => (errors[name] ? '' : raw[name]);
  const filter = { action: keep('action'), actor: keep('actor'), entityType: keep('entity_type'), entityId: keep('entity_id'), from: keep('from'), to: keep('to') };
  if (filter.from && filter.to && filter.to < filter.from) {
    errors.to = 'The end date must not be before the start date.';
    filter.to = '';
  }
  return { filter, errors };
}

export interface AuditEntry {
  id: number;
  occurredAt: Date;
  action: string;
  actor: { id: number; name: string; email: string } | null;
  ip: string | null;
  entity: { type: string; id: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown>;
}

/** Keyset paging on the id (ids grow with time): `before` for older entries, `after` for newer. */
export interface AuditPage {
  before?: number;
  after?: number;
  limit: number;
}

export interface AuditResult {
  entries: AuditEntry[];
  /** Ids to page on, when there are entries beyond this page. */
  olderThan: number | null;
  newerThan: number | null;
}

const likeEscaped = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(db: DbOrTx, filter: AuditFilter) {
  let query = db.selectFrom('audit_events as a').leftJoin('users as u', 'u.id', 'a.actor_user_id');
  if (filter.action.endsWith('.')) query = query.where('a.action', 'like', `${filter.action}%`);
  else if (filter.action) query = query.where('a.action', '=', filter.action);
  if (filter.actor.toLowerCase() === 'system') query = query.where('a.actor_user_id', 'is', null);
  else if (filter.actor) query = query.where('u.email', 'ilike', likeEscaped(filter.actor));
  if (filter.entityType) query = query.where('a.entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('a.entity_id', '=', filter.entityId);
  if (filter.from) query = query.where('a.occurred_at', '>=', new Date(`${filter.from}T00:00:00Z`));
  if (filter.to) query = query.where('a.occurred_at', '<', new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000));
  return query;
}

export async function listAuditEntries(db: DbOrTx, filter: AuditFilter, page: AuditPage): Promise<AuditResult> {
  let query = filtered(db, filter).select([
    'a.id',
    'a.occurred_at',
    'a.action',
    'a.actor_user_id',
    'a.ip',
    'a.entity_type',
    'a.entity_id',
    'a.before',
    'a.after',
    'a.details',
    'u.first_name',
    'u.last_name',
    'u.email',
  ]);
  const newer = page.after !== undefined && page.before === undefined;
  if (page.before !== undefined) query = query.where('a.id', '<', page.before);
  if (newer) query = query.where('a.id', '>', page.after!);
  const rows = await query
    .orderBy('a.id', newer ? 'asc' : 'desc')
    .limit(page.limit + 1)
    .execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  if (newer) shown.reverse();
  const entries = shown.map(
    (row): AuditEntry => ({
      id: Number(row.id),
      occurredAt: row.occurred_at,
      action: row.action,
      actor: row.actor_user_id !== null && row.email ? { id: row.actor_user_id, name: `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(), email: row.email } : null,
      ip: row.ip,
      entity: row.entity_type && row.entity_id !== null ? { type: row.entity_type, id: row.entity_id } : null,
      before: row.before,
      after: row.after,
      details: row.details ?? {},
    }),
  );
  const first = entries[0]?.id;
  const last = entries.at(-1)?.id;
  const paged = page.before !== undefined || page.after !== undefined;
  return {
    entries,
    olderThan: last !== undefined && (newer ? true : more) ? last : null,
    newerThan: first !== undefined && (newer ? more : paged) ? first : null,
  };
}

/** Order numbers for entries that name an order by its id, so they can link to /admin/orders/:number. */
export async function orderNumbersFor(db: DbOrTx, entries: AuditEntry[]): Promise<Map<string, string>> {
  const ids = [...new Set(entries.filter((entry) => entry.entity?.type === 'order' && /^\d{1,9}$/.test(entry.entity.id)).map((entry) => Number(entry.entity!.id)))];
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('orders').select(['id', 'number']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [String(row.id), row.number]));
}

/** Where an entity is managed in the back office, if anywhere. */
export function entityHref(entity: { type: string; id: string }, orderNumbers: Map<string, string>): string | undefined {
  const id = encodeURIComponent(entity.id);
  const numeric = /^\d{1,10}$/.test(entity.id);
  switch (entity.type) {
    case 'product':
      return numeric ? `/admin/products/${id}` : undefined;
    case 'variant':
      return numeric ? `/admin/inventory/${id}` : undefined;
    case 'category':
      return numeric ? `/admin/categories/${id}` : undefined;
    case 'coupon':
      return numeric ? `/admin/coupons/${id}` : undefined;
    case 'user':
      return numeric ? `/admin/users/${id}` : undefined;
    case 'order': {
      const number = /^HS-/.test(entity.id) ? entity.id : orderNumbers.get(entity.id);
      return number ? `/admin/orders/${encodeURIComponent(number)}` : undefined;
    }
    default:
      return undefined;
  }
}

export interface DiffRow {
  field: string;
  before: string | undefined;
  after: string | undefined;
}

/** Before/after as rows of text, one per field either side names; a value missing on one side is undefined. */
export function diffRows(before: Record<string, unknown> | null, after: Record<string, unknown> | null): DiffRow[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return fields.map((field) => ({
    field,
    before: before && field in before ? auditValueText(before[field]) : undefined,
    after: after && field in after ? auditValueText(after[field]) : undefined,
  }));
}

export function auditValueText(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
