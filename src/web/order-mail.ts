import type { Config } from '../config.js';
import { createNotices, orderPath } from '../mail/messages.js';
import type { Notices } from '../mail/notices.js';

export { orderPath };

const made = new WeakMap<Readonly<Config>, Notices>();

/**
 * The store's messages for this configuration (its name, APP_URL, APP_SECRET), which commands
 * queue in their own transactions; made once per configuration.
 */
export function noticesFor(deps: { config: Readonly<Config> }): Notices {
  let notices = made.get(deps.config);
  if (!notices) {
    notices = createNotices({ storeName: deps.config.STORE_NAME, appUrl: deps.config.APP_URL, secret: deps.config.APP_SECRET, texts: Boolean(deps.config.TWILIO_ACCOUNT_SID) });
    made.set(deps.config, notices);
  }
  return notices;
}
