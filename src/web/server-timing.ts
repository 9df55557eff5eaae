import type { MiddlewareHandler } from 'hono';
import { measureQueries, type QueryTiming } from '../db/query-timing.js';

export { recordQueryTime } from '../db/query-timing.js';

/**
 * A `Server-Timing` header on every response: `total` (first middleware in to response out,
 * so it includes waiting for the event loop behind other requests) and `db` (the sum of the
 * request's query times as Kysely measures them, once a connection is in hand; queries run in
 * parallel add up). Browsers show it in their network panel; benchmarks can read it.
 *
 * On outside production (SERVER_TIMING); in production it would tell anyone how long the
 * database takes, so it is off unless asked for.
 */
export function serverTiming(): MiddlewareHandler {
  return async (c, next) => {
    const timing: QueryTiming = { dbMs: 0, queries: 0 };
    const started = performance.now();
    await measureQueries(timing, next);
    const total = performance.now() - started;
    const value = `db;dur=${timing.dbMs.toFixed(1)};desc="${timing.queries} queries", total;dur=${total.toFixed(1)}`;
    try {
      c.res.headers.append('Server-Timing', value);
    } catch {
      // A response with immutable headers (a fetched one passed through) goes out without it.
    }
  };
}
