import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertCategory, insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
let laptopSlug: string;

beforeAll(async () => {
  ctx = await createTestApp();
  const { db } = ctx.database;
  const laptops = await insertCategory(db, { slug: 'laptops', name: 'Laptops' });
  const dresses = await insertCategory(db, { slug: 'dresses', name: "Women's dresses" });
  laptopSlug = (await insertProduct(db, { name: 'Zenbook Pro', brand: 'Asus', category_id: laptops.id }, [{ sku: 'ASUS-ZEN-1' }])).product.slug;
  // Fixed SKUs throughout: SKUs are searchable, and a random one could contain what a test types.
  await insertProduct(db, { name: 'Summer Frock', description: 'Light and red.', category_id: dresses.id }, [{ sku: 'FROCK-S' }]);
  await insertProduct(db, { name: 'Espresso Machine', description: 'Makes coffee, not laptops.' }, [{ sku: 'ESP-1', options: { Color: 'Silver' } }]);
});
afterAll(() => ctx.close());

const names = async (q: string) =>
  (await htmlOf(await ctx.app.request(`/products?q=${encodeURIComponent(q)}`))).querySelectorAll('[data-product-card] h3').map((h) => h.text.trim());

describe('search', () => {
  it('finds by category words, prefixes and variant options, best match first', async () => {
    expect(await names('laptop')).toEqual(['Zenbook Pro', 'Espresso Machine']);
    expect(await names('lapt')).toContain('Zenbook Pro');
    expect(await names('red dres')).toEqual(['Summer Frock']);
    expect(await names('silver')).toEqual(['Espresso Machine']);
  });

  it('corrects a typo and says so', async () => {
    const page = await htmlOf(await ctx.app.request('/products?q=zenbok'));
    expect(page.querySelectorAll('[data-product-card]')).toHaveLength(1);
    expect(textOf(page, '[data-corrected-query]')).toBe('No products matched “zenbok”. Showing results for “zenbook” instead.');
  });

  it('offers the nearest categories when nothing matches', async () => {
    await insertCategory(ctx.database.db, { slug: 'garden-furniture', name: 'Garden furniture' });
    const page = await htmlOf(await ctx.app.request('/products?q=gardn+furnitur'));
    expect(textOf(page, '[data-result-count]')).toBe('0');
    expect(page.querySelectorAll('[data-nearby-category]').map((link) => link.getAttribute('href'))).toContain('/categories/garden-furniture');
    const unrelated = await htmlOf(await ctx.app.request('/products?q=qwxz'));
    expect(unrelated.querySelectorAll('[data-nearby-category]')).toHaveLength(0);
  });

  it('goes straight to the product for an exact SKU, in any case', async () => {
    for (const q of ['ASUS-ZEN-1', 'asus-zen-1']) {
      const response = await ctx.app.request(`/products?q=${q}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toMatch(new RegExp(`^/products/${laptopSlug}\\?variant=\\d+$`));
    }
  });

  it('treats hostile and odd text literally, never a 500 and never the whole catalog', async () => {
    for (const q of ['%', '_', '\\', "' OR 1=1--", '👗', 'فستان', '"unclosed', 'a:* & b', '!!!', 'x'.repeat(10_240)]) {
      const response = await ctx.app.request(`/products?q=${encodeURIComponent(q)}`);
      expect(response.status, q.slice(0, 20)).toBeLessThan(500);
      const count = Number(textOf(await htmlOf(response), '[data-result-count]'));
      expect(count, q.slice(0, 20)).toBeLessThan(3);
    }
  });
});
