import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertCategory, insertProduct } from '../support/factories.js';
import { htmlOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
  const { db } = ctx.database;
  const laptops = await insertCategory(db, { slug: 'laptops', name: 'Laptops' });
  // Fixed SKUs: SKUs are searchable, and a random one could contain the digits a test types.
  await insertProduct(db, { slug: 'zenbook', name: 'Zenbook <Pro>', category_id: laptops.id }, [{ price_cents: 129_900, sku: 'ZEN-PRO' }]);
  await insertProduct(db, { slug: 'hidden', name: 'Zenbook Hidden', active: false }, [{ sku: 'ZEN-HIDDEN' }]);
});
afterAll(() => ctx.close());

const suggest = (q: string) => ctx.app.request(`/search/suggest?q=${encodeURIComponent(q)}`);

describe('GET /search/suggest', () => {
  it('answers the options of the search combobox: categories, then products', async () => {
    const fragment = await htmlOf(await suggest('lapt'));
    const options = fragment.querySelectorAll('[role=option]');
    expect(options.map((option) => option.getAttribute('data-href'))).toEqual(['/categories/laptops', '/products/zenbook']);
    expect(options.map((option) => option.id)).toEqual(['search-suggestions-0', 'search-suggestions-1']);
    expect(options[1]!.text).toContain('Zenbook <Pro>');
    expect(options[1]!.text).toContain('$1,299.00');
  });

  it('escapes names, hides inactive products and corrects typos', async () => {
    expect(await (await suggest('zenb')).text()).toContain('Zenbook &lt;Pro>');
    expect(await (await suggest('zenbook')).text()).not.toContain('Hidden');
    expect((await htmlOf(await suggest('zenbok'))).text).toContain('Showing results for “zenbook”');
  });

  it('offers categories that match when no product does, at most three, by name', async () => {
    const { db } = ctx.database;
    for (const name of ['Garden tools', 'Garden furniture', 'Gardening books', 'Garden lights']) {
      await insertCategory(db, { slug: name.toLowerCase().replace(' ', '-'), name });
    }
    await ctx.catalog.invalidate();
    const options = (await htmlOf(await suggest('gard'))).querySelectorAll('[role=option]');
    expect(options.map((option) => option.getAttribute('data-href'))).toEqual(['/categories/garden-furniture', '/categories/garden-lights', '/categories/garden-tools']);
  });

  it('answers nothing, never an error, for empty, odd or hostile text', async () => {
    for (const q of ['', '   ', '%', "' OR 1=1--", '👗', 'x'.repeat(10_240)]) {
      const response = await suggest(q);
      expect(response.status, q.slice(0, 10)).toBe(200);
      expect((await htmlOf(response)).querySelectorAll('[role=option]'), q.slice(0, 10)).toHaveLength(0);
    }
  });
});
