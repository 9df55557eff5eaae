import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.js';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<void>): Promise<'ok' | 'unreachable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'ok';
  } catch {
    return 'unreachable';
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness (the process answers) and readiness (it can serve: database and store reachable, not shutting down). */
export function operationsRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [database, store] = await Promise.all([check(deps.database.ping), check(deps.store.ping)]);
    const accepting = deps.isAcceptingTraffic();
    const ready = accepting && database === 'ok' && store === 'ok';
    c.header('Cache-Control', 'no-store');
    return c.json({ status: ready ? 'ok' : 'unavailable', database, store, shutting_down: !accepting }, ready ? 200 : 503);
  });
  return app;
}
