import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/lib/paths.js';
import { launchChromium, newStoreContext, viewports } from './support/chromium.js';
import { childEnv, startServer } from './support/start-server.js';

/** `npm run screenshots`: the demo store's main pages, as a reviewer sees them, into docs/screenshots/. */
const pages = [
  { name: 'home', path: '/' },
  { name: 'listing', path: '/products' },
  { name: 'product', path: '/products/automatic-espresso-machine' },
  { name: 'sign-in', path: '/login' },
  { name: 'register', path: '/register' },
];
/** Pages seen signed in, as the demo admin the server creates below. */
const accountPages = [
  { name: 'account-security', path: '/account/security' },
  { name: 'mfa-setup', path: '/account/security/mfa' },
];
const admin = { email: 'owner@example.test', password: 'screenshots only passphrase' };
const outDir = join(projectRoot, 'docs', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-screenshots-'));

const server = await startServer(childEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }));
const browser = await launchChromium();
try {
  mkdirSync(outDir, { recursive: true });
  for (const [size, viewport] of Object.entries(viewports)) {
    const context = await newStoreContext(browser, { viewport });
    const page = await context.newPage();
    for (const { name, path } of pages) {
      await page.goto(server.url + path, { waitUntil: 'load' });
      // Scroll through once so lazy pictures are requested (and, offline, show their captions).
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      await page.waitForTimeout(300);
      await page.evaluate('window.scrollTo(0, 0)');
      const file = join(outDir, `${name}-${size}.png`);
      // A phone scrolls, so the whole page tells more; a desktop shot shows the first screen.
      await page.screenshot({ path: file, fullPage: size === 'phone' });
      console.log(`wrote ${file}`);
    }
    await page.goto(`${server.url}/login`);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/account/);
    // A cart with two products and a coupon, as a shopper would fill it (emptied first: the
    // admin's cart is the same one in every window size).
    await page.goto(`${server.url}/cart`);
    const empty = page.getByRole('button', { name: 'Empty the cart' });
    if (await empty.count()) await empty.click();
    await page.waitForURL(/\/cart/);
    for (const product of ['automatic-espresso-machine', 'red-lipstick']) {
      await page.goto(`${server.url}/products/${product}`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.locator('#cart-status', { hasText: 'Added' }).waitFor();
    }
    await page.goto(`${server.url}/cart`);
    if (await page.getByLabel('Coupon code').count()) {
      await page.getByLabel('Coupon code').fill('WELCOME10');
      await page.getByRole('button', { name: 'Apply' }).click();
    }
    await page.locator('[data-cart-discount]').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(outDir, `cart-${size}.png`), fullPage: size === 'phone' });
    console.log(`wrote cart-${size}.png`);
    await page.goto(`${server.url}/checkout`);
    await page.screenshot({ path: join(outDir, `checkout-${size}.png`), fullPage: size === 'phone' });
    console.log(`wrote checkout-${size}.png`);
    for (const { name, path } of accountPages) {
      await page.goto(server.url + path, { waitUntil: 'load' });
      const file = join(outDir, `${name}-${size}.png`);
      await page.screenshot({ path: file, fullPage: size === 'phone' });
      console.log(`wrote ${file}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
