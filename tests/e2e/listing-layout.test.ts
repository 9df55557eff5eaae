import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, newContext, viewports } from './support/browser.js';

/**
 * The listing is laid out once: what the first paint shows is where everything stays. A script
 * that folded the filter panel after the first paint once moved a phone's results by a whole
 * screen (Lighthouse's Cumulative Layout Shift 0.49, its Performance 78).
 */
const baseUrl = inject('baseUrl');
const sizes = { ...viewports, 'Lighthouse phone': { width: 412, height: 823 }, 'tall phone': { width: 390, height: 844 } };

type Shifted = { __layoutShift?: number };

/**
 * Counted from the first byte: layout shifts that no input caused, summed as CLS sums them.
 * A string, as it runs in the page: Node's types know no 'layout-shift' entries.
 */
const sumLayoutShifts = `
  globalThis.__layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) globalThis.__layoutShift += entry.value;
  }).observe({ type: 'layout-shift', buffered: true });
`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Where the results start, once the page has loaded and its scripts have run. */
const resultsTop = (page: Page) => page.locator('#product-results').evaluate((results) => results.getBoundingClientRect().top);

describe.each(Object.entries(sizes))('the listing on a %s', (_size, viewport) => {
  it('does not move after the first paint, and sits where it does without JavaScript', async () => {
    const context = await newContext(browser, { viewport, javaScriptEnabled: true });
    try {
      await context.addInitScript({ content: sumLayoutShifts });
      const page = await context.newPage();
      // Lighthouse's phone CPU: scripts run late enough after the first paint for a shift to show.
      await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(`${baseUrl}/products`, { waitUntil: 'load' });
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => (globalThis as Shifted).__layoutShift)).toBeLessThan(0.01);

      const scriptless = await newContext(browser, { viewport, javaScriptEnabled: false });
      try {
        const plain = await scriptless.newPage();
        await plain.goto(`${baseUrl}/products`);
        expect(await resultsTop(page)).toBe(await resultsTop(plain));
      } finally {
        await scriptless.close();
      }
    } finally {
      await context.close();
    }
  });
});
