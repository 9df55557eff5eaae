import { chromium, type Browser, type BrowserContext, type ViewportSize } from 'playwright-core';

export const viewports = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1280, height: 800 },
} satisfies Record<string, ViewportSize>;

/** Debian's Chromium: Playwright cannot download its own browsers on this machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A context that only talks to the store: product pictures are remote URLs, and without a
 * network a page would wait on them, so they fail at once (pages must look right without them).
 */
export async function newStoreContext(
  browser: Browser,
  options: { viewport: ViewportSize; javaScriptEnabled?: boolean; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: options.viewport, javaScriptEnabled: options.javaScriptEnabled ?? true, storageState: options.storageState });
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.abort());
  return context;
}
