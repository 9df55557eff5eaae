import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkA11y, launchChromium, newContext, viewports } from './support/browser.js';

/**
 * Issue 3, "the URL holds the state": filter, sort and paginate a listing, then walk back
 * and forward through every state. At each stop the page must show exactly what loading
 * that URL afresh shows: results in order, checked filters, sort, page marker, heading, count.
 */

const baseUrl = inject('baseUrl');
const PAGINATION = 'nav[aria-label=Pagination]';
const settleTimeout = { timeout: 10_000, interval: 25 };

/** What a shopper sees of a listing, read in one go so no swap can land halfway through. */
interface ListingView {
  url: string;
  title: string;
  heading: string | null;
  count: string | null;
  status: string | null;
  currentPage: string | null;
  sort: string | null;
  /** What the filter form would submit now: live `checked` and `value`, not attributes. */
  form: string[];
  products: string[];
}

// The project's types carry no DOM, so the reading is plain JavaScript, run in a page on a
// document: the live one, or one parsed from the HTML the server sends for a fresh load.
const readView = `(doc, url) => {
  const text = (selector) => doc.querySelector(selector)?.textContent.replace(/\\s+/g, ' ').trim() ?? null;
  const form = doc.getElementById('listing-filters');
  const fields = form ? [...new FormData(form)].filter(([, value]) => value !== '').map(([name, value]) => name + '=' + value) : [];
  return {
    url,
    title: doc.title,
    heading: text('h1'),
    count: text('#product-results [data-result-count]'),
    status: text('#product-results [role=status]'),
    currentPage: text('${PAGINATION} [aria-current=page]'),
    sort: doc.getElementById('sort')?.value ?? null,
    form: fields.sort(),
    products: [...doc.querySelectorAll('#product-results [data-product-card] h3')].map((h3) => h3.textContent.trim()),
  };
}`;

const viewOf = (page: Page) => page.evaluate<ListingView>(`(${readView})(document, location.pathname + location.search)`);

const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

/** The form fields a URL implies: its parameters less the page number, with the default sort filled in. */
function formStateFor(path: string): string[] {
  const params = new URL(path, baseUrl).searchParams;
  const fields = [...params].filter(([name, value]) => name !== 'page' && value !== '').map(([name, value]) => `${name}=${value}`);
  if (!params.get('sort')) fields.push(`sort=${params.get('q') ? 'relevance' : 'newest'}`);
  return fields.sort();
}

/** Same-origin requests still running: a stop counts as reached only once none is left to swap in. */
function trackRequests(page: Page): () => number {
  const running = new Set<unknown>();
  const local = (url: string) => url.startsWith(baseUrl);
  page.on('request', (request) => void (local(request.url()) && running.add(request)));
  page.on('requestfinished', (request) => void running.delete(request));
  page.on('requestfailed', (request) => void running.delete(request));
  return () => running.size;
}

/** Console errors and uncaught exceptions; remote product pictures are blocked on purpose, so their failures are not. */
function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  const blockedPicture = (message: ConsoleMessage) =>
    message.text().startsWith('Failed to load resource') && !message.location().url.startsWith(baseUrl);
  page.on('console', (message) => {
    if (message.type() === 'error' && !blockedPicture(message)) errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  return errors;
}

interface Step {
  name: string;
  /** Changes the view; with JavaScript off a filter or sort change is then applied with the form's button. */
  act(page: Page): Promise<void>;
  /** Submits the filter form when JavaScript is off (links need no button). */
  submits: boolean;
  /** What the step must have put in the address. */
  expectUrl(params: URLSearchParams): void;
}

interface Flow {
  listing: string;
  start: string;
  steps: Step[];
}

// Keys, as a keyboard shopper uses them, rather than clicks: Playwright retries a click whose
// control, scrolled into view, sits under the sticky header, and that cost a second a step.
const tick = (selector: string) => async (page: Page) => page.locator(selector).press('Space');
const follow = (selector: string) => async (page: Page) => page.locator(selector).press('Enter');

const flows: Flow[] = [
  {
    listing: 'all products',
    // Eight a page so two brands give three pages.
    start: '/products?per_page=8',
    steps: [
      {
        // The category filter renames the page: heading and title follow it.
        name: 'a category',
        act: async (page) => void (await page.locator('#filter-category').selectOption('electronics')),
        submits: true,
        expectUrl: (params) => expect(params.get('category')).toBe('electronics'),
      },
      {
        name: 'a brand',
        act: tick('input[name=brand][value="Apple"]'),
        submits: true,
        expectUrl: (params) => expect(params.getAll('brand')).toEqual(['Apple']),
      },
      {
        name: 'a second brand',
        act: tick('input[name=brand][value="Samsung"]'),
        submits: true,
        expectUrl: (params) => expect(params.getAll('brand').sort()).toEqual(['Apple', 'Samsung']),
      },
      {
        name: 'in stock only',
        act: tick('#in_stock'),
        submits: true,
        expectUrl: (params) => expect(params.get('in_stock')).toBe('1'),
      },
      {
        name: 'a sort order',
        act: async (page) => void (await page.locator('#sort').selectOption('price_desc')),
        submits: true,
        expectUrl: (params) => expect(params.get('sort')).toBe('price_desc'),
      },
      {
        name: 'page 2',
        act: follow(`${PAGINATION} a[rel=next]`),
        submits: false,
        expectUrl: (params) => {
          expect(params.get('page')).toBe('2');
          expect(params.getAll('brand').sort()).toEqual(['Apple', 'Samsung']);
          expect([params.get('category'), params.get('in_stock'), params.get('sort'), params.get('per_page')]).toEqual(['electronics', '1', 'price_desc', '8']);
        },
      },
    ],
  },
  {
    listing: 'a category',
    start: '/categories/electronics',
    steps: [
      {
        name: 'a lowest price',
        act: async (page) => {
          await page.locator('#min_price').fill('100');
          await page.locator('#min_price').press('Tab');
        },
        submits: true,
        expectUrl: (params) => expect(params.get('min_price')).toBe('100'),
      },
      {
        name: 'in stock only',
        act: tick('#in_stock'),
        submits: true,
        expectUrl: (params) => expect(params.get('in_stock')).toBe('1'),
      },
      {
        name: 'a sort order',
        act: async (page) => void (await page.locator('#sort').selectOption('price_asc')),
        submits: true,
        expectUrl: (params) => expect(params.get('sort')).toBe('price_asc'),
      },
      {
        name: 'page 2',
        act: follow(`${PAGINATION} a[rel=next]`),
        submits: false,
        expectUrl: (params) => {
          expect(params.get('page')).toBe('2');
          expect([params.get('min_price'), params.get('in_stock'), params.get('sort')]).toEqual(['100', '1', 'price_asc']);
        },
      },
    ],
  },
];

const modes = [
  { mode: 'JavaScript on', js: true },
  { mode: 'JavaScript off', js: false },
];

let browser: Browser;
let parser: Page;
/** The truth for a URL: the page the server sends a browser loading it afresh, read once. */
const truths = new Map<string, ListingView>();
/** The addresses each flow went through, so the flow without JavaScript can be held to the same. */
const addresses = new Map<Flow, string[]>();
async function freshView(path: string): Promise<ListingView> {
  let view = truths.get(path);
  if (!view) {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status, path).toBe(200);
    const html = await response.text();
    view = await parser.evaluate<ListingView>(`(${readView})(new DOMParser().parseFromString(${JSON.stringify(html)}, 'text/html'), ${JSON.stringify(path)})`);
    truths.set(path, view);
  }
  return view;
}

beforeAll(async () => {
  browser = await launchChromium();
  parser = await (await browser.newContext()).newPage();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(modes)('listing history with $mode', ({ js }) => {
  it.each(flows)('filters, sorts and pages $listing, then back and forward restore each view', async (flow) => {
    const { start, steps } = flow;
    const context: BrowserContext = await newContext(browser, { viewport: viewports.desktop, javaScriptEnabled: js });
    try {
      const page = await context.newPage();
      const errors = trackErrors(page);
      const running = trackRequests(page);

      /** Waits until the page shows `expected` with no request of its own left in flight. */
      const reach = async (expected: ListingView) => {
        await expect
          .poll(async () => (running() === 0 ? viewOf(page) : undefined), settleTimeout)
          .toEqual(expected);
      };

      await page.goto(`${baseUrl}${start}`);
      if (js) await page.evaluate('window.__sameDocument = true');
      const states: ListingView[] = [await freshView(start)];
      await reach(states[0]!);
      expect(states[0]!.form).toEqual(formStateFor(start));

      for (const step of steps) {
        const before = page.url();
        await step.act(page);
        if (!js && step.submits) await page.getByRole('button', { name: 'Apply filters' }).press('Enter');
        await page.waitForURL((url) => url.href !== before);
        const path = pathOf(page.url());
        step.expectUrl(new URL(path, baseUrl).searchParams);
        const expected = await freshView(path);
        // The fresh load agrees with the address: its controls hold exactly the URL's filters and sort.
        expect(expected.form, `form after ${step.name}`).toEqual(formStateFor(path));
        expect(expected.products.length, `products after ${step.name}`).toBeGreaterThan(0);
        await reach(expected);
        expect(states.some((state) => state.url === expected.url), `${step.name} gave a new address`).toBe(false);
        states.push(expected);
      }
      const last = states.at(-1)!;
      expect(last.currentPage).toBe('Page 2');
      expect(states[0]!.products).not.toEqual(last.products);
      // htmx and the plain form GET make the same addresses, so the same pages.
      const urls = states.map((state) => state.url);
      if (addresses.has(flow)) expect(urls).toEqual(addresses.get(flow));
      else addresses.set(flow, urls);

      for (let index = states.length - 2; index >= 0; index--) {
        await page.goBack();
        await page.waitForURL(`${baseUrl}${states[index]!.url}`);
        await reach(states[index]!);
      }
      for (let index = 1; index < states.length; index++) {
        await page.goForward();
        await page.waitForURL(`${baseUrl}${states[index]!.url}`);
        await reach(states[index]!);
      }
      // With JavaScript on, htmx did it all in the one document: swaps forward, restores back.
      if (js) expect(await page.evaluate('window.__sameDocument === true')).toBe(true);

      // axe once, on the view that took the most swaps to build.
      if (js && flow === flows[0]) await checkA11y(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
