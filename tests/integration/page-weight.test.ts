import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { form, sessionCookieFrom } from '../support/accounts.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { BUDGETS, budgetViolations, weighPage, type Requester } from '../support/page-budget.js';

// The demo catalog, as a newcomer's store has it: real names, descriptions and pictures.
let ctx: TestContext;
let cartCookie: string;
let product: { slug: string; categorySlug: string };
beforeAll(async () => {
  ctx = await createTestApp();
  await seedDemoCatalog(ctx.database.db);
  const row = await ctx.database.db
    .selectFrom('products')
    .innerJoin('product_variants', 'product_variants.product_id', 'products.id')
    .innerJoin('categories', 'categories.id', 'products.category_id')
    .select(['products.slug', 'categories.slug as categorySlug', 'product_variants.id as variantId'])
    .where('product_variants.stock', '>', 0)
    .orderBy('products.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  product = { slug: row.slug, categorySlug: row.categorySlug };
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(row.variantId), quantity: '1' }));
  expect(added.status).toBe(303);
  cartCookie = sessionCookieFrom(added)!;
}, 120_000);
afterAll(() => ctx.close());

const request: Requester = (path, init) => ctx.app.request(path, init);
const withCart = (): RequestInit => ({ headers: { Cookie: cartCookie } });

describe('page-weight budgets', () => {
  it('keep the home, listing, product and cart pages under 32 KB of JavaScript and 15 KB of CSS (brotli), the listing under 35 KB of HTML', async () => {
    const pages = [
      await weighPage(request, '/'),
      await weighPage(request, '/products'),
      await weighPage(request, `/products/${product.slug}`),
      await weighPage(request, '/cart', withCart()),
    ];
    const problems = pages.flatMap((page) => budgetViolations(page, { listing: page.path === '/products' }));
    expect(problems).toEqual([]);
    // Each page really was weighed: it loads our scripts and stylesheet, and they have a size.
    for (const page of pages) {
      expect(page.scripts.length, page.path).toBeGreaterThan(0);
      expect(page.styles.length, page.path).toBeGreaterThan(0);
      expect(page.scriptBytes, page.path).toBeGreaterThan(1_000);
      expect(page.styleBytes, page.path).toBeGreaterThan(1_000);
    }
    expect(pages[1]!.htmlBytes).toBeGreaterThan(10_000);
  });

  it('load no third-party script on any page before the payment step', async () => {
    const paths: [string, RequestInit?][] = [['/'], ['/products'], ['/products?q=mascara'], [`/categories/${product.categorySlug}`], [`/products/${product.slug}`], ['/cart', withCart()], ['/checkout', withCart()], ['/login'], ['/register']];
    for (const [path, init] of paths) {
      const page = await weighPage(request, path, init);
      expect(page.status, path).toBe(200);
      expect(page.scripts.filter((script) => script.thirdParty), path).toEqual([]);
    }
  });
});

describe('the budget checker', () => {
  // A made-up store whose pages break each budget, to show the check can fail.
  const heavy = new Hono();
  const bytes = (size: number) => new Uint8Array(size).map((_, index) => (index * 7919) % 251);
  heavy.get('/assets/big.js', (c) => c.body(bytes(BUDGETS.scriptBytes + 1)));
  heavy.get('/assets/small.js', (c) => c.body(bytes(1_000)));
  heavy.get('/assets/big.css', (c) => c.body(bytes(BUDGETS.styleBytes + 1)));
  heavy.get('/assets/lazy.js', (c) => c.body(bytes(BUDGETS.scriptBytes)));
  heavy.get('/panel', (c) => c.html('<div><script src="/assets/lazy.js"></script></div>'));
  heavy.get('/fat', (c) => c.html(`<html><head><link rel="stylesheet" href="/assets/big.css"><script src="/assets/big.js" defer></script></head><body>${'x'.repeat(BUDGETS.listingHtmlBytes)}</body></html>`));
  heavy.get('/lazy', (c) => c.html('<html><head><script src="/assets/small.js"></script></head><body><div hx-get="/panel" hx-trigger="load"></div></body></html>'));
  heavy.get('/tracked', (c) => c.html('<html><head><script src="https://tracker.example/t.js"></script><script src="/assets/small.js"></script></head></html>'));
  const heavyRequest: Requester = (path, init) => heavy.request(path, init);

  it('fails a page over the script, style and listing HTML budgets', async () => {
    const page = await weighPage(heavyRequest, '/fat');
    expect(page.scriptBytes).toBe(BUDGETS.scriptBytes + 1);
    expect(page.styleBytes).toBe(BUDGETS.styleBytes + 1);
    expect(budgetViolations(page, { listing: true })).toEqual([
      `/fat loads ${BUDGETS.scriptBytes + 1} bytes of compressed JavaScript (budget ${BUDGETS.scriptBytes})`,
      `/fat loads ${BUDGETS.styleBytes + 1} bytes of compressed CSS (budget ${BUDGETS.styleBytes})`,
      `/fat is ${page.htmlBytes} bytes of HTML (budget ${BUDGETS.listingHtmlBytes})`,
    ]);
  });

  it('counts a script that an htmx fragment loads later', async () => {
    const page = await weighPage(heavyRequest, '/lazy');
    expect(page.scripts.map((script) => script.url)).toEqual(['/assets/small.js', '/assets/lazy.js']);
    expect(budgetViolations(page)).toEqual([`/lazy loads ${BUDGETS.scriptBytes + 1_000} bytes of compressed JavaScript (budget ${BUDGETS.scriptBytes})`]);
  });

  it('refuses a third-party script except on the payment step', async () => {
    const page = await weighPage(heavyRequest, '/tracked');
    expect(budgetViolations(page)).toEqual(['/tracked loads a third-party script: https://tracker.example/t.js']);
    expect(budgetViolations(page, { paymentStep: true })).toEqual([]);
  });
});
