import type { Socket } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from './app.js';
import { createCatalogCache } from './catalog/catalog-cache.js';
import { ConfigError, loadConfig } from './config.js';
import { seedOnFirstRun } from './db/first-run.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import { createLogger } from './logger.js';
import { createStore } from './store/index.js';
import { cacheFor } from './store/json-cache.js';
import { createSessions } from './accounts/sessions.js';
import { ensureAdmin, WeakPasswordError } from './accounts/users.js';
import { createDevMailbox, createSmtpMailer } from './mail/mailer.js';
import { createOutboxWorker } from './mail/outbox-worker.js';
import { pruneSentMessages } from './mail/outbox.js';
import { createSmsSender } from './sms/sms.js';
import { createLiveBus } from './live/bus.js';
import { publishOrderChange } from './live/order-events.js';
import { remindIdleCarts } from './cart/abandoned-carts.js';
import { startJobs } from './jobs/scheduler.js';
import { createPaymentProvider } from './payments/index.js';
import { expireUnpaidOrders } from './orders/expire.js';
import { loadAssets } from './web/assets.js';
import { noticesFor } from './web/order-mail.js';
import { projectRoot } from './lib/paths.js';
import { logSlowQueries } from './db/query-timing.js';
import type { AppDeps, AppEnv } from './web/context.js';
import { metricsRoutes } from './web/routes/metrics.js';
import { lagUnderLoad, startLagSampler } from './web/load-shedding.js';
import { serverWithFastLane } from './web/fast-pages.js';

/** Boot: config → database (migrated) → store → app → listen; and an orderly shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  logSlowQueries(log, config.SLOW_QUERY_MS);
  const database = await openDatabase(config);
  await migrateToLatest(database.db);
  if (!config.DATABASE_URL) await seedOnFirstRun(database.db, log);
  const store = createStore(config.REDIS_URL, config.REDIS_PREFIX);
  const assets = loadAssets(join(projectRoot, 'public'), (name, path) => log.warn({ asset: name, path }, 'asset missing; run npm run build'));

  let accepting = true;
  const catalog = createCatalogCache(
    database.db,
    cacheFor(store, (error) => log.warn({ err: error }, 'catalog cache unavailable; reading the database directly')),
  );
  const sessions = createSessions(store);
  const mailer = config.SMTP_URL ? createSmtpMailer(config.SMTP_URL, config.MAIL_FROM ?? `${config.STORE_NAME} <no-reply@${new URL(config.APP_URL).hostname}>`) : createDevMailbox(database.db);
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const outcome = await ensureAdmin(database.db, config.ADMIN_EMAIL, config.ADMIN_PASSWORD).catch((error: unknown) => {
      if (error instanceof WeakPasswordError) throw new ConfigError([`ADMIN_PASSWORD: ${error.message}`]);
      throw error;
    });
    if (outcome === 'created') log.info('created the first admin from ADMIN_EMAIL; they set up two-step verification at first sign-in');
  }
  const payments = createPaymentProvider(config);
  const sms = createSmsSender(config);
  const live = createLiveBus(config.REDIS_URL, { topic: `${config.REDIS_PREFIX}live`, onError: (error) => log.warn({ err: error }, 'live update not delivered') });
  const deps = { config, db: database.db, database, store, log, assets, catalog, sessions, mailer, payments, sms, live, isAcceptingTraffic: () => accepting };
  // One event loop per process, so one sampler: the app sheds new requests while it lags
  // (SHED_LAG_MS) with many connections open (a lag with few is a pause, not overload).
  const lagSampler = startLagSampler();
  let openConnections = 0;
  const app = createApp(deps, { eventLoopLag: lagUnderLoad(lagSampler.lag, () => openConnections) });
  // The outbox worker is the only sender of mail and texts; everything else queues.
  const outbox = createOutboxWorker({ db: database.db, mailer, sms, log, host: new URL(config.APP_URL).hostname });
  const jobs = startJobs(
    [
      { name: 'mail-outbox', everyMs: 1_500, run: () => outbox.runOnce() },
      {
        name: 'expire-unpaid-orders',
        everyMs: 60_000,
        run: async () => {
          const outcome = await expireUnpaidOrders(database.db, payments, noticesFor({ config }));
          for (const number of outcome.expiredNumbers) await publishOrderChange(live, number, 'cancelled');
          for (const number of outcome.paidNumbers) await publishOrderChange(live, number, 'paid');
          return outcome;
        },
      },
      {
        name: 'abandoned-cart-reminders',
        everyMs: 5 * 60_000,
        run: () => remindIdleCarts(database.db, { idleHours: config.ABANDONED_CART_HOURS, notices: noticesFor({ config }) }),
      },
      { name: 'prune-sent-mail', everyMs: 60 * 60_000, run: () => pruneSentMessages(database.db) },
    ],
    log,
  );
  const server = createAdaptorServer({ fetch: app.fetch, createServer: serverWithFastLane(app.fastLane) }) as Server;
  server.on('connection', (socket: Socket) => {
    openConnections++;
    socket.once('close', () => openConnections--);
  });
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
  server.listen({ port: config.PORT, host: config.HOST, backlog: 4096 }, () => {
    log.info({ url: config.APP_URL, database: database.kind, store: store.kind }, 'hyperstore is serving');
  });
  const metricsServer = config.METRICS_PORT === undefined ? undefined : serveMetrics(deps, config.METRICS_PORT);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    accepting = false;
    live.stop(); // open event streams end now; browsers reconnect to another process
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      log.warn('shutdown deadline reached; closing remaining connections');
      server.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    // close() shuts only the connections idle at the moment it is called; one that finishes its
    // response (or its event stream) afterwards would sit in keep-alive until the deadline. So
    // idle connections are closed again until every one is gone.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    metricsServer?.close();
    lagSampler.stop();
    await jobs.stop();
    await Promise.allSettled([database.close(), store.close(), live.close()]);
    log.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** /metrics alone on an internal port (METRICS_PORT), for a scraper inside the network. */
function serveMetrics(deps: AppDeps, port: number): Server {
  const metricsApp = new Hono<AppEnv>().route('/', metricsRoutes(deps, { internal: true }));
  const server = createAdaptorServer({ fetch: metricsApp.fetch }) as Server;
  server.listen({ port, host: deps.config.HOST }, () => deps.log.info({ port }, 'metrics are served on their own port'));
  return server;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('hyperstore failed to start:', error);
  }
  process.exit(1);
});
