import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'kysely';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { observeCacheLookups } from '../store/json-cache.js';
import type { AppEnv } from './context.js';

/**
 * What /metrics reports. One registry per process, as Prometheus scrapes a process: request
 * counters live in memory, while orders, revenue and the outbox are read from the database at
 * scrape time, so they survive restarts and agree across several processes.
 */
export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route' | 'status'>;
  errors: Counter<'method' | 'route'>;
  cacheLookups: Counter<'cache' | 'result'>;
  pool: Gauge<'state'>;
  outbox: Gauge<'status'>;
  paidOrders: Counter;
  revenue: Counter<'currency'>;
}

function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    requests: new Counter({ name: 'hyperstore_http_requests_total', help: 'HTTP requests by route pattern, method and status class', labelNames: ['method', 'route', 'status'], registers }),
    duration: new Histogram({
      name: 'hyperstore_http_request_duration_seconds',
      help: 'Time to answer, by route pattern, method and status class',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    errors: new Counter({ name: 'hyperstore_http_errors_total', help: 'Responses with a 5xx status', labelNames: ['method', 'route'], registers }),
    cacheLookups: new Counter({ name: 'hyperstore_cache_lookups_total', help: 'Cache lookups by cache and result (hit or miss)', labelNames: ['cache', 'result'], registers }),
    pool: new Gauge({ name: 'hyperstore_db_pool_connections', help: 'Database connections: total, idle, and requests waiting for one', labelNames: ['state'], registers }),
    outbox: new Gauge({ name: 'hyperstore_outbox_messages', help: 'Outbox messages not sent: pending (queued or retrying) and failed (given up)', labelNames: ['status'], registers }),
    paidOrders: new Counter({ name: 'hyperstore_orders_paid_total', help: 'Orders ever paid (read from the database)', registers }),
    revenue: new Counter({ name: 'hyperstore_revenue_cents_total', help: 'Total of paid orders in minor units, before refunds (read from the database)', labelNames: ['currency'], registers }),
  };
  observeCacheLookups((cache, hit) => metrics.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }));
  return metrics;
}

let shared: Metrics | undefined;

/** This process's metrics, made on first use. */
export function processMetrics(): Metrics {
  shared ??= createMetrics();
  return shared;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts and times every request under the route pattern that answered it (`/products/:slug`),
 * never the URL, so the number of series stays bounded whatever visitors type.
 */
export function requestMetrics(metrics = processMetrics()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const pattern = c.req.routePath;
    // Only a catch-all middleware matched: nothing answered this path but the not-found page.
    const route = !pattern || pattern === '*' || pattern === '/*' ? 'unmatched' : pattern;
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    const status = `${Math.floor(c.res.status / 100)}xx`;
    metrics.requests.inc({ method, route, status });
    metrics.duration.observe({ method, route, status }, (performance.now() - started) / 1000);
    if (c.res.status >= 500) metrics.errors.inc({ method, route });
  };
}

/** Reads the figures kept in the database, then the whole registry as Prometheus text. */
export async function renderMetrics(database: DatabaseHandle, metrics = processMetrics()): Promise<string> {
  const pool = database.poolStats();
  for (const state of ['total', 'idle', 'waiting'] as const) metrics.pool.set({ state }, pool[state]);
  try {
    await readDatabaseFigures(database, metrics);
  } catch {
    // The database is away: leave these out rather than report stale figures; the rest still scrapes.
    for (const metric of [metrics.outbox, metrics.paidOrders, metrics.revenue]) metric.reset();
  }
  return metrics.registry.metrics();
}

async function readDatabaseFigures(database: DatabaseHandle, metrics: Metrics): Promise<void> {
  const db = database.db;
  const [outbox, orders] = await Promise.all([
    db.selectFrom('outbox_messages').select(['status', sql<number>`count(*)`.as('count')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute(),
    db.selectFrom('orders').select(['currency', sql<number>`count(*)`.as('count'), sql<number>`sum(total_cents)`.as('cents')]).where('paid_at', 'is not', null).groupBy('currency').execute(),
  ]);
  for (const status of ['pending', 'failed']) metrics.outbox.set({ status }, Number(outbox.find((row) => row.status === status)?.count ?? 0));
  // Counters only go up; these mirror a database total, so they are set by starting from zero.
  metrics.paidOrders.reset();
  metrics.paidOrders.inc(orders.reduce((sum, row) => sum + Number(row.count), 0));
  metrics.revenue.reset();
  for (const row of orders) metrics.revenue.inc({ currency: row.currency }, Number(row.cents));
}

export type MetricsAccess = 'allowed' | 'unauthorized' | 'hidden';

/**
 * Who may scrape: with METRICS_TOKEN, only a request bearing it; without, anyone in
 * development or on the internal metrics port, and nobody (404) on a public port in production.
 */
export function metricsAccess(config: Pick<Config, 'METRICS_TOKEN' | 'isProduction'>, authorization: string | undefined, internalPort: boolean): MetricsAccess {
  if (config.METRICS_TOKEN) return bearerMatches(authorization, config.METRICS_TOKEN) ? 'allowed' : 'unauthorized';
  return config.isProduction && !internalPort ? 'hidden' : 'allowed';
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
