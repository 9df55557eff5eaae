import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page, ViewportSize } from 'playwright-core';
import { newStoreContext } from '../../../scripts/support/chromium.js';

export { launchChromium, viewports } from '../../../scripts/support/chromium.js';

const scriptless = new WeakSet<BrowserContext>();

/** A fresh store context (remote images blocked), remembered when JavaScript is off. */
export async function newContext(
  browser: Browser,
  options: { viewport: ViewportSize; javaScriptEnabled: boolean; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> },
): Promise<BrowserContext> {
  const context = await newStoreContext(browser, options);
  if (!options.javaScriptEnabled) scriptless.add(context);
  return context;
}

/** Runs axe on the page as it is now; any violation fails, listed so it can be fixed from the message. */
export async function checkA11y(page: Page): Promise<void> {
  const { violations } = scriptless.has(page.context()) ? await analyzeSnapshot(page) : await new AxeBuilder({ page }).analyze();
  if (!violations.length) return;
  const lines = violations.flatMap((violation) => [
    `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}`,
    ...violation.nodes.map((node) => `    ${node.target.join(' ')}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
  ]);
  throw new Error(`axe found ${violations.length} violation(s) on ${page.url()}:\n${lines.join('\n')}`);
}

/**
 * axe needs timers, which never fire where JavaScript is off. So it checks a copy of the
 * page's DOM, served at the same URL (styles load as before) in a context whose own
 * scripts are blocked, so nothing changes what a shopper without JavaScript sees.
 */
async function analyzeSnapshot(page: Page) {
  const [html, url, viewport, browser] = [await page.content(), page.url(), page.viewportSize(), page.context().browser()];
  if (!viewport || !browser) throw new Error('checkA11y needs a page with a viewport in a launched browser');
  const context = await newStoreContext(browser, { viewport });
  try {
    await context.route((candidate) => candidate.href === url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
    await context.route('**/*.js', (route) => route.abort());
    const copy = await context.newPage();
    await copy.goto(url);
    return await new AxeBuilder({ page: copy }).analyze();
  } finally {
    await context.close();
  }
}
