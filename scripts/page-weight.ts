import { resolve } from 'node:path';
import type { Browser, Request } from 'playwright-core';
import { projectRoot } from '../src/lib/paths.js';
import { writeSection, kb, machineLine } from './support/benchmarks-section.js';
import { launchChromium, newStoreContext, viewports } from './support/chromium.js';
import { cartCookie, MEASURED_PRODUCT, startMeasuredStore } from './support/measured-store.js';

/**
 * `npm run weight`: what each page type costs a first-time visitor, measured in Chromium
 * against the production build on a fresh database, written into BENCHMARKS.md between the
 * weight markers. The budgets themselves are enforced by tests/integration/page-weight.test.ts.
 */
interface PageWeight {
  name: string;
  path: string;
  htmlRaw: number;
  htmlWire: number;
  htmlEncoding: string;
  cssWire: number;
  jsWire: number;
  /** Requests to the store itself, the page included. */
  ownRequests: number;
  /** Requests elsewhere (the demo catalog's remote pictures), refused in this offline run. */
  remoteRequests: number;
}

const local = (url: string) => ['127.0.0.1', 'localhost'].includes(new URL(url).hostname);

async function weigh(browser: Browser, base: string, name: string, path: string, cookie?: string): Promise<PageWeight> {
  const context = await newStoreContext(browser, { viewport: viewports.phone });
  // The production `__Host-` cookie cannot be planted for plain http: send it as a header, as Lighthouse does.
  if (cookie) await context.setExtraHTTPHeaders({ Cookie: cookie });
  const page = await context.newPage();
  const finished: Request[] = [];
  let remoteRequests = 0;
  page.on('request', (request) => {
    if (!local(request.url())) remoteRequests++;
  });
  page.on('requestfinished', (request) => finished.push(request));
  const response = await page.goto(base + path, { waitUntil: 'networkidle' });
  if (!response?.ok()) throw new Error(`${path} answered ${response?.status()}`);
  const own = finished.filter((request) => local(request.url()));
  const sizes = await Promise.all(own.map(async (request) => ({ type: request.resourceType(), body: (await request.sizes()).responseBodySize })));
  const wire = (type: string) => sizes.filter((size) => size.type === type).reduce((total, size) => total + size.body, 0);
  const weight: PageWeight = {
    name,
    path,
    htmlRaw: (await response.body()).byteLength,
    htmlWire: (await response.request().sizes()).responseBodySize,
    htmlEncoding: (await response.allHeaders())['content-encoding'] ?? 'identity',
    cssWire: wire('stylesheet'),
    jsWire: wire('script'),
    ownRequests: own.length,
    remoteRequests,
  };
  await context.close();
  return weight;
}

function report(pages: PageWeight[], started: Date): string {
  const rows = pages.map(
    (page) =>
      `| ${page.name} | \`${page.path}\` | ${page.htmlRaw.toLocaleString('en-US')} | ${page.htmlWire.toLocaleString('en-US')} (${page.htmlEncoding}) | ${kb(page.cssWire)} | ${kb(page.jsWire)} | ${page.ownRequests} | ${page.remoteRequests} |`,
  );
  return [
    '## Page weight (`npm run weight`)',
    '',
    `Written by \`npm run weight\` (scripts/page-weight.ts) on ${started.toISOString()}: each page loaded once, with an empty cache, in Chromium (${viewports.phone.width}×${viewports.phone.height}, JavaScript on) from the production build (\`NODE_ENV=production\`, test payment provider) on a fresh embedded database with the demo catalog. Machine: ${machineLine()}.`,
    '',
    'Bytes are what crossed the wire for the body (compressed as the store served it to Chromium, which offers brotli), counted by Chromium. Requests are those to the store, the page included; the demo catalog’s pictures are remote URLs, refused in this offline run and counted apart. Cart and checkout hold one unit of the measured product. Budgets (issue 9, checked on every `npm test` by tests/integration/page-weight.test.ts): JavaScript ≤ 32 KB and CSS ≤ 15 KB compressed on every page, listing HTML ≤ 35 KB raw, no third-party script before the payment step. KB = 1,024 bytes.',
    '',
    '| page | path | HTML raw (bytes) | HTML on the wire (bytes) | CSS (compressed) | JS (compressed) | requests to the store | remote pictures (refused) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

const started = new Date();
const server = await startMeasuredStore();
const browser = await launchChromium();
try {
  const home = await (await fetch(server.url)).text();
  const category = /href="(\/categories\/[a-z0-9-]+)"/.exec(home)?.[1];
  if (!category) throw new Error('the home page links to no category');
  const cookie = await cartCookie(server.url);
  const plan: [string, string, string?][] = [
    ['home', '/'],
    ['listing', '/products'],
    ['category', category],
    ['product', `/products/${MEASURED_PRODUCT}`],
    ['cart', '/cart', cookie],
    ['checkout', '/checkout', cookie],
  ];
  const pages: PageWeight[] = [];
  for (const [name, path, withCookie] of plan) {
    pages.push(await weigh(browser, server.url, name, path, withCookie));
    console.log(`${name} ${path}: ${JSON.stringify(pages.at(-1))}`);
  }
  writeSection(resolve(projectRoot, 'BENCHMARKS.md'), 'weight', report(pages, started));
  console.log('wrote the weight section of BENCHMARKS.md');
} finally {
  await browser.close();
  await server.stop();
}
