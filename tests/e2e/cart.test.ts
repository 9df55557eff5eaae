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

const money = (text: string | null) => Math.round(Number((text ?? '').replace(/[^0-9.]/g, '')) * 100);
const badge = (page: Page) => page.locator('#cart-count').textContent();

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
] as const)('the cart %s', (_label, javaScriptEnabled) => {
  it('adds from a product page, changes quantity, applies a coupon and removes a line; badge and totals follow', async () => {
    const context = await newContext(browser, { viewport: javaScriptEnabled ? viewports.desktop : viewports.phone, javaScriptEnabled });
    const errors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${baseUrl}/products/automatic-espresso-machine`);
      expect(await badge(page)).toBe('0');
      const documentsBefore = await page.evaluate('performance.getEntriesByType("navigation").length');

      await page.getByLabel('Quantity').fill('2');
      await page.getByRole('button', { name: 'Add to cart' }).click();
      if (javaScriptEnabled) {
        // Added in place: the badge and the spoken status change, the page does not reload.
        await expect.poll(() => badge(page)).toBe('2');
        expect(await page.locator('#cart-status').textContent()).toMatch(/^Added 2 × /);
        expect(page.url()).toBe(`${baseUrl}/products/automatic-espresso-machine`);
        expect(await page.evaluate('performance.getEntriesByType("navigation").length')).toBe(documentsBefore);
        await page.locator('.cart-link').click();
        await expect.poll(() => page.locator('#mini-cart-body li').count()).toBe(1);
        await checkA11y(page);
        await page.getByRole('link', { name: 'View cart' }).click();
      }
      await page.waitForURL(/\/cart/);
      expect(await badge(page)).toBe('2');
      await checkA11y(page);

      const line = page.locator('[data-cart-line]').first();
      const unit = money(await line.locator('p', { hasText: 'each' }).textContent());
      expect(money(await page.locator('[data-cart-subtotal]').textContent())).toBe(unit * 2);

      await line.getByLabel('Quantity').fill('3');
      await line.getByRole('button', { name: 'Update' }).click();
      await expect.poll(() => badge(page)).toBe('3');
      await expect.poll(async () => money(await page.locator('[data-cart-subtotal]').textContent())).toBe(unit * 3);

      await page.getByLabel('Coupon code').fill('welcome10');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(() => page.locator('[data-cart-discount]').count()).toBe(1);
      const subtotal = money(await page.locator('[data-cart-subtotal]').textContent());
      const discount = money(await page.locator('[data-cart-discount]').textContent());
      expect(discount).toBe(Math.round((subtotal * 1000) / 10000));
      const shipping = (await page.locator('[data-cart-shipping]').textContent()) === 'Free' ? 0 : money(await page.locator('[data-cart-shipping]').textContent());
      const tax = money(await page.locator('[data-cart-tax]').textContent());
      expect(money(await page.locator('[data-cart-total]').textContent())).toBe(subtotal - discount + shipping + tax);

      await page.getByRole('button', { name: /^Remove\b/ }).first().click();
      await expect.poll(() => badge(page)).toBe('0');

      // From a listing: a card of a one-variant product adds it straight away.
      await page.goto(`${baseUrl}/categories/beauty`);
      const card = page.locator('[data-product-card]').filter({ has: page.locator('[data-add-to-cart]') }).first();
      const cardName = (await card.locator('h3').textContent())!.trim();
      await card.getByRole('button', { name: /^Add to cart/ }).click();
      if (javaScriptEnabled) {
        await expect.poll(() => badge(page)).toBe('1');
        expect(page.url()).toBe(`${baseUrl}/categories/beauty`);
        await page.goto(`${baseUrl}/cart`);
      }
      await page.waitForURL(/\/cart/);
      expect(await page.locator('[data-cart-line] a').first().textContent()).toBe(cardName);
      await page.getByRole('button', { name: /^Remove\b/ }).first().click();
      await expect.poll(() => badge(page)).toBe('0');
      expect(await page.locator('#cart').getByText('Your cart is empty.').count()).toBe(1);
      await checkA11y(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
