import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { insertUser } from '../../support/accounts.js';
import { cookielessApi } from '../../support/api-accounts.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertCategory, insertProduct } from '../../support/factories.js';

const problem = (kind: string) => expect.objectContaining({ type: expect.stringContaining(`/problems/${kind}`) });
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field).sort();

describe('API catalog', () => {
  let ctx: TestContext;
  let apiKey: string;
  const tag = randomBytes(3).toString('hex');
  const brand = `Quill${tag}`;
  let compass: Awaited<ReturnType<typeof insertProduct>>;
  let tools: Awaited<ReturnType<typeof insertCategory>>;
  let maps: Awaited<ReturnType<typeof insertCategory>>;

  beforeAll(async () => {
    ctx = await createTestApp();
    const db = ctx.database.db;
    tools = await insertCategory(db, { slug: `tools-${tag}`, name: 'Navigation Tools' });
    maps = await insertCategory(db, { slug: `maps-${tag}`, name: 'Maps', parent_id: tools.id });
    compass = await insertProduct(
      db,
      { slug: `brass-compass-${tag}`, name: 'Brass Compass', brand, category_id: maps.id },
      [
        { sku: `CMP-${tag}-S`, price_cents: 4500, stock: 3, options: { Size: 'Small' } },
        { sku: `CMP-${tag}-L`, price_cents: 6500, stock: 40, options: { Size: 'Large' } },
        { sku: `CMP-${tag}-X`, price_cents: 9900, stock: 0, options: { Size: 'Huge' } },
      ],
      [{ url: '/media/compass.webp', alt: 'A brass compass' }],
    );
    await insertProduct(db, { slug: `sextant-${tag}`, name: 'Bronze Sextant', brand, category_id: tools.id }, [{ price_cents: 12000, stock: 0 }]);
    await insertProduct(db, { slug: `telescope-${tag}`, name: 'Field Telescope', brand: `Other${tag}` }, [{ price_cents: 2000, stock: 5 }]);
    await insertProduct(db, { slug: `withdrawn-${tag}`, name: 'Withdrawn Globe', brand, active: false }, [{ price_cents: 3000 }]);
    const admin = await insertUser(db, { role: 'admin' });
    apiKey = (await createApiKey(db, { name: 'Price comparison site', createdBy: admin.id })).key;
    await ctx.catalog.invalidate();
  });
  afterAll(async () => ctx.close());

  describe('GET /products', () => {
    it('lists products with their facets to anyone, and to an API key', async () => {
      const api = cookielessApi(ctx);
      const answer = await api.get(`/products?brand=${brand}&sort=price_asc`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ page: 1, limit: 20, total: 2, totalPages: 1 });
      expect(answer.body.items.map((item: { slug: string }) => item.slug)).toEqual([`brass-compass-${tag}`, `sextant-${tag}`]);
      expect(answer.body.items[0]).toMatchObject({
        name: 'Brass Compass',
        brand,
        price: { amount: 4500, currency: 'USD' },
        maxPrice: { amount: 9900, currency: 'USD' },
        inStock: true,
        image: { url: 'http://localhost:3000/media/compass.webp', alt: 'A brass compass' },
        singleVariantId: null,
      });
      expect(answer.body.items[1]).toMatchObject({ inStock: false, singleVariantId: expect.any(Number) });
      expect(answer.body.facets.brands).toEqual(expect.arrayContaining([{ brand, count: 2 }]));
      expect(answer.body.facets.categories).toEqual(expect.arrayContaining([expect.objectContaining({ slug: `tools-${tag}`, count: 2 }), expect.objectContaining({ slug: `maps-${tag}`, count: 1, parentId: tools.id })]));
      expect(answer.body.facets.inStock).toBe(1);

      const withKey = await api.get(`/products?brand=${brand}`, { token: apiKey });
      expect(withKey.status).toBe(200);
      expect(withKey.body.total).toBe(2);
    });

    it('filters by category (with its subcategories), price in minor units and stock, and pages', async () => {
      const api = cookielessApi(ctx);
      const inTools = await api.get(`/products?category=tools-${tag}`);
      expect(inTools.body.items.map((item: { slug: string }) => item.slug).sort()).toEqual([`brass-compass-${tag}`, `sextant-${tag}`]);
      const cheap = await api.get(`/products?brand=${brand}&brand=Other${tag}&maxPrice=4500`);
      expect(cheap.body.items.map((item: { slug: string }) => item.slug).sort()).toEqual([`brass-compass-${tag}`, `telescope-${tag}`]);
      const inStock = await api.get(`/products?brand=${brand}&inStock=true`);
      expect(inStock.body.items.map((item: { slug: string }) => item.slug)).toEqual([`brass-compass-${tag}`]);
      const paged = await api.get(`/products?brand=${brand}&sort=name&limit=1&page=2`);
      expect(paged.body).toMatchObject({ page: 2, limit: 1, total: 2, totalPages: 2 });
      expect(paged.body.items.map((item: { slug: string }) => item.slug)).toEqual([`sextant-${tag}`]);
    });

    it('searches with the shop’s typo tolerance, and answers an exact SKU with the product', async () => {
      const api = cookielessApi(ctx);
      const typo = await api.get('/products?q=sextnat');
      expect(typo.status).toBe(200);
      expect(typo.body.correctedQuery).toBe('sextant');
      expect(typo.body.items.map((item: { slug: string }) => item.slug)).toContain(`sextant-${tag}`);
      const sku = await api.get(`/products?q=CMP-${tag}-L`);
      expect(sku.body).toMatchObject({ items: [], total: 0, exactMatch: { slug: `brass-compass-${tag}`, variantId: compass.variants[1]!.id } });
    });

    it('refuses invalid filters with 400 and field errors, where the shop would drop them', async () => {
      const api = cookielessApi(ctx);
      const cases: [string, string[]][] = [
        ['/products?minPrice=12.50', ['query.minPrice']],
        ['/products?minPrice=5000&maxPrice=100', ['query.maxPrice']],
        [`/products?category=no-such-${tag}`, ['query.category']],
        ['/products?sort=cheapest', ['query.sort']],
        ['/products?limit=101', ['query.limit']],
        ['/products?page=0', ['query.page']],
        ['/products?per_page=10', ['query']],
        ['/products?inStock=maybe', ['query.inStock']],
        [`/products?q=${'a'.repeat(201)}`, ['query.q']],
      ];
      for (const [path, fields] of cases) {
        const answer = await api.get(path);
        expect(answer.status, path).toBe(400);
        expect(answer.body, path).toEqual(problem('validation'));
        expect(fieldsOf(answer.body), path).toEqual(fields);
      }
    });

    it('refuses a bad bearer token even on a public route', async () => {
      const answer = await cookielessApi(ctx).get('/products', { token: 'hsk_' + 'x'.repeat(40) });
      expect(answer.status).toBe(401);
    });
  });

  describe('GET /products/{slug}', () => {
    it('answers the product with its variants, stock as the page shows it, pictures and category', async () => {
      const answer = await cookielessApi(ctx).get(`/products/brass-compass-${tag}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: compass.product.id,
        name: 'Brass Compass',
        url: `http://localhost:3000/products/brass-compass-${tag}`,
        category: { id: maps.id, slug: `maps-${tag}`, path: [{ slug: `tools-${tag}`, name: 'Navigation Tools' }, { slug: `maps-${tag}`, name: 'Maps' }] },
        images: [{ url: 'http://localhost:3000/media/compass.webp', alt: 'A brass compass', variantId: null }],
      });
      expect(answer.body.variants).toEqual([
        expect.objectContaining({ sku: `CMP-${tag}-S`, options: { Size: 'Small' }, price: { amount: 4500, currency: 'USD' }, inStock: true, stockStatus: 'low', availableQuantity: 3 }),
        expect.objectContaining({ sku: `CMP-${tag}-L`, inStock: true, stockStatus: 'in', availableQuantity: null }),
        expect.objectContaining({ sku: `CMP-${tag}-X`, inStock: false, stockStatus: 'out', availableQuantity: null }),
      ]);
      expect(answer.headers.get('Cache-Control')).toBe('public, max-age=60');
      expect(answer.headers.get('ETag')).toMatch(/^"[\w-]{43}"$/);
    });

    it('answers 304 with no body for a matching If-None-Match, and a new ETag once the product changes', async () => {
      const api = cookielessApi(ctx);
      const first = await api.get(`/products/brass-compass-${tag}`);
      const etag = first.headers.get('ETag')!;
      const again = await api.get(`/products/brass-compass-${tag}`, { headers: { 'If-None-Match': `"other", ${etag}` } });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.get('ETag')).toBe(etag);
      const weak = await api.get(`/products/brass-compass-${tag}`, { headers: { 'If-None-Match': `W/${etag}` } });
      expect(weak.status).toBe(304);

      await ctx.database.db.updateTable('product_variants').set({ price_cents: 4700 }).where('id', '=', compass.variants[0]!.id).execute();
      await ctx.catalog.invalidate();
      const changed = await api.get(`/products/brass-compass-${tag}`, { headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('ETag')).not.toBe(etag);
      expect(changed.body.variants[0].price.amount).toBe(4700);
    });

    it('answers 404 for an unknown or withdrawn product and 400 for a malformed slug', async () => {
      const api = cookielessApi(ctx);
      expect((await api.get(`/products/no-such-${tag}`)).status).toBe(404);
      const withdrawn = await api.get(`/products/withdrawn-${tag}`);
      expect(withdrawn.status).toBe(404);
      expect(withdrawn.body).toEqual(problem('not-found'));
      const malformed = await api.get('/products/Not_A_Slug');
      expect(malformed.status).toBe(400);
      expect(fieldsOf(malformed.body)).toEqual(['path.slug']);
    });
  });

  describe('GET /categories and /search/suggest', () => {
    it('answers the category tree depth first', async () => {
      const answer = await cookielessApi(ctx).get('/categories', { token: apiKey });
      expect(answer.status).toBe(200);
      const ours = answer.body.items.filter((item: { slug: string }) => item.slug.endsWith(tag));
      expect(ours).toEqual([
        expect.objectContaining({ id: tools.id, parentId: null, name: 'Navigation Tools', depth: 0 }),
        expect.objectContaining({ id: maps.id, parentId: tools.id, name: 'Maps', depth: 1 }),
      ]);
      const all = answer.body.items.map((item: { id: number }) => item.id);
      expect(all.indexOf(maps.id)).toBeGreaterThan(all.indexOf(tools.id));
    });

    it('suggests products and categories for the words typed so far', async () => {
      const api = cookielessApi(ctx);
      const answer = await api.get('/search/suggest?q=Brass%20comp');
      expect(answer.status).toBe(200);
      expect(answer.body.products).toEqual(expect.arrayContaining([{ slug: `brass-compass-${tag}`, name: 'Brass Compass', brand, price: { amount: expect.any(Number), currency: 'USD' } }]));
      const category = await api.get('/search/suggest?q=navigat');
      expect(category.body.categories).toEqual(expect.arrayContaining([{ slug: `tools-${tag}`, name: 'Navigation Tools' }]));
      expect((await api.get('/search/suggest?q=')).body).toEqual({ products: [], categories: [] });
      const tooLong = await api.get(`/search/suggest?q=${'a'.repeat(101)}`);
      expect(tooLong.status).toBe(400);
      expect((await api.get('/search/suggest?q=a&extra=1')).status).toBe(400);
    });
  });
});
