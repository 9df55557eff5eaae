import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
  await seedDemoCatalog(ctx.database.db);
});
afterAll(() => ctx.close());

const resultCount = async (path: string) => Number(textOf(await htmlOf(await ctx.app.request(path)), '[data-result-count]'));
const withParam = (path: string, name: string, value: string) => {
  const url = new URL(path, 'http://x');
  url.searchParams.set(name, value);
  url.searchParams.delete('page');
  return `${url.pathname}${url.search}`;
};

// Every facet value's count must be what following it then shows, whatever else is filtered.
describe.each([
  '/products',
  '/products?in_stock=1',
  '/products?q=watch',
  '/categories/electronics?max_price=500',
  '/products?brand=Apple&min_price=100',
  // A search counts its facets in its own statement, over its matches: with filters too.
  '/products?q=watch&in_stock=1&max_price=300',
  '/products?q=black&category=fashion&min_price=20',
  '/categories/home-and-kitchen?q=wood&in_stock=1',
])(
  'facet counts on %s',
  (path) => {
    it('match the listing each brand leads to', async () => {
      const page = await htmlOf(await ctx.app.request(path));
      const rows = page.querySelectorAll('.facet-list li').slice(0, 12);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const brand = row.querySelector('input')!.getAttribute('value')!;
        const count = Number(row.querySelectorAll('label span').at(-1)!.text);
        // A brand's count is its own products under the other filters (picking more brands adds up).
        expect(await resultCount(withParam(path, 'brand', brand)), `${brand} on ${path}`).toBe(count);
      }
    });

    it('match the listing each price range and the stock filter lead to', async () => {
      const page = await htmlOf(await ctx.app.request(path));
      for (const link of page.querySelectorAll('[data-price-band]')) {
        const count = Number(/\((\d+)\)$/.exec(link.text.trim())![1]);
        expect(await resultCount(link.getAttribute('href')!), link.text.trim()).toBe(count);
      }
      const inStock = Number(/\((\d+)\)/.exec(textOf(page, 'label[for=in_stock]'))![1]);
      expect(await resultCount(withParam(path, 'in_stock', '1'))).toBe(inStock);
    });

    it('count what the pages of the listing then show', async () => {
      // A listing counts its total in memory, with the facets, and fetches only the page: the
      // pages must hold exactly that many products, each once.
      const total = await resultCount(path);
      expect(total).toBeGreaterThan(0);
      const seen = new Set<string>();
      for (let page = 1; page <= Math.ceil(total / 100); page++) {
        const url = new URL(path, 'http://x');
        url.searchParams.set('per_page', '100');
        url.searchParams.set('page', String(page));
        const cards = (await htmlOf(await ctx.app.request(`${url.pathname}${url.search}`))).querySelectorAll('[data-product-card] h3 a');
        for (const card of cards) seen.add(card.getAttribute('href')!);
      }
      expect(seen.size).toBe(total);
    });

    it.runIf(path.startsWith('/products'))('match the listing each category leads to', async () => {
      const page = await htmlOf(await ctx.app.request(path));
      for (const option of page.querySelectorAll('#filter-category option').slice(1, 10)) {
        const count = Number(/\((\d+)\)$/.exec(option.text.trim())![1]);
        const url = new URL(path, 'http://x');
        url.searchParams.set('category', option.getAttribute('value')!);
        expect(await resultCount(`${url.pathname}${url.search}`), option.text.trim()).toBe(count);
      }
    });
  },
);
