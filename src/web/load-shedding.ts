import type { MiddlewareHandler } from 'hono';
import { Counter } from 'prom-client';
import { ErrorPage } from '../../views/errors/error-page.js';
import type { AppDeps, AppEnv } from './context.js';
import { documentAssets } from './layout.js';
import { processMetrics } from './metrics.js';

/** How far behind the event loop is now, in milliseconds. */
export type EventLoopLag = () => number;

export interface LagSampler {
  lag: EventLoopLag;
  stop(): void;
}

/**
 * Measures the event loop's lag by timer drift: a timer due every `intervalMs` runs late by as
 * long as the loop was busy. The reading is the larger of the last tick's lateness and how
 * overdue the next tick is right now, so a request handled in the middle of a long busy
 * stretch already sees it (monitorEventLoopDelay would only report it once the stretch ends).
 */
export function startLagSampler(intervalMs = 20, clock: () => number = () => performance.now()): LagSampler {
  let due = clock() + intervalMs;
  let lastLateness = 0;
  const timer = setInterval(() => {
    const at = clock();
    lastLateness = Math.max(0, at - due);
    due = at + intervalMs;
  }, intervalMs);
  timer.unref(); // never keeps the process alive
  return { lag: () => Math.max(lastLateness, clock() - due), stop: () => clearInterval(timer) };
}

/**
 * How many open connections make the process busy enough to shed. A lagging timer alone is not
 * proof of overload: a garbage collection, or other programs on the machine taking the CPU,
 * delay it too, and refusing the one shopper who is there then helps nobody. Overload means
 * many connections waiting on a loop that is behind; a handful of browsers is not that.
 */
export const SHED_MIN_CONNECTIONS = 64;

/**
 * The lag to act on: the sampler's reading while at least `minConnections` connections are
 * open, else none. server.ts counts the connections.
 */
export function lagUnderLoad(lag: EventLoopLag, openConnections: () => number, minConnections = SHED_MIN_CONNECTIONS): EventLoopLag {
  return () => (openConnections() >= minConnections ? lag() : 0);
}

/** Probes and scrapes must answer however busy the process is: they are how operators see it. */
const NEVER_SHED = new Set(['/healthz', '/readyz', '/metrics']);
const RETRY_AFTER_SECONDS = 2;

let shedCounter: Counter | undefined;

function shedRequests(): Counter {
  const registry = processMetrics().registry;
  shedCounter ??= new Counter({ name: 'hyperstore_http_shed_total', help: 'Requests answered 503 at once because the event loop lagged (SHED_LAG_MS)', registers: [registry] });
  return shedCounter;
}

/**
 * While the event loop lags more than `thresholdMs`, a new request gets a ready-made 503 page
 * (Retry-After) without touching the database or the store: the process catches up on the
 * requests it already took instead of queueing more behind them, and a load balancer can send
 * the visitor elsewhere. A threshold of 0 turns it off.
 */
export function shedLoad(deps: Pick<AppDeps, 'config' | 'assets'>, options: { thresholdMs: number; lag: EventLoopLag }): MiddlewareHandler<AppEnv> {
  const counter = shedRequests();
  const page = busyPage(deps);
  return async (c, next) => {
    if (options.thresholdMs <= 0 || NEVER_SHED.has(c.req.path) || options.lag() <= options.thresholdMs) return next();
    counter.inc();
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    c.header('Cache-Control', 'no-store');
    return c.html(page, 503);
  };
}

/** Drawn once: no cart count, account or category menu, since finding them is the work being shed. */
function busyPage(deps: Pick<AppDeps, 'config' | 'assets'>): string {
  const layout = {
    storeName: deps.config.STORE_NAME,
    assets: documentAssets(deps),
    categories: [],
    searchQuery: '',
    cartCount: 0,
    currency: deps.config.CURRENCY,
    appUrl: deps.config.APP_URL,
  };
  return String(ErrorPage({ layout, status: 503, message: 'The shop is very busy right now. Please try again in a few seconds.' }));
}
