import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAdminInBrowser } from '../../scripts/support/admin-browser.js';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';
import { solidPng } from './support/png.js';

const baseUrl = inject('baseUrl');
let browser: Browser;
/** The admin's cookies after one sign-in with a second factor (a TOTP code works only once). */
let adminState: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  browser = await launchChromium();
  const context = await newContext(browser, { viewport: viewports.desktop, javaScriptEnabled: true });
  await signInAdminInBrowser(await context.newPage(), baseUrl, inject('admin'));
  adminState = await context.storageState();
  await context.close();
});
afterAll(async () => {
  await browser?.close();
});

/** Creates the product through its form; returns its edit page's address. */
async function createProduct(page: Page, name: string, sku: string): Promise<string> {
  await page.goto(`${baseUrl}/admin/products/new`);
  await checkA11y(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description', { exact: true }).fill('Light trail shoes with a grippy sole.');
  await page.getByLabel('Option 1 name').fill('Size');
  await page.locator('[name=v0_sku]').fill(`${sku}-42`);
  await page.locator('[name=v0_price]').fill('89.00');
  await page.locator('[name=v0_stock]').fill('5');
  // The form comes back with a second row, and a Size column now that the option is named.
  await page.getByRole('button', { name: 'Add a variant' }).click();
  await page.locator('[name=v0_option1]').fill('42');
  await page.locator('[name=v1_sku]').fill(`${sku}-43`);
  await page.locator('[name=v1_option1]').fill('43');
  await page.locator('[name=v1_price]').fill('89.00');
  await page.locator('[name=v1_stock]').fill('3');
  await page.getByRole('button', { name: 'Create product' }).click();
  await page.waitForURL(/\/admin\/products\/\d+$/);
  await expect.poll(() => page.locator('[role=status]').first().textContent()).toMatch(/saved|created/i);

  await page.locator('#image-file').setInputFiles({ name: 'trail-shoe.png', mimeType: 'image/png', buffer: solidPng(64, 48, [200, 80, 40]) });
  await page.getByLabel('Alt text (what the picture shows)').fill(`${name}, side view`);
  await page.getByRole('button', { name: 'Upload picture' }).click();
  await expect.poll(() => page.locator(`#product-images img[alt="${name}, side view"]`).count()).toBe(1);
  await checkA11y(page);
  return page.url();
}

async function buy(page: Page, productPath: string, email: string): Promise<string> {
  await page.goto(`${baseUrl}${productPath}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  // With JavaScript the add is a fetch: wait for the badge before leaving the page.
  await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');
  await page.goto(`${baseUrl}/checkout`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Full name').fill('Dorothy Vaughan');
  await page.getByLabel('Address', { exact: true }).fill('2 Langley Road');
  await page.getByLabel('City').fill('Hampton');
  await page.getByLabel('Postal code').fill('23666');
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.waitForURL(/\/orders\/HS-[0-9A-Z]{8}\?token=/);
  return (await page.locator('[data-order-number]').textContent())!;
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
] as const)('the back office %s', (label, javaScriptEnabled) => {
  it('creates a product with two variants and a picture that shoppers find, then ships their order and they see it shipped', async () => {
    const suffix = javaScriptEnabled ? 'Js' : 'Plain';
    const name = `Aurora Trail Runner ${suffix}`;
    const admin = await newContext(browser, { viewport: viewports.desktop, javaScriptEnabled, storageState: adminState });
    const shopper = await newContext(browser, { viewport: viewports.phone, javaScriptEnabled });
    const errors: string[] = [];
    try {
      const staff = await admin.newPage();
      staff.on('pageerror', (error) => errors.push(error.message));
      const editPage = await createProduct(staff, name, `ATR-${suffix.toUpperCase()}`);

      // The shop finds it at once: the save dropped the cached lists.
      const buyer = await shopper.newPage();
      buyer.on('pageerror', (error) => errors.push(error.message));
      await buyer.goto(`${baseUrl}/products?q=${encodeURIComponent(`aurora trail ${suffix}`)}`);
      const card = buyer.locator('[data-product-card]').filter({ hasText: name });
      await expect.poll(() => card.count()).toBe(1);
      const productPath = (await card.locator('a').first().getAttribute('href'))!;
      await buyer.goto(`${baseUrl}${productPath}`);
      expect(await buyer.locator(`img[alt="${name}, side view"]`).getAttribute('src')).toMatch(/^\/media\//);
      const orderNumber = await buy(buyer, productPath, `dorothy.${suffix.toLowerCase()}@example.test`);
      const orderPage = buyer.url();

      await staff.goto(`${baseUrl}/admin/orders?q=${orderNumber}`);
      await staff.getByRole('link', { name: orderNumber }).click();
      await staff.waitForURL(`${baseUrl}/admin/orders/${orderNumber}`);
      await checkA11y(staff);
      await staff.getByRole('button', { name: 'Start preparing' }).click();
      await staff.getByLabel('Carrier').fill('UPS');
      await staff.getByLabel('Tracking number').fill(`1Z${suffix.toUpperCase()}0001`);
      await staff.getByRole('button', { name: 'Mark shipped and e-mail the customer' }).click();
      await expect.poll(() => staff.locator('main').textContent()).toMatch(/shipped/i);
      await checkA11y(staff);

      await buyer.goto(orderPage);
      expect(await buyer.locator('[data-order-status]').getAttribute('data-order-status')).toBe('shipped');
      expect(await buyer.locator('main').textContent()).toContain(`1Z${suffix.toUpperCase()}0001`);
      await checkA11y(buyer);

      // Withdrawn from sale, it leaves the shop at once (and the other journeys' counts).
      await staff.goto(editPage);
      await staff.getByLabel('Active (shown in the shop)').uncheck();
      await staff.getByRole('button', { name: 'Save product' }).click();
      await expect.poll(() => staff.locator('[role=status]').first().textContent()).toMatch(/saved/i);
      expect((await buyer.goto(`${baseUrl}${productPath}`))?.status()).toBe(404);
      expect(errors, label).toEqual([]);
    } finally {
      await admin.close();
      await shopper.close();
    }
  });
});
