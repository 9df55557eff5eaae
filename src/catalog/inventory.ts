import { sql } from 'kysely';
import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import type { VariantOptions } from '../db/schema.js';

/** The stock screens' reads and the store's low-stock threshold; stock changes are in stock-adjust.ts. */

export const LOW_STOCK_SETTING = 'low_stock_threshold';
/** Without a setting, a variant with 5 or fewer left is low. */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;
export const MAX_STOCK = 1_000_000;

export type StockStatus = 'out' | 'low' | 'ok';
export type StockFilter = 'all' | 'low' | 'out';

/** Out at zero; low at or below the threshold (a threshold of 0 means "never low, only out"). */
export function stockStatus(stock: number, threshold: number): StockStatus {
  if (stock <= 0) return 'out';
  return stock <= threshold ? 'low' : 'ok';
}

export async function findStoreLowStockThreshold(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('app_settings').select('value').where('key', '=', LOW_STOCK_SETTING).executeTakeFirst();
  const value = row && /^\d{1,7}$/.test(row.value) ? Number(row.value) : undefined;
  return value ?? DEFAULT_LOW_STOCK_THRESHOLD;
}

/** Sets the store's default threshold, audited as settings.changed; false when it already was that. */
export async function setStoreLowStockThreshold(db: Db, input: { threshold: number; actorId: number; ip: string | null }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // Locked so two staff changing it at once each audit the value they really replaced.
    const row = await trx.selectFrom('app_settings').select('value').where('key', '=', LOW_STOCK_SETTING).forUpdate().executeTakeFirst();
    const before = row ? Number(row.value) : DEFAULT_LOW_STOCK_THRESHOLD;
    if (before === input.threshold) return false;
    await trx
      .insertInto('app_settings')
      .values({ key: LOW_STOCK_SETTING, value: String(input.threshold) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(input.threshold), updated_at: new Date() }))
      .execute();
    await recordAudit(trx, {
      action: 'settings.changed',
      actorUserId: input.actorId,
      ip: input.ip,
      entity: { type: 'setting', id: LOW_STOCK_SETTING },
      before: { [LOW_STOCK_SETTING]: before },
      after: { [LOW_STOCK_SETTING]: input.threshold },
    });
    return true;
  });
}

export interface InventoryRow {
  variantId: number;
  productId: number;
  productName: string;
  productSlug: string;
  sku: string;
  options: VariantOptions;
  stock: number;
  /** The variant's own threshold; null when it follows the store's. */
  ownThreshold: number | null;
  /** The threshold that applies. */
  threshold: number;
  status: StockStatus;
  active: boolean;
}

export interface InventoryQuery {
  q: string;
  filter: StockFilter;
  offset: number;
  limit: number;
  /** Only what is on sale (active variants of active products): the dashboard's list. */
  activeOnly?: boolean;
  /** Lowest stock first, rather than by product name. */
  lowestFirst?: boolean;
}

/** `%` and `_` typed by staff are searched for, not used as wildcards. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function inventoryBase(db: DbOrTx, query: InventoryQuery, storeThreshold: number) {
  const threshold = sql<number>`coalesce(v.low_stock_threshold, ${storeThreshold})`;
  let base = db.selectFrom('product_variants as v').innerJoin('products as p', 'p.id', 'v.product_id');
  if (query.q) {
    const pattern = likePattern(query.q);
    base = base.where((eb) => eb.or([eb('v.sku', 'ilike', pattern), eb('p.name', 'ilike', pattern)]));
  }
  if (query.filter === 'out') base = base.where('v.stock', '<=', 0);
  if (query.filter === 'low') base = base.where(sql<boolean>`v.stock <= ${threshold}`);
  if (query.activeOnly) base = base.where('v.active', '=', true).where('p.active', '=', true);
  return base;
}

const inventoryColumns = ['v.id', 'v.product_id', 'p.name', 'p.slug', 'v.sku', 'v.options', 'v.stock', 'v.low_stock_threshold', 'v.active'] as const;

interface InventorySelection {
  id: number;
  product_id: number;
  name: string;
  slug: string;
  sku: string;
  options: VariantOptions;
  stock: number;
  low_stock_threshold: number | null;
  active: boolean;
}

function toInventoryRow(row: InventorySelection, storeThreshold: number): InventoryRow {
  const threshold = row.low_stock_threshold ?? storeThreshold;
  return {
    variantId: row.id,
    productId: row.product_id,
    productName: row.name,
    productSlug: row.slug,
    sku: row.sku,
    options: row.options,
    stock: row.stock,
    ownThreshold: row.low_stock_threshold,
    threshold,
    status: stockStatus(row.stock, threshold),
    active: row.active,
  };
}

export async function listInventory(db: DbOrTx, query: InventoryQuery, storeThreshold: number): Promise<{ rows: InventoryRow[]; total: number }> {
  const base = inventoryBase(db, query, storeThreshold);
  const ordered = query.lowestFirst ? base.orderBy('v.stock').orderBy('p.name') : base.orderBy('p.name').orderBy('p.id').orderBy('v.position');
  const [rows, count] = await Promise.all([
    ordered.select(inventoryColumns).orderBy('v.id').limit(query.limit).offset(query.offset).execute(),
    base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(count.total), rows: rows.map((row) => toInventoryRow(row, storeThreshold)) };
}

/** One variant as the stock screens show it; undefined when there is none. */
export async function findInventoryVariant(db: DbOrTx, variantId: number, storeThreshold: number): Promise<InventoryRow | undefined> {
  const row = await db
    .selectFrom('product_variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(inventoryColumns)
    .where('v.id', '=', variantId)
    .executeTakeFirst();
  return row && toInventoryRow(row, storeThreshold);
}

export interface StockMovementRow {
  id: number;
  delta: number;
  stockAfter: number;
  reason: string;
  note: string;
  actor: { name: string; email: string } | null;
  occurredAt: Date;
}

/** A variant's stock history, newest first (stock_movements_variant_idx). */
export async function listStockMovements(db: DbOrTx, variantId: number, page: { offset: number; limit: number }): Promise<{ rows: StockMovementRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('stock_movements as m')
      .leftJoin('users as u', 'u.id', 'm.actor_user_id')
      .select(['m.id', 'm.delta', 'm.stock_after', 'm.reason', 'm.note', 'm.occurred_at', 'u.first_name', 'u.last_name', 'u.email'])
      .where('m.variant_id', '=', variantId)
      .orderBy('m.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db.selectFrom('stock_movements').select(sql<number>`count(*)`.as('total')).where('variant_id', '=', variantId).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.total),
    rows: rows.map((row) => ({
      id: Number(row.id),
      delta: row.delta,
      stockAfter: row.stock_after,
      reason: row.reason,
      note: row.note,
      actor: row.email ? { name: `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(), email: row.email } : null,
      occurredAt: row.occurred_at,
    })),
  };
}
