import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';

const baseUrl = inject('baseUrl');
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function fillAddress(page: Page, email: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Full name').fill('Katherine Johnson');
  await page.getByLabel('Address', { exact: true }).fill('1 Trajectory Lane');
  await page.getByLabel('City').fill('Hampton');
  await page.getByLabel('Postal code').fill('23666');
  await page.getByLabel('State or region (optional)').fill('VA');
  await page.getByLabel('Country').selectOption('US');
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
] as const)('checkout %s', (_label, javaScriptEnabled) => {
  it('is declined once, then paid; the thank-you page shows the order as paid', async () => {
    const context = await newContext(browser, { viewport: javaScriptEnabled ? viewports.phone : viewports.desktop, javaScriptEnabled });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${baseUrl}/products/automatic-espresso-machine`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      if (javaScriptEnabled) await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');
      await page.goto(`${baseUrl}/cart`);
      await page.getByRole('link', { name: 'Checkout' }).click();
      await page.waitForURL(`${baseUrl}/checkout`);
      await checkA11y(page);

      await fillAddress(page, `katherine.${javaScriptEnabled ? 'js' : 'nojs'}@example.test`);
      if (javaScriptEnabled) {
        // Choosing express re-prices the summary in place.
        const before = await page.locator('[data-cart-total]').textContent();
        await page.getByLabel('Express (1–2 days)').check();
        await expect.poll(() => page.locator('[data-cart-total]').textContent()).not.toBe(before);
        await page.getByLabel('Standard (3–5 days)').check();
        await expect.poll(() => page.locator('[data-cart-total]').textContent()).toBe(before);
      }
      await page.getByLabel('Card number').fill('4000 0000 0000 0002');
      await page.getByRole('button', { name: 'Place order and pay' }).click();
      await expect.poll(() => page.locator('[role=alert]').first().textContent()).toMatch(/declined/i);
      await checkA11y(page);

      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByRole('button', { name: 'Place order and pay' }).click();
      await page.waitForURL(/\/orders\/HS-[0-9A-Z]{8}\?token=/);
      expect(await page.locator('h1').textContent()).toBe('Thank you for your order');
      expect(await page.locator('[data-order-number]').textContent()).toMatch(/^HS-[0-9A-Z]{8}$/);
      expect(await page.locator('[data-order-status]').getAttribute('data-order-status')).toBe('paid');
      expect(await page.locator('#cart-count').textContent()).toBe('0');
      await checkA11y(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
