import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createApp, type AppOptions } from '../../src/app.js';
import { createCatalogCache, type CatalogCache } from '../../src/catalog/catalog-cache.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { projectRoot } from '../../src/lib/paths.js';
import { cacheFor } from '../../src/store/json-cache.js';
import { createSessions } from '../../src/accounts/sessions.js';
import { createDevMailbox } from '../../src/mail/mailer.js';
import { TestPaymentProvider, type PaymentProvider } from '../../src/payments/index.js';
import type { KeyValueStore } from '../../src/store/store.js';
import { loadAssets } from '../../src/web/assets.js';
import { createTestDatabase } from './db.js';
import { createTestStore } from './store.js';
import { createSmsSender, type SmsSender } from '../../src/sms/sms.js';
import { createLiveBus, type LiveBus } from '../../src/live/bus.js';

export interface TestContext {
  app: ReturnType<typeof createApp>;
  database: DatabaseHandle;
  store: KeyValueStore;
  /** Tests that change the catalog after a page was read call catalog.invalidate(), as staff screens do. */
  catalog: CatalogCache;
  /** Live updates: on real Redis (a topic of its own) when REDIS_URL is set, else in-process. */
  live: LiveBus;
  close(): Promise<void>;
}

/** The test configuration; `env` overrides its variables (e.g. NODE_ENV: 'production'). */
export const testConfig = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ NODE_ENV: 'test', DATA_DIR: mkdtempSync(join(tmpdir(), 'hyperstore-data-')), APP_SECRET: 'test-secret-'.padEnd(40, 'x'), LOG_LEVEL: 'silent', ...env });

/** A live bus of its own; apps given the same one (or the same topic on Redis) see each other's events. */
export function createTestLiveBus(topic = `hs-test:live:${randomBytes(6).toString('hex')}`): LiveBus {
  return createLiveBus(process.env.REDIS_URL, { topic });
}

/** The real application on a fresh database and store, for app.request() tests. */
export async function createTestApp(
  options: {
    accepting?: () => boolean;
    database?: DatabaseHandle;
    store?: KeyValueStore;
    env?: NodeJS.ProcessEnv;
    payments?: PaymentProvider;
    sms?: SmsSender;
    live?: LiveBus;
    /** Where the app logs; silent when not given. */
    log?: Logger;
    /** What boot passes beside the deps (an event-loop lag reading, a page cache). */
    appOptions?: AppOptions;
  } = {},
): Promise<TestContext> {
  const [database, store] = [options.database ?? (await createTestDatabase()), options.store ?? createTestStore()];
  const catalog = createCatalogCache(database.db, cacheFor(store));
  const config = testConfig(options.env);
  const live = options.live ?? createTestLiveBus();
  const app = createApp({
    config,
    db: database.db,
    database,
    store,
    log: options.log ?? pino({ level: 'silent' }),
    assets: loadAssets(join(projectRoot, 'public')),
    catalog,
    sessions: createSessions(store),
    mailer: createDevMailbox(database.db),
    payments: options.payments ?? new TestPaymentProvider(),
    sms: options.sms ?? createSmsSender(config),
    live,
    isAcceptingTraffic: options.accepting ?? (() => true),
  }, options.appOptions);
  return {
    app,
    database,
    store,
    catalog,
    live,
    close: async () => {
      await Promise.all([database.close(), store.close(), live.close()]);
    },
  };
}
