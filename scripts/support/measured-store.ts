import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, startServer, type RunningServer } from './start-server.js';

/** The catalog pages measured; the product is the one the benchmarks use. */
export const MEASURED_PRODUCT = 'automatic-espresso-machine';

/**
 * The built store as it runs in production (NODE_ENV=production, the test payment provider,
 * no dev mailbox) on a fresh embedded database, which loads the demo catalog on first start.
 * Plain http on 127.0.0.1: HSTS and secure cookies behave as they would behind a proxy's https.
 */
export async function startMeasuredStore(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-measure-'));
  const env = childEnv({
    NODE_ENV: 'production',
    PAYMENTS: 'test',
    APP_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    // One visitor at a time is measured: a 503 shed because other work on the machine slowed the
    // event loop would measure the error page instead.
    SHED_LAG_MS: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
    STRIPE_SECRET_KEY: undefined,
    STRIPE_PUBLISHABLE_KEY: undefined,
    STRIPE_WEBHOOK_SECRET: undefined,
  });
  const server = await startServer(env).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A guest's cart with one unit of the measured product: the session cookie, as `name=value`. */
export async function cartCookie(url: string): Promise<string> {
  const page = await fetch(`${url}/products/${MEASURED_PRODUCT}`);
  const html = await page.text();
  const variant = /name="variant_id"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="variant_id"/.exec(html);
  if (!page.ok || !variant) throw new Error(`no variant to add on /products/${MEASURED_PRODUCT} (${page.status})`);
  const added = await fetch(`${url}/cart/items`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: url, 'Sec-Fetch-Site': 'same-origin' },
    body: new URLSearchParams({ variant_id: variant[1] ?? variant[2]!, quantity: '1' }),
  });
  // `__Host-session` in production (Secure), `session` otherwise.
  const cookie = added.headers.getSetCookie().find((value) => /^(__Host-)?session=/.test(value));
  if (added.status !== 303 || !cookie) throw new Error(`adding to the cart answered ${added.status}`);
  return cookie.split(';')[0]!;
}
