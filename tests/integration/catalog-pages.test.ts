import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlOf, textOf } from '../support/html.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertCategory, insertProduct } from '../support/factories.js';

let ctx: TestContext;
let shoeSlug: string;
let electronicsSlug: string;

beforeAll(async () => {
  ctx = await createTestApp();
  const { db } = ctx.database;
  const electronics = await insertCategory(db, { slug: 'electronics', name: 'Electronics' });
  const phones = await insertCategory(db, { slug: 'phones', name: 'Phones', parent_id: electronics.id });
  const shoes = await insertCategory(db, { slug: 'shoes', name: 'Shoes' });
  electronicsSlug = electronics.slug;
  // 30 phones priced 1.00 … 30.00; every third one sold out; two brands.
  for (let n = 1; n <= 30; n++) {
    await insertProduct(
      db,
      { name: `Phone ${String(n).padStart(2, '0')}`, slug: `phone-${n}`, brand: n % 2 ? 'Acme' : 'Globex', category_id: phones.id, featured: n <= 3 },
      [{ price_cents: n * 100, stock: n % 3 === 0 ? 0 : 5 }],
    );
  }
  const shoe = await insertProduct(
    db,
    { name: 'Trail <Runner> & "Co"', slug: 'trail-runner', option_names: ['Color', 'Size'], brand: 'Stride', category_id: shoes.id, description: '<script>alert(1)</script>' },
    [
      { price_cents: 8900, compare_at_cents: 12000, stock: 4, sku: 'TR-RED-42', options: { Color: 'Red', Size: '42' } },
      { price_cents: 9900, stock: 0, sku: 'TR-BLU-42', options: { Color: 'Blue', Size: '42' } },
      { price_cents: 9500, stock: 7, sku: 'TR-RED-43', options: { Color: 'Red', Size: '43' } },
    ],
    [
      { url: 'https://images.example/red.webp', alt: 'Red shoe', variantIndex: 0 },
      { url: 'https://images.example/blue.webp', alt: 'Blue shoe', variantIndex: 1 },
    ],
  );
  shoeSlug = shoe.product.slug;
  await insertProduct(db, { name: 'Hidden thing', slug: 'hidden-thing', active: false, category_id: shoes.id });
});

afterAll(() => ctx.close());

const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers });
const cardCount = async (response: Response) => (await htmlOf(response)).querySelectorAll('[data-product-card]').length;
const cardNames = async (response: Response) =>
  (await htmlOf(response)).querySelectorAll('[data-product-card] h3').map((heading) => heading.text.trim());

describe('home page', () => {
  it('shows the menu, the cart count and featured products', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    const page = await htmlOf(response);
    expect(textOf(page, '#cart-count')).toBe('0');
    expect(page.querySelectorAll('nav[aria-label="Categories"] a').map((a) => a.getAttribute('href'))).toEqual(
      expect.arrayContaining(['/categories/electronics', '/categories/shoes']),
    );
    expect(textOf(page, '#featured-heading')).toBe('Featured');
    expect(page.querySelectorAll('[data-product-card]').length).toBeGreaterThanOrEqual(3);
  });
});

describe('product listing', () => {
  it('pages through active products 24 at a time with a total', async () => {
    const page = await htmlOf(await get('/products'));
    expect(textOf(page, '[data-result-count]')).toBe('31');
    expect(page.querySelectorAll('[data-product-card]')).toHaveLength(24);
    expect(page.querySelector('a[rel="next"]')?.getAttribute('href')).toBe('/products?page=2');
    const second = await get('/products?page=2');
    expect(await cardCount(second)).toBe(7);
  });

  it('never lists inactive products', async () => {
    expect(await (await get('/products?q=Hidden')).text()).not.toContain('Hidden thing');
  });

  it('filters by category including subcategories, brand, price and stock', async () => {
    expect(textOf(await htmlOf(await get('/products?category=electronics')), '[data-result-count]')).toBe('30');
    expect(textOf(await htmlOf(await get('/products?brand=Acme')), '[data-result-count]')).toBe('15');
    expect(textOf(await htmlOf(await get('/products?brand=Acme&brand=Stride')), '[data-result-count]')).toBe('16');
    expect(textOf(await htmlOf(await get('/products?min_price=5&max_price=10.00')), '[data-result-count]')).toBe('6');
    // 30 phones, 10 sold out; the shoe is in stock through its other variants.
    expect(textOf(await htmlOf(await get('/products?in_stock=1')), '[data-result-count]')).toBe('21');
    expect(await cardNames(await get('/products?q=trail'))).toEqual(['Trail <Runner> & "Co"']);
  });

  it('sorts by price both ways and by name', async () => {
    expect((await cardNames(await get('/products?sort=price_asc&per_page=3'))).slice(0, 3)).toEqual(['Phone 01', 'Phone 02', 'Phone 03']);
    expect((await cardNames(await get('/products?sort=price_desc&per_page=2'))).slice(0, 2)).toEqual(['Trail <Runner> & "Co"', 'Phone 30']);
    expect((await cardNames(await get('/products?sort=name&per_page=1')))[0]).toBe('Phone 01');
  });

  it('clamps page and per_page instead of failing', async () => {
    for (const query of ['page=-1', 'page=abc', 'page=99999999999999999999', 'per_page=1000000000', 'per_page=-5', 'sort=bogus']) {
      const response = await get(`/products?${query}`);
      expect(response.status, query).toBe(200);
    }
    expect(await cardCount(await get('/products?per_page=1000000000'))).toBe(31);
    expect(await cardCount(await get('/products?page=999'))).toBe(7);
  });

  it('answers a mistyped price with 400 and a message beside the field, not a 500', async () => {
    const response = await get('/products?min_price=abc');
    expect(response.status).toBe(400);
    const page = await htmlOf(response);
    expect(textOf(page, '#min_price-error')).toContain('Enter an amount');
    expect(page.querySelector('#min_price')?.getAttribute('aria-invalid')).toBe('true');
    expect(page.querySelectorAll('[data-product-card]').length).toBe(24);
    expect(textOf(page, '[role=alert]')).toContain('Minimum price: Enter an amount');
    expect((await get('/products?min_price=50&max_price=10')).status).toBe(400);
    const unknownCategory = await get('/products?category=no-such-thing');
    expect(unknownCategory.status).toBe(400);
    expect(textOf(await htmlOf(unknownCategory), '[role=alert]')).toContain('Category: There is no such category.');
  });

  it('answers htmx with only the results fragment, varying on HX-Request', async () => {
    const response = await get('/products?page=2', { 'HX-Request': 'true' });
    expect(response.headers.get('Vary')).toContain('HX-Request');
    const body = await response.text();
    expect(body.startsWith('<section id="product-results"')).toBe(true);
    expect(body).not.toContain('<html');
    expect(body.match(/data-product-card/g)).toHaveLength(7);
  });

  it('tells htmx about a mistyped filter inside the fragment it swaps', async () => {
    const response = await get('/products?min_price=abc', { 'HX-Request': 'true' });
    expect(response.status).toBe(400);
    const fragment = await htmlOf(response);
    expect(textOf(fragment, '#product-results [role=alert]')).toContain('Minimum price: Enter an amount');
  });

  it('escapes text from the database', async () => {
    const body = await (await get('/products?q=trail')).text();
    expect(body).toContain('Trail &lt;Runner> &amp; &#34;Co&#34;');
    expect(body).not.toContain('<Runner>');
  });
});

describe('category page', () => {
  it('lists the category and its descendants with breadcrumbs', async () => {
    const response = await get(`/categories/${electronicsSlug}`);
    expect(response.status).toBe(200);
    const page = await htmlOf(response);
    expect(textOf(page, 'h1')).toBe('Electronics');
    expect(textOf(page, '[data-result-count]')).toBe('30');
    expect(page.querySelectorAll('nav[aria-label="Subcategories"] a').map((a) => a.text.trim())).toEqual(['Phones']);
    const crumbs = await htmlOf(await get('/categories/phones'));
    expect(crumbs.querySelectorAll('nav[aria-label="Breadcrumb"] li').map((li) => li.text.trim())).toEqual(['Home', 'Electronics', 'Phones']);
  });

  it('is a 404 page for an unknown or absurd slug', async () => {
    expect((await get('/categories/nope')).status).toBe(404);
    expect((await get(`/categories/${'a'.repeat(10_000)}`)).status).toBe(404);
    expect((await get('/categories/%3Cscript%3E')).status).toBe(404);
  });
});

describe('product page', () => {
  it('shows the first in-stock variant by default with its price, SKU and picture', async () => {
    const page = await htmlOf(await get(`/products/${shoeSlug}`));
    expect(textOf(page, 'h1')).toBe('Trail <Runner> & "Co"');
    expect(textOf(page, '[data-variant-sku]')).toBe('TR-RED-42');
    expect(textOf(page, '#product-detail')).toContain('$89.00');
    expect(textOf(page, '#product-detail')).toContain('$120.00');
    expect(page.querySelector('#product-detail img')?.getAttribute('src')).toBe('https://images.example/red.webp');
    expect(textOf(page, '[data-stock-status]')).toBe('Only 4 left in stock');
  });

  it('follows the chosen variant, and its links keep the other option', async () => {
    const variants = await ctx.database.db.selectFrom('product_variants').select(['id', 'sku']).where('sku', 'like', 'TR-%').execute();
    const blue = variants.find((variant) => variant.sku === 'TR-BLU-42')!;
    const page = await htmlOf(await get(`/products/${shoeSlug}?variant=${blue.id}`));
    expect(textOf(page, '[data-variant-sku]')).toBe('TR-BLU-42');
    expect(textOf(page, '[data-stock-status]')).toBe('Sold out');
    expect(page.querySelector('#product-detail img')?.getAttribute('src')).toBe('https://images.example/blue.webp');
    const sizeLinks = page.querySelectorAll('fieldset').find((fieldset) => fieldset.text.includes('Size'))!.querySelectorAll('a');
    expect(sizeLinks.map((a) => a.querySelector('span')!.text)).toEqual(['42', '43']);
    expect(page.querySelectorAll('fieldset legend').map((legend) => legend.text.split(':')[0])).toEqual(['Color', 'Size']);
    // Blue comes only in 42, so 43 falls back to the red 43.
    const red43 = variants.find((variant) => variant.sku === 'TR-RED-43')!;
    expect(sizeLinks[1]!.getAttribute('href')).toBe(`/products/${shoeSlug}?variant=${red43.id}`);
  });

  it('answers htmx variant changes with only the detail fragment', async () => {
    const body = await (await get(`/products/${shoeSlug}`, { 'HX-Request': 'true' })).text();
    expect(body.startsWith('<div id="product-detail"')).toBe(true);
  });

  it('ignores a variant id that is not this product’s', async () => {
    for (const variant of ['999999', 'abc', '-1', '1e400']) {
      const response = await get(`/products/${shoeSlug}?variant=${variant}`);
      expect(response.status).toBe(200);
      expect(textOf(await htmlOf(response), '[data-variant-sku]')).toBe('TR-RED-42');
    }
  });

  it('escapes the description', async () => {
    const page = await htmlOf(await get(`/products/${shoeSlug}`));
    expect(textOf(page, '#about-heading + p')).toBe('<script>alert(1)</script>');
    // Only the JSON-LD block may mention it, escaped as data (tests/integration/seo.test.ts).
    const executable = page.querySelectorAll('script').filter((script) => script.getAttribute('type') !== 'application/ld+json');
    expect(executable.filter((script) => script.text.includes('alert'))).toHaveLength(0);
  });

  it('is a 404 page for unknown, inactive and absurd slugs', async () => {
    for (const slug of ['no-such-thing', 'hidden-thing', 'x'.repeat(10_240), 'UPPER', '..%2F..%2Fetc']) {
      const response = await get(`/products/${slug}`);
      expect(response.status, slug.slice(0, 20)).toBe(404);
      expect(await response.text()).toContain('Page not found');
    }
  });
});
