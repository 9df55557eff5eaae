import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAdminInBrowser } from '../../scripts/support/admin-browser.js';
import { childEnv, startServer, type RunningServer } from '../../scripts/support/start-server.js';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';

/**
 * Live updates in a real browser: htmx 4's SSE extension swapping what the store streams.
 * These journeys run their own store (embedded, one process): its admin must set up a second
 * factor at first sign-in, which the shared store's admin may already have done in another
 * journey, and the last test stops the store with streams open.
 */
const admin = { email: 'live-owner@example.test', password: 'live updates passphrase' };
let dataDir: string;
let server: RunningServer;
let baseUrl: string;
let browser: Browser;
let adminState: Awaited<ReturnType<BrowserContext['storageState']>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-live-'));
  server = await startServer(
    childEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, SHUTDOWN_TIMEOUT_MS: '20000' }),
  );
  baseUrl = server.url;
  browser = await launchChromium();
  const context = await newContext(browser, { viewport: viewports.desktop, javaScriptEnabled: true });
  await signInAdminInBrowser(await context.newPage(), baseUrl, admin);
  adminState = await context.storageState();
  await context.close();
});
afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close()));
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A page whose uncaught errors are collected: none are expected. */
async function pageIn(options: { admin?: boolean; phone?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await newContext(browser, { viewport: options.phone ? viewports.phone : viewports.desktop, javaScriptEnabled: true, ...(options.admin ? { storageState: adminState } : {}) });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** A demo product bought as a guest with the test card; leaves the page on the order. */
async function buy(page: Page, email: string): Promise<string> {
  await page.goto(`${baseUrl}/products/automatic-espresso-machine`); // a demo product with one variant
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');
  await page.goto(`${baseUrl}/checkout`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Full name').fill('Annie Easley');
  await page.getByLabel('Address', { exact: true }).fill('5 Centaur Street');
  await page.getByLabel('City').fill('Cleveland');
  await page.getByLabel('Postal code').fill('44135');
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.waitForURL(/\/orders\/HS-[0-9A-Z]{8}\?token=/);
  return (await page.locator('[data-order-number]').textContent())!;
}

async function ship(staff: Page, orderNumber: string, tracking: string): Promise<void> {
  await staff.goto(`${baseUrl}/admin/orders/${orderNumber}`);
  await staff.getByRole('button', { name: 'Start preparing' }).click();
  await staff.getByLabel('Carrier').fill('UPS');
  await staff.getByLabel('Tracking number').fill(tracking);
  await staff.getByRole('button', { name: 'Mark shipped and e-mail the customer' }).click();
  await expect.poll(() => staff.locator('main').textContent()).toMatch(/shipped/i);
}

/** Marks the window, so a later check can tell the page was never reloaded. */
const markWindow = (page: Page) => page.evaluate('window.liveMark = 42');
const windowMark = (page: Page) => page.evaluate('window.liveMark');
/** The htmx SSE connection of the element (the extension keeps it on the element's _htmx). */
const sseOf = (selector: string) => `document.querySelector(${JSON.stringify(selector)})?._htmx?.sse`;
/** Resolves once htmx's stream for the element has answered 200. */
// Polled with evaluate (run by the browser's debugger, outside the page's CSP), not waitForFunction,
// whose string predicate the page's CSP (no 'unsafe-eval') refuses once it has to poll.
const connected = (page: Page, selector: string) => expect.poll(() => page.evaluate(`${sseOf(selector)}?.status === 200`), { timeout: 10_000 }).toBe(true);

describe('live updates in the browser', () => {
  it('the shopper’s order page shows the order shipped, without a reload, when staff ship it elsewhere', async () => {
    const { page: shopper, errors } = await pageIn({ phone: true });
    const orderNumber = await buy(shopper, 'annie.live@example.test');
    expect(await shopper.locator('[data-order-status]').getAttribute('data-order-status')).toBe('paid');
    await connected(shopper, '[data-live-order]');
    await markWindow(shopper);

    const { page: staff } = await pageIn({ admin: true });
    await ship(staff, orderNumber, '1ZLIVE0001');

    await expect.poll(() => shopper.locator('[data-order-status]').getAttribute('data-order-status'), { timeout: 10_000 }).toBe('shipped');
    expect(await shopper.locator('[data-order-tracking]').textContent()).toContain('1ZLIVE0001');
    expect(await shopper.getByRole('button', { name: /cancel/i }).count()).toBe(0);
    expect(await windowMark(shopper)).toBe(42);
    await checkA11y(shopper);
    expect(errors).toEqual([]);
  });

  it('comes back after a dropped connection and shows what changed meanwhile', async () => {
    const { page: shopper, errors } = await pageIn();
    const orderNumber = await buy(shopper, 'annie.offline@example.test');
    await connected(shopper, '[data-live-order]');
    await markWindow(shopper);

    // The connection drops (its body stops, as when a proxy or the network cuts it) while the
    // browser is offline, so htmx's reconnects fail and back off until it is online again.
    // Emulated offline alone leaves an open stream alone, hence the cancelled read.
    await shopper.context().setOffline(true);
    await shopper.evaluate(`${sseOf('[data-live-order]')}.reader.cancel()`);
    const { page: staff } = await pageIn({ admin: true });
    await ship(staff, orderNumber, '1ZLIVE0002');
    expect(await shopper.locator('[data-order-status]').getAttribute('data-order-status')).toBe('paid');
    await shopper.context().setOffline(false);

    await expect.poll(() => shopper.locator('[data-order-status]').getAttribute('data-order-status'), { timeout: 15_000 }).toBe('shipped');
    expect(await windowMark(shopper)).toBe(42);
    expect(errors).toEqual([]);
  });

  it('the dashboard lists a new order as soon as it is paid, without a reload', async () => {
    const { page: staff, errors } = await pageIn({ admin: true });
    await staff.goto(`${baseUrl}/admin`);
    await connected(staff, '[data-live-orders]');
    await markWindow(staff);

    const { page: shopper } = await pageIn({ phone: true });
    const orderNumber = await buy(shopper, 'annie.dashboard@example.test');

    await expect.poll(() => staff.locator('[data-latest-order]').first().getAttribute('data-latest-order'), { timeout: 10_000 }).toBe(orderNumber);
    expect(await windowMark(staff)).toBe(42);
    await checkA11y(staff);
    expect(errors).toEqual([]);
  });

  it('stops at once on SIGTERM with event streams open, instead of waiting for its shutdown deadline', async () => {
    const { page: staff } = await pageIn({ admin: true });
    await staff.goto(`${baseUrl}/admin`);
    await connected(staff, '[data-live-orders]');
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(5_000); // SHUTDOWN_TIMEOUT_MS is 20 s
  });
});
