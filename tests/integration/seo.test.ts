import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../support/app.js';
import { insertCategory, insertProduct } from '../support/factories.js';
import { htmlOf } from '../support/html.js';
import { form, sessionCookieFrom } from '../support/accounts.js';

let ctx: TestContext;
const appUrl = 'http://localhost:3000';

beforeAll(async () => {
  ctx = await createTestApp();
  const { db } = ctx.database;
  const shoes = await insertCategory(db, { slug: 'shoes', name: 'Shoes' });
  await insertProduct(db, { slug: 'runner', name: 'Runner </script><script>alert(1)</script>', brand: 'Acme', category_id: shoes.id }, [
    { sku: 'RUN-1', price_cents: 8900, stock: 3, options: { Size: '42' } },
    { sku: 'RUN-2', price_cents: 9900, stock: 0, options: { Size: '43' } },
  ]);
  await insertProduct(db, { slug: 'walker', name: 'Walker', brand: 'Globex', category_id: shoes.id });
  await insertProduct(db, { slug: 'retired', name: 'Retired', active: false });
});
afterAll(() => ctx.close());

const page = async (path: string) => htmlOf(await ctx.app.request(path));
const structuredData = (root: Awaited<ReturnType<typeof page>>) =>
  root.querySelectorAll('script[type="application/ld+json"]').map((script) => JSON.parse(script.text) as Record<string, unknown>);

describe('product pages for search engines', () => {
  it('carry Product, Offer and BreadcrumbList data, Open Graph tags and a canonical URL', async () => {
    const root = await page('/products/runner?variant=2');
    type Product = { offers: unknown[] };
    type Breadcrumbs = { itemListElement: { name: string }[] };
    const [product, breadcrumbs] = structuredData(root) as [Product, Breadcrumbs];
    expect(product).toMatchObject({ '@type': 'Product', name: 'Runner </script><script>alert(1)</script>', brand: { name: 'Acme' }, category: 'Shoes' });
    expect(product.offers).toEqual([
      expect.objectContaining({ sku: 'RUN-1', price: '89.00', priceCurrency: 'USD', availability: 'https://schema.org/InStock' }),
      expect.objectContaining({ sku: 'RUN-2', price: '99.00', availability: 'https://schema.org/OutOfStock' }),
    ]);
    expect(breadcrumbs.itemListElement.map((item) => item.name)).toEqual(['Home', 'Shoes', 'Runner </script><script>alert(1)</script>']);
    expect(root.querySelector('link[rel=canonical]')?.getAttribute('href')).toBe(`${appUrl}/products/runner`);
    expect(root.querySelector('meta[property="og:type"]')?.getAttribute('content')).toBe('product');
    expect(root.querySelector('meta[property="og:image"]')?.getAttribute('content')).toBe('https://images.example/p.webp');
  });

  it('cannot be broken out of by a product name', async () => {
    const body = await (await ctx.app.request('/products/runner')).text();
    expect(body).toContain('"name":"Runner \\u003c/script\\u003e\\u003cscript\\u003ealert(1)');
    // Every script is either one of ours by URL or a JSON-LD block: none came from the name.
    const scripts = (await page('/products/runner')).querySelectorAll('script');
    expect(scripts.map((script) => script.getAttribute('src') ?? script.getAttribute('type'))).toEqual([
      'application/ld+json',
      'application/ld+json',
      expect.stringMatching(/^\/assets\/app\./),
      expect.stringMatching(/^\/assets\/htmx\./),
    ]);
  });
});

describe('listing pages for search engines', () => {
  it('give every spelling of one listing the same canonical URL', async () => {
    const canonical = async (path: string) => (await page(path)).querySelector('link[rel=canonical]')?.getAttribute('href');
    const expected = `${appUrl}/products?brand=Acme&brand=Globex`;
    expect(await canonical('/products?brand=Globex&brand=Acme&sort=price_asc')).toBe(expected);
    expect(await canonical('/products?sort=name&per_page=48&brand=Acme&brand=Globex')).toBe(expected);
    expect(await canonical('/categories/shoes?page=1&sort=name')).toBe(`${appUrl}/categories/shoes`);
  });

  it('keep search results out of the index but let crawlers follow them', async () => {
    expect((await page('/products?q=runner')).querySelector('meta[name=robots]')?.getAttribute('content')).toBe('noindex, follow');
    expect((await page('/products')).querySelector('meta[name=robots]')).toBeNull();
  });
});

describe('crawler files', () => {
  it('sitemap.xml lists the home page, categories and every active product', async () => {
    const response = await ctx.app.request('/sitemap.xml');
    expect(response.headers.get('Content-Type')).toContain('application/xml');
    const xml = await response.text();
    const locations = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
    expect(locations).toEqual([`${appUrl}/`, `${appUrl}/products`, `${appUrl}/categories/shoes`, `${appUrl}/products/runner`, `${appUrl}/products/walker`]);
    expect(xml).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}T/);
  });

  it('robots.txt keeps crawlers out of accounts, orders, payment steps and staff pages and points at the sitemap', async () => {
    const text = await (await ctx.app.request('/robots.txt')).text();
    const disallowed = [...text.matchAll(/^Disallow: (.+)$/gm)].map((match) => match[1]!);
    const blocked = (path: string) => disallowed.some((prefix) => path.startsWith(prefix));
    for (const path of ['/account', '/orders/HS-23456789', '/checkout/pay/HS-23456789', '/admin/orders', '/api/v1/cart']) expect(blocked(path), path).toBe(true);
    // Decision 0014: the cart and checkout may be crawled (a crawler has no cart: it sees an empty one).
    for (const path of ['/', '/products', '/cart', '/checkout']) expect(blocked(path), path).toBe(false);
    expect(text).toContain(`Sitemap: ${appUrl}/sitemap.xml`);
  });

  it('the cart and checkout pages do not ask to stay out of the index; account pages do', async () => {
    // The page itself (200, its own title), then its robots meta: an error page or a redirect has none either.
    const robotsOf = async (path: string, title: RegExp, cookie = '') => {
      const response = await ctx.app.request(path, { headers: { Cookie: cookie } });
      expect(response.status, path).toBe(200);
      const root = await htmlOf(response);
      expect(root.querySelector('title')?.text, path).toMatch(title);
      return root.querySelector('meta[name=robots]')?.getAttribute('content');
    };
    const runner = await ctx.database.db.selectFrom('product_variants').select('id').where('sku', '=', 'RUN-1').executeTakeFirstOrThrow();
    const cookie = sessionCookieFrom(await ctx.app.request('/cart/items', form({ variant_id: String(runner.id), quantity: '1' })))!;
    expect(await robotsOf('/cart', /^Your cart/)).toBeUndefined();
    expect(await robotsOf('/cart', /^Your cart/, cookie)).toBeUndefined();
    expect(await robotsOf('/checkout', /^Checkout/, cookie)).toBeUndefined();
    expect(await robotsOf('/login', /^Sign in/)).toBe('noindex');
  });
});
