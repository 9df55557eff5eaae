import { sql } from 'kysely';
import { findStoreLowStockThreshold, listInventory, type InventoryRow } from '../catalog/inventory.js';
import type { DbOrTx } from '../db/database.js';
import type { OrderStatus } from './status.js';

/**
 * The dashboard's figures, aggregated in SQL over the orders of the last 30 days (the
 * orders_status_placed_idx index finds them without reading older orders).
 *
 * - A sale is an order that was paid: paid or any later state, refunds included; pending and
 *   cancelled orders never brought money in.
 * - Revenue is net of refunds (total − refunded), in the store's currency only: an order in
 *   another currency cannot be added to it.
 * - Days are UTC days, dated by when the order was placed (the store has no time zone setting).
 */
export const SOLD_STATUSES: readonly OrderStatus[] = ['paid', 'processing', 'shipped', 'delivered', 'partially_refunded', 'refunded'];

export const REPORT_DAYS = 30;
const DAY_MS = 86_400_000;

export interface PeriodFigures {
  orders: number;
  revenueCents: number;
}

export interface DailySales {
  /** YYYY-MM-DD (UTC). */
  date: string;
  orders: number;
  revenueCents: number;
}

export interface TopProduct {
  slug: string;
  name: string;
  units: number;
  revenueCents: number;
}

export interface SalesReport {
  today: PeriodFigures;
  week: PeriodFigures;
  month: PeriodFigures;
  /** Net revenue per sale over 30 days, rounded down to the cent; 0 without sales. */
  averageOrderCents: number;
  /** Every order placed in 30 days by status, sold or not. */
  byStatus: { status: OrderStatus; orders: number }[];
  topProducts: TopProduct[];
  /** One entry per day, oldest first, days without sales included. */
  daily: DailySales[];
}

/** Midnight UTC of `now`'s day, and of the first day of a window of `days` days ending today. */
export function windowStart(now: Date, days: number): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - (days - 1) * DAY_MS);
}

export async function loadSalesReport(db: DbOrTx, options: { now: Date; currency: string }): Promise<SalesReport> {
  const [periods, byStatus, topProducts, daily] = await Promise.all([
    loadPeriods(db, options),
    loadByStatus(db, options.now),
    loadTopProducts(db, options),
    loadDaily(db, options),
  ]);
  return {
    ...periods,
    averageOrderCents: periods.month.orders === 0 ? 0 : Math.floor(periods.month.revenueCents / periods.month.orders),
    byStatus,
    topProducts,
    daily,
  };
}

/** Sales of the last 30 days in the store's currency; the base of every figure below. */
function sales(db: DbOrTx, options: { now: Date; currency: string }) {
  return db
    .selectFrom('orders')
    .where('status', 'in', SOLD_STATUSES)
    .where('placed_at', '>=', windowStart(options.now, REPORT_DAYS))
    .where('currency', '=', options.currency);
}

const net = sql<number>`orders.total_cents - orders.refunded_cents`;

async function loadPeriods(db: DbOrTx, options: { now: Date; currency: string }) {
  const today = windowStart(options.now, 1);
  const week = windowStart(options.now, 7);
  const row = await sales(db, options)
    .select([
      sql<number>`count(*) FILTER (WHERE placed_at >= ${today})`.as('today_orders'),
      sql<number>`coalesce(sum(${net}) FILTER (WHERE placed_at >= ${today}), 0)`.as('today_cents'),
      sql<number>`count(*) FILTER (WHERE placed_at >= ${week})`.as('week_orders'),
      sql<number>`coalesce(sum(${net}) FILTER (WHERE placed_at >= ${week}), 0)`.as('week_cents'),
      sql<number>`count(*)`.as('month_orders'),
      sql<number>`coalesce(sum(${net}), 0)`.as('month_cents'),
    ])
    .executeTakeFirstOrThrow();
  const figures = (orders: unknown, cents: unknown): PeriodFigures => ({ orders: Number(orders), revenueCents: Number(cents) });
  return {
    today: figures(row.today_orders, row.today_cents),
    week: figures(row.week_orders, row.week_cents),
    month: figures(row.month_orders, row.month_cents),
  };
}

async function loadByStatus(db: DbOrTx, now: Date) {
  const rows = await db
    .selectFrom('orders')
    .select(['status', sql<number>`count(*)`.as('orders')])
    .where('placed_at', '>=', windowStart(now, REPORT_DAYS))
    .groupBy('status')
    .orderBy('status')
    .execute();
  return rows.map((row) => ({ status: row.status, orders: Number(row.orders) }));
}

/** Best sellers by units, then revenue; grouped by slug so a renamed product stays one line. */
async function loadTopProducts(db: DbOrTx, options: { now: Date; currency: string }, limit = 5): Promise<TopProduct[]> {
  const rows = await sales(db, options)
    .innerJoin('order_items', 'order_items.order_id', 'orders.id')
    .select([
      'order_items.product_slug as slug',
      sql<string>`max(order_items.product_name)`.as('name'),
      sql<number>`sum(order_items.quantity)`.as('units'),
      sql<number>`sum(order_items.total_cents)`.as('revenue_cents'),
    ])
    .groupBy('order_items.product_slug')
    .orderBy(sql`sum(order_items.quantity)`, 'desc')
    .orderBy(sql`sum(order_items.total_cents)`, 'desc')
    .orderBy('order_items.product_slug')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ slug: row.slug, name: row.name, units: Number(row.units), revenueCents: Number(row.revenue_cents) }));
}

async function loadDaily(db: DbOrTx, options: { now: Date; currency: string }): Promise<DailySales[]> {
  const day = sql<string>`to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const rows = await sales(db, options)
    .select([day.as('date'), sql<number>`count(*)`.as('orders'), sql<number>`sum(${net})`.as('revenue_cents')])
    .groupBy(day)
    .execute();
  const found = new Map(rows.map((row) => [row.date, row]));
  const first = windowStart(options.now, REPORT_DAYS).getTime();
  return Array.from({ length: REPORT_DAYS }, (_, index) => {
    const date = new Date(first + index * DAY_MS).toISOString().slice(0, 10);
    const row = found.get(date);
    return { date, orders: Number(row?.orders ?? 0), revenueCents: Number(row?.revenue_cents ?? 0) };
  });
}

export interface LatestOrder {
  number: string;
  email: string;
  status: OrderStatus;
  totalCents: number;
  currency: string;
  placedAt: string;
}

/** The newest orders of any state, for the live list (orders_placed_idx, newest first). */
export async function listLatestOrders(db: DbOrTx, limit = 8): Promise<LatestOrder[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['number', 'email', 'status', 'total_cents', 'currency', 'placed_at'])
    .orderBy('placed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    number: row.number,
    email: row.email,
    status: row.status,
    totalCents: row.total_cents,
    currency: row.currency,
    placedAt: row.placed_at.toISOString(),
  }));
}

export interface DashboardFigures {
  report: SalesReport;
  lowStock: InventoryRow[];
}

/** Everything on the dashboard but the live list: kept a few seconds by the caller. */
export async function loadDashboardFigures(db: DbOrTx, options: { now: Date; currency: string }): Promise<DashboardFigures> {
  const threshold = await findStoreLowStockThreshold(db);
  const [report, lowStock] = await Promise.all([
    loadSalesReport(db, options),
    listInventory(db, { q: '', filter: 'low', offset: 0, limit: 8, activeOnly: true, lowestFirst: true }, threshold),
  ]);
  return { report, lowStock: lowStock.rows };
}
