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

/** Kysely's `log` option: adds each query's time to the request it runs for (none outside a request). */
export function recordQueryTime(event: LogEvent): void {
  const timing = current.getStore();
  if (!timing) return;
  timing.dbMs += event.queryDurationMillis;
  timing.queries += 1;
}
