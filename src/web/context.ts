import type { Logger } from 'pino';
import type { CatalogCache } from '../catalog/catalog-cache.js';
import type { Config } from '../config.js';
import type { DatabaseHandle, Db } from '../db/database.js';
import type { KeyValueStore } from '../store/index.js';
import type { Session, Sessions } from '../accounts/sessions.js';
import type { User } from '../db/schema-accounts.js';
import type { Mailer } from '../mail/mailer.js';
import type { PaymentProvider } from '../payments/index.js';
import type { AssetRegistry } from './assets.js';
import type { SmsSender } from '../sms/sms.js';
import type { LiveBus } from '../live/bus.js';

/** Everything the HTTP layer needs, made once at boot and handed to createApp. */
export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  database: DatabaseHandle;
  store: KeyValueStore;
  log: Logger;
  assets: AssetRegistry;
  catalog: CatalogCache;
  sessions: Sessions;
  mailer: Mailer;
  payments: PaymentProvider;
  /** Text messages (shipping updates), when an SMS provider is configured. */
  sms?: SmsSender | undefined;
  /** Live updates (order pages, the dashboard): publish after a commit, streams subscribe. */
  live: LiveBus;
  /** False once shutdown has begun, so load balancers stop sending traffic first. */
  isAcceptingTraffic: () => boolean;
}

/** Hono's per-request variables. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** Set when the handler already produced the final (compressed) bytes. */
    bodyEncoded: boolean;
    /** This response's CSP nonce, for the rare view that needs an inline script (decision 0006). */
    cspNonce: string;
    /** This answer is a page from the page cache, the same for every anonymous visitor (fast-pages.ts learns its headers). */
    sharedPage: boolean;
    /** Who may keep the page: anyone (catalog), only this browser (signed in), nobody (account screens). */
    pageCaching: 'shared' | 'private' | 'no-store';
    /** The signed-in user and their session, when there is one. */
    user: User | undefined;
    session: Session | undefined;
  };
}
