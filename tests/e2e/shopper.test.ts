import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';

const baseUrl = inject('baseUrl');
const modes = [
  { mode: 'JavaScript on', js: true },
  { mode: 'JavaScript off', js: false },
];
const sizes = Object.entries(viewports).map(([size, viewport]) => ({ size, viewport }));

type Marked = { __marker?: string };

/** Tags the current document; a full navigation loses the tag, an htmx swap keeps it. */
const markDocument = (page: Page) => page.evaluate(() => void ((globalThis as Marked).__marker = 'same document'));
const isSameDocument = async (page: Page) => (await page.evaluate(() => (globalThis as Marked).__marker)) === 'same document';

const firstCardHref = (page: Page) => page.locator('[data-product-card] a').first().getAttribute('href');
const resultCount = async (page: Page) => Number(await page.locator('[data-result-count]').textContent());
const path = (page: Page) => {
  const url = new URL(page.url());
  return url.pathname + url.search;
};

/** The price a card shows first: its current (lowest) price, before any struck-through one. */
async function cardPrices(page: Page): Promise<number[]> {
  const texts = await page.locator('[data-product-card]').allTextContents();
  return texts.map((text) => Number(/\$([\d,]+\.\d{2})/.exec(text)?.[1]?.replaceAll(',', '') ?? Number.NaN));
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(modes)('shopper with $mode', ({ js }) => {
  describe.each(sizes)('on a $size', ({ viewport }) => {
    let context: BrowserContext;
    let page: Page;
    beforeEach(async () => {
      context = await newContext(browser, { viewport, javaScriptEnabled: js });
      page = await context.newPage();
    });
    afterEach(async () => {
      await context?.close();
    });

    it('browses the listing, pages back and forth, and picks a variant', async () => {
      await page.goto(`${baseUrl}/`);
      await checkA11y(page);

      await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'All products' }).click();
      await page.waitForURL(`${baseUrl}/products`);
      await checkA11y(page);
      const pageOneFirst = await firstCardHref(page);
      expect(pageOneFirst).toMatch(/^\/products\/[a-z0-9-]+$/);
      await expect.poll(() => resultCount(page)).toBe(231);

      await markDocument(page);
      await page.locator('nav[aria-label=Pagination] a[rel=next]').click();
      await page.waitForURL(`${baseUrl}/products?page=2`);
      await expect.poll(() => firstCardHref(page)).not.toBe(pageOneFirst);
      expect(await isSameDocument(page)).toBe(js);
      expect(await page.locator('nav[aria-label=Pagination] [aria-current=page]').textContent()).toContain('2');
      await checkA11y(page);

      await page.goBack();
      await page.waitForURL(`${baseUrl}/products`);
      await expect.poll(() => firstCardHref(page)).toBe(pageOneFirst);
      await checkA11y(page);

      await page.locator('#site-search').fill('espresso');
      await page.locator('#site-search').press('Enter');
      await page.waitForURL(`${baseUrl}/products?q=espresso`);
      await checkA11y(page);

      await page.locator('[data-product-card] a[href="/products/automatic-espresso-machine"]').click();
      await page.waitForURL(`${baseUrl}/products/automatic-espresso-machine`);
      const sku = page.locator('#product-detail [data-variant-sku]');
      const picture = page.locator('#product-detail img').first();
      expect(await sku.textContent()).toBe('AUTOMATIC-ESPRESSO-MACHINE-MATTE-BLACK');
      const blackPicture = await picture.getAttribute('src');
      await checkA11y(page);

      await markDocument(page);
      const silver = page.locator('#product-detail fieldset').getByRole('link', { name: /^Silver/ });
      await silver.click();
      await page.waitForURL(/\/products\/automatic-espresso-machine\?variant=\d+$/);
      await expect.poll(() => sku.textContent()).toBe('AUTOMATIC-ESPRESSO-MACHINE-SILVER');
      expect(path(page)).toBe(await page.locator('#product-detail fieldset').getByRole('link', { name: /^Silver/ }).getAttribute('href'));
      const silverPicture = await picture.getAttribute('src');
      expect(silverPicture).not.toBe(blackPicture);
      expect(silverPicture).toContain('silver');
      expect(await page.locator('#product-detail fieldset legend').textContent()).toContain('Silver');
      expect(await isSameDocument(page)).toBe(js);
      await checkA11y(page);
    });

    it('filters the listing by brand and price', async () => {
      await page.goto(`${baseUrl}/products`);
      const apple = page.locator('input[name=brand][value="Apple"]');
      const appleCount = Number(await page.locator(`label[for="${await apple.getAttribute('id')}"] span`).last().textContent());
      expect(appleCount).toBeGreaterThan(1);

      // A slow network: the price change then arrives while the brand's request is in flight.
      await context.route(
        (url) => url.pathname === '/products' && url.search !== '',
        async (route) => {
          await sleep(300);
          await route.continue();
        },
      );
      await markDocument(page);
      // The filters show beside the products on a desktop; on a phone they start folded and the shopper opens them.
      const filters = page.locator('details[data-filters]');
      const summary = filters.locator('summary');
      const phone = viewport.width < 1024;
      expect(await page.locator('#min_price').isVisible()).toBe(!phone);
      expect(await summary.isVisible()).toBe(phone);
      if (phone) await summary.click();
      await apple.check();
      await page.locator('#min_price').fill('500');
      if (js) {
        // Checking the box and leaving the price field each fire `change`, which htmx sends.
        await page.locator('#min_price').press('Tab');
      } else {
        await page.getByRole('button', { name: 'Apply filters' }).click();
      }
      await page.waitForURL((url) => url.searchParams.get('brand') === 'Apple' && url.searchParams.get('min_price') === '500');
      await expect.poll(() => resultCount(page)).toBeLessThan(appleCount);
      expect(await resultCount(page)).toBeGreaterThan(0);
      expect(await isSameDocument(page)).toBe(js);

      for (const card of await page.locator('[data-product-card]').all()) {
        expect(await card.locator('p').first().textContent()).toBe('Apple');
      }
      for (const price of await cardPrices(page)) expect(price).toBeGreaterThanOrEqual(500);
      expect(await page.locator('#min_price').inputValue()).toBe('500');
      // After the swap the panel is as the shopper left it: shown on a desktop; open on a phone
      // with JavaScript (a full load without it folds the panel again), and still folds away.
      expect(await page.locator('#min_price').isVisible()).toBe(!phone || js);
      if (phone && js) {
        await summary.click();
        expect(await page.locator('#min_price').isVisible()).toBe(false);
        await summary.click();
      }
      await checkA11y(page);
    });

    it('explains a bad price and a missing product', async () => {
      const badPrice = await page.goto(`${baseUrl}/products?min_price=abc`);
      expect(badPrice?.status()).toBe(400);
      expect(await page.locator('#min_price-error').textContent()).toBe('Enter an amount such as 25 or 19.99.');
      // Shown, not folded away in a phone's filter panel.
      expect(await page.locator('#min_price-error').isVisible()).toBe(true);
      expect(await page.locator('#min_price').getAttribute('aria-invalid')).toBe('true');
      await checkA11y(page);

      const missing = await page.goto(`${baseUrl}/products/does-not-exist`);
      expect(missing?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page not found');
      await checkA11y(page);
    });
  });
});
