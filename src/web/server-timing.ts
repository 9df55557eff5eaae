import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareHandler } from 'hono';
import type { LogEvent } from 'kysely';

/**
 * A `Server-Timing` header on every response: `total` (first middleware in to response out,
 * so it includes waiting for the event loop behind other requests) and `db` (the sum of the
 * request's query times as Kysely measures them, once a connection is in hand; queries run in
 * parallel add up). Browsers show it in their network panel; benchmarks can read it.
 *
 * Not wired yet (src/app.ts and src/db/database.ts belong to other work); to turn it on:
 *   - src/app.ts, first middleware:           app.use(serverTiming());
 *   - src/db/database.ts, both Kysely's:       new Kysely<Database>({ dialect: …, log: recordQueryTime })
 */
interface RequestTiming {
  dbMs: number;
  queries: number;
}

const current = new AsyncLocalStorage<RequestTiming>();

/** Kysely's `log` option: adds each query's time to the request it runs for (none outside a request). */
export function recordQueryTime(event: LogEvent): void {
  const timing = current.getStore();
  if (!timing) return;
  timing.dbMs += event.queryDurationMillis;
  timing.queries += 1;
}

export function serverTiming(): MiddlewareHandler {
  return async (c, next) => {
    const timing: RequestTiming = { dbMs: 0, queries: 0 };
    const started = performance.now();
    await current.run(timing, next);
    const total = performance.now() - started;
    const value = `db;dur=${timing.dbMs.toFixed(1)};desc="${timing.queries} queries", total;dur=${total.toFixed(1)}`;
    try {
      c.res.headers.append('Server-Timing', value);
    } catch {
      // A response with immutable headers (a fetched one passed through) goes out without it.
    }
  };
}
