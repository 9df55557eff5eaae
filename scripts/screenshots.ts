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
];
const outDir = join(projectRoot, 'docs', 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-screenshots-'));

const server = await startServer(childEnv({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: undefined, REDIS_URL: undefined }));
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
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
