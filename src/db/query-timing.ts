import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogEvent } from 'kysely';
import { explainPlan, isPlainRead, type QueryRunner } from './query-plans.js';

/** The database time of the request in progress, kept per request by AsyncLocalStorage. */
export interface QueryTiming {
  dbMs: number;
  queries: number;
}

const current = new AsyncLocalStorage<QueryTiming>();
// Set while the store asks for a plan: its own EXPLAIN is neither timed for a request nor reported.
const planning = new AsyncLocalStorage<true>();

/** Runs `work` with its queries' times added to `timing`. */
export function measureQueries<T>(timing: QueryTiming, work: () => T): T {
  return current.run(timing, work);
}

type Warn = (fields: Record<string, unknown>, message: string) => void;

interface SlowQueryLog {
  thresholdMs: number;
  warn: Warn;
  planEveryMs: number;
  /** When each SQL text's plan was last asked for: one EXPLAIN per text per `planEveryMs`. */
  explained: Map<string, number>;
}

export interface SlowQueryOptions {
  /** How long a SQL text's plan is not asked for again after it was logged (default 5 minutes). */
  planEveryMs?: number;
}

// Set once at boot (server.ts); the database factories stay free of a logger.
let slowQueries: SlowQueryLog | undefined;
const pendingPlans = new Set<Promise<void>>();

/** From now on, a query slower than `thresholdMs` is logged once at warn, a read with its plan's shape; undefined stops it. */
export function logSlowQueries(log: { warn: Warn } | undefined, thresholdMs = 100, options: SlowQueryOptions = {}): void {
  slowQueries = log ? { thresholdMs, warn: (fields, message) => log.warn(fields, message), planEveryMs: options.planEveryMs ?? 5 * 60_000, explained: new Map() } : undefined;
}

/** Resolves when every plan asked for so far has been logged (tests; a shutdown need not wait). */
export async function slowQueryPlansSettled(): Promise<void> {
  while (pendingPlans.size) await Promise.all(pendingPlans);
}

const SQL_LOG_MAX = 2_000;
// Distinct texts remembered for the throttle; past it, new texts get no plan until old entries expire.
const EXPLAINED_MAX = 1_000;

function reportIfSlow(event: LogEvent, explainOn: QueryRunner | undefined): void {
  if (!slowQueries || event.queryDurationMillis <= slowQueries.thresholdMs || planning.getStore()) return;
  // The compiled SQL carries $1 placeholders; the parameters (e-mails, tokens) are never logged.
  const sql = event.query.sql.slice(0, SQL_LOG_MAX);
  const fields = { sql, ms: Math.round(event.queryDurationMillis), failed: event.level === 'error' };
  slowQueries.warn(fields, 'slow query');
  if (explainOn && isPlainRead(event.query.sql) && claimPlan(slowQueries, event.query.sql)) schedulePlan(slowQueries.warn, explainOn, event.query.sql, event.query.parameters);
}

/** True when this text's plan was not asked for within the window; marks it asked for now. */
function claimPlan(log: SlowQueryLog, sql: string): boolean {
  const now = Date.now();
  const last = log.explained.get(sql);
  if (last !== undefined && now - last < log.planEveryMs) return false;
  if (last === undefined && log.explained.size >= EXPLAINED_MAX) {
    for (const [text, at] of log.explained) if (now - at >= log.planEveryMs) log.explained.delete(text);
    if (log.explained.size >= EXPLAINED_MAX) return false;
  }
  log.explained.set(sql, now);
  return true;
}

/**
 * Asks for the plan after the query's caller has moved on (never awaited by the request),
 * outside the request's timing, and logs its shape with the SQL text. The parameters go to
 * Postgres so the plan is the one it picked, and nowhere else.
 */
function schedulePlan(warn: Warn, db: QueryRunner, sql: string, parameters: readonly unknown[]): void {
  const logged = sql.slice(0, SQL_LOG_MAX);
  const explain = () =>
    explainPlan(db, sql, parameters)
      .then((plan) => warn({ sql: logged, shape: plan.shape, cost: plan.cost, rows: plan.rows }, 'slow query plan'))
      // A plan that cannot be had (connection gone, a parameter Postgres refuses) is worth a note with
      // its SQLSTATE only: Postgres's messages can quote a parameter ("invalid input syntax: …").
      .catch((error: unknown) => warn({ sql: logged, code: (error as { code?: string }).code }, 'slow query plan unavailable'));
  const done = new Promise<void>((resolve) => current.exit(() => planning.run(true, () => setImmediate(() => void explain().finally(resolve)))));
  pendingPlans.add(done);
  void done.finally(() => pendingPlans.delete(done));
}

/**
 * Kysely's `log` option: adds each query's time to the request it runs for (none outside a
 * request), and reports slow ones; given the database the query ran on, a slow read's plan too.
 */
export function recordQueryTime(event: LogEvent, explainOn?: QueryRunner): void {
  reportIfSlow(event, explainOn);
  const timing = current.getStore();
  if (!timing) return;
  timing.dbMs += event.queryDurationMillis;
  timing.queries += 1;
}
