import type { Browser } from 'playwright-core';
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

describe.each(Object.entries(viewports))('header search on a %s', (_size, viewport) => {
  it('suggests as one types and opens a suggestion chosen with the keyboard', async () => {
    const context = await newContext(browser, { viewport, javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/products`);
      const box = page.getByRole('combobox', { name: 'Search products' });
      await box.pressSequentially('espres', { delay: 40 });
      const options = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
      await expect.poll(() => options.count()).toBeGreaterThanOrEqual(2);
      expect(await box.getAttribute('aria-expanded')).toBe('true');
      expect(await page.locator('[data-suggestion-status]').textContent()).toMatch(/^\d+ suggestions\./);
      await checkA11y(page);

      await box.press('ArrowDown');
      await box.press('ArrowDown');
      const activeId = await box.getAttribute('aria-activedescendant');
      const chosen = page.locator(`#${activeId}`);
      expect(await chosen.getAttribute('aria-selected')).toBe('true');
      const href = await chosen.getAttribute('data-href');
      await box.press('Enter');
      await page.waitForURL(`${baseUrl}${href}`);
      expect(await page.locator('h1').textContent()).toContain('Espresso Machine');

      // Escape closes the list; the box keeps what was typed.
      await page.getByRole('combobox', { name: 'Search products' }).pressSequentially('toast', { delay: 40 });
      await expect.poll(() => page.getByRole('option').count()).toBeGreaterThan(0);
      await page.keyboard.press('Escape');
      expect(await page.getByRole('combobox', { name: 'Search products' }).getAttribute('aria-expanded')).toBe('false');
    } finally {
      await context.close();
    }
  });
});

describe('header search without JavaScript', () => {
  it('submits to the listing, corrects a typo, and an exact SKU opens its product', async () => {
    const context = await newContext(browser, { viewport: viewports.desktop, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await page.getByRole('combobox', { name: 'Search products' }).fill('iphnoe');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/\/products\?q=iphnoe/);
      expect(await page.locator('[data-corrected-query]').textContent()).toContain('“iphone”');
      expect(await page.locator('[data-product-card]').count()).toBeGreaterThan(0);
      await checkA11y(page);

      await page.getByRole('combobox', { name: 'Search products' }).fill('AUTOMATIC-ESPRESSO-MACHINE-SILVER');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/\/products\/automatic-espresso-machine\?variant=\d+$/);
      expect(await page.locator('[data-variant-sku]').textContent()).toBe('AUTOMATIC-ESPRESSO-MACHINE-SILVER');
    } finally {
      await context.close();
    }
  });
});
