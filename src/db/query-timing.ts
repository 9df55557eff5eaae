import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogEvent } from 'kysely';

/** The database time of the request in progress, kept per request by AsyncLocalStorage. */
export interface QueryTiming {
  dbMs: number;
  queries: number;
}

const current = new AsyncLocalStorage<QueryTiming>();

/** Runs `work` with its queries' times added to `timing`. */
export function measureQueries<T>(timing: QueryTiming, work: () => T): T {
  return current.run(timing, work);
}

interface SlowQueryLog {
  thresholdMs: number;
  warn: (fields: Record<string, unknown>, message: string) => void;
}

// Set once at boot (server.ts); the database factories stay free of a logger.
let slowQueries: SlowQueryLog | undefined;

/** From now on, a query slower than `thresholdMs` is logged once at warn; undefined stops it. */
export function logSlowQueries(log: { warn: SlowQueryLog['warn'] } | undefined, thresholdMs = 100): void {
  slowQueries = log ? { thresholdMs, warn: (fields, message) => log.warn(fields, message) } : undefined;
}

const SQL_LOG_MAX = 2_000;

function reportIfSlow(event: LogEvent): void {
  if (!slowQueries || event.queryDurationMillis <= slowQueries.thresholdMs) return;
  // The compiled SQL carries $1 placeholders; the parameters (e-mails, tokens) are never logged.
  const fields = { sql: event.query.sql.slice(0, SQL_LOG_MAX), ms: Math.round(event.queryDurationMillis), failed: event.level === 'error' };
  slowQueries.warn(fields, 'slow query');
}

/** Kysely's `log` option: adds each query's time to the request it runs for (none outside a request), and reports slow ones. */
export function recordQueryTime(event: LogEvent): void {
  reportIfSlow(event);
  const timing = current.getStore();
  if (!timing) return;
  timing.dbMs += event.queryDurationMillis;
  timing.queries += 1;
}
