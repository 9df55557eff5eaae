import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { signInAdminInBrowser } from './support/admin-browser.js';
import { launchChromium, newStoreContext, viewports } from './support/chromium.js';
import { childEnv, startServer } from './support/start-server.js';

/**
 * `npm run shoot -- --out DIR /admin /admin/products …`: starts the demo store on a fresh
 * embedded database, signs in as an admin (with a second factor), and saves each path at
 * phone and desktop sizes, with JavaScript on and off, for a person to look at. `--orders N`
 * first places N paid orders through the shop's pages. `--first-screen` keeps only what the
 * window shows before any scrolling: a phone's whole page is so tall that an image viewer
 * shrinks it past reading.
 */
/** A shopper's order through the store's own pages, so the back office has something to show. */
async function placeOrder(browser: Browser, url: string, n: number): Promise<void> {
  const context = await newStoreContext(browser, { viewport: viewports.desktop, javaScriptEnabled: false });
  const page = await context.newPage();
  const products = ['automatic-espresso-machine', 'red-lipstick', 'essence-mascara-lash-princess'];
  await page.goto(`${url}/products/${products[n % products.length]}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.goto(`${url}/checkout`);
  await page.getByLabel('E-mail').fill(`shopper${n}@example.test`);
  await page.getByLabel('Full name').fill('Mary Jackson');
  await page.getByLabel('Address', { exact: true }).fill(`${n + 1} Wind Tunnel Way`);
  await page.getByLabel('City').fill('Hampton');
  await page.getByLabel('Postal code').fill('23666');
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.waitForURL(/\/orders\/HS-/);
  await context.close();
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'shots' }, orders: { type: 'string', default: '0' }, 'first-screen': { type: 'boolean', default: false } } });
const outDir = resolve(values.out!);
const admin = { email: 'owner@example.test', password: 'screenshots only passphrase' };
const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-shoot-'));
const server = await startServer(childEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }));
const browser = await launchChromium();
try {
  mkdirSync(outDir, { recursive: true });
  for (let n = 0; n < Number(values.orders); n++) await placeOrder(browser, server.url, n);
  // One sign-in (a TOTP code works once), then every window size and script setting shares its cookies.
  const first = await newStoreContext(browser, { viewport: viewports.desktop });
  await signInAdminInBrowser(await first.newPage(), server.url, admin);
  const signedIn = await first.storageState();
  await first.close();
  for (const [size, viewport] of Object.entries(viewports)) {
    for (const javaScriptEnabled of [true, false]) {
      const context = await newStoreContext(browser, { viewport, javaScriptEnabled, storageState: signedIn });
      const page = await context.newPage();
      for (const path of positionals) {
        await page.goto(server.url + path, { waitUntil: 'load' });
        const file = join(outDir, `${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}-${size}-${javaScriptEnabled ? 'js' : 'nojs'}.png`);
        await page.screenshot({ path: file, fullPage: !values['first-screen'] });
        console.log(`wrote ${file}`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
