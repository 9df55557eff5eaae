import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_HEADER } from '../../../src/catalog/shopify-csv/columns.js';
import { exportCatalogCsv } from '../../../src/catalog/shopify-csv/export.js';
import type { Db } from '../../../src/db/database.js';
import { seedDemoCatalog } from '../../../src/db/seed.js';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { multipart, signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf } from '../../support/html.js';

/** The demo catalog (DummyJSON and the Spree sample), exported, imported back, and into an empty store. */

let shop: TestContext;
let admin: string;
let exported: string;
beforeAll(async () => {
  shop = await createTestApp();
  await seedDemoCatalog(shop.database.db);
  // Text a spreadsheet would run as a formula, HTML-looking text and paragraphs, an inactive product with tags and SEO fields.
  await insertProduct(
    shop.database.db,
    { slug: 'formula-test', name: '=HYPERLINK("https://evil.example","Click")', description: 'Fish & chips <b>bold</b>\nsecond line\n\nNew paragraph', brand: '@brand', active: false, tags: ['-minus', 'plain'], seo_title: '+SEO', seo_description: 'Described' },
    [{ sku: 'FORMULA-1', price_cents: 1999, compare_at_cents: 2500, stock: 3, weight_grams: 450 }],
    [{ url: '/media/abc123.webp', alt: 'Uploaded' }],
  );
  ({ cookie: admin } = await signInAdmin(shop));
  const response = await shop.app.request('/admin/products/export', { headers: { Cookie: admin } });
  expect(response.status).toBe(200);
  exported = await response.text();
});
afterAll(() => shop.close());

async function exportOf(ctx: TestContext, cookie: string): Promise<string> {
  return (await ctx.app.request('/admin/products/export', { headers: { Cookie: cookie } })).text();
}

async function importInto(ctx: TestContext, cookie: string, csv: string) {
  const uploaded = await ctx.app.request('/admin/products/import', multipart({ file: new File([csv], 'products-export.csv', { type: 'text/csv' }) }, cookie));
  expect(uploaded.status).toBe(303);
  const token = uploaded.headers.get('Location')!.split('/').at(-1)!;
  const dryRun = await htmlOf(await ctx.app.request(`/admin/products/import/${token}?show=problems`, { headers: { Cookie: cookie } }));
  return { token, dryRun };
}

async function applyAndWait(ctx: TestContext, cookie: string, token: string): Promise<string> {
  expect((await ctx.app.request('/admin/products/import', form({ token }, cookie))).status).toBe(303);
  for (let attempt = 0; attempt < 600; attempt++) {
    const html = await (await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie } })).text();
    const state = /data-import-state="(\w+)"/.exec(html)![1];
    if (state !== 'running') return state!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not finish');
}

/** Everything the CSV carries, keyed by what identifies it (not by database ids). */
async function catalogOf(db: Db) {
  const categories = await db.selectFrom('categories').select(['id', 'parent_id', 'name', 'slug']).execute();
  const byId = new Map(categories.map((category) => [category.id, category]));
  const pathOf = (id: number | null): string => {
    const category = id === null ? undefined : byId.get(id);
    return category ? [pathOf(category.parent_id), `${category.name} (${category.slug})`].filter(Boolean).join(' > ') : '';
  };
  const products = await db.selectFrom('products').select(['id', 'slug', 'name', 'description', 'brand', 'category_id', 'active', 'option_names', 'tags', 'seo_title', 'seo_description', 'price_min_cents', 'stock_total']).orderBy('slug').execute();
  const variants = await db.selectFrom('product_variants').select(['id', 'product_id', 'sku', 'options', 'price_cents', 'compare_at_cents', 'stock', 'weight_grams', 'position']).orderBy('product_id').orderBy('position').execute();
  const images = await db.selectFrom('product_images').select(['product_id', 'variant_id', 'url', 'alt', 'position']).orderBy('product_id').orderBy('position').execute();
  const skuOf = new Map(variants.map((variant) => [variant.id, variant.sku]));
  return products.map(({ id, category_id, ...product }) => ({
    ...product,
    category: pathOf(category_id),
    variants: variants.filter((variant) => variant.product_id === id).map(({ id: _id, product_id: _product, ...variant }) => variant),
    images: images.filter((image) => image.product_id === id).map(({ product_id: _product, variant_id, ...image }) => ({ ...image, variant: variant_id === null ? null : skuOf.get(variant_id) })),
  }));
}

describe('GET /admin/products/export', () => {
  it('downloads every product, active or not, as a Shopify CSV: one row per variant, image rows after', async () => {
    const response = await shop.app.request('/admin/products/export', { headers: { Cookie: admin } });
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="products-${new Date().toISOString().slice(0, 10)}.csv"`);
    const [header, ...rows] = parse(exported) as string[][];
    expect(header).toEqual([...EXPORT_HEADER]);
    const col = (name: (typeof EXPORT_HEADER)[number]) => EXPORT_HEADER.indexOf(name);
    const catalog = await catalogOf(shop.database.db);
    expect(new Set(rows.map((row) => row[col('Handle')]))).toEqual(new Set(catalog.map((product) => product.slug)));
    expect(rows.length).toBe(catalog.reduce((sum, product) => sum + Math.max(1, product.variants.length, product.images.length), 0));
    expect(rows.filter((row) => row[col('Title')] !== '').length).toBe(catalog.length);
    const espresso = rows.filter((row) => row[col('Handle')] === 'automatic-espresso-machine');
    expect(espresso[0]![col('Type')]).toBe('Appliances > Kitchen > Coffee Machines');
    expect(espresso.filter((row) => row[col('Variant SKU')] !== '').length).toBe(catalog.find((product) => product.slug === 'automatic-espresso-machine')!.variants.length);
  });

  it('escapes text a spreadsheet would run as a formula, writes Body as escaped HTML paragraphs and uploads as full addresses', () => {
    const [header, ...rows] = parse(exported) as string[][];
    const row = rows.find((candidate) => candidate[0] === 'formula-test')!;
    const cell = (name: string) => row[header!.indexOf(name)];
    expect(cell('Title')).toBe(`'=HYPERLINK("https://evil.example","Click")`);
    expect(cell('Vendor')).toBe(`'@brand`);
    expect(cell('Tags')).toBe(`'-minus, plain`);
    expect(cell('SEO Title')).toBe(`'+SEO`);
    expect(cell('Body (HTML)')).toBe('<p>Fish &amp; chips &lt;b>bold&lt;/b><br>second line</p><p>New paragraph</p>');
    expect([cell('Status'), cell('Published'), cell('Variant Price'), cell('Variant Compare At Price'), cell('Variant Grams'), cell('Variant Inventory Qty')]).toEqual(['draft', 'FALSE', '19.99', '25.00', '450', '3']);
    expect([cell('Option1 Name'), cell('Option1 Value')]).toEqual(['Title', 'Default Title']);
    expect(cell('Image Src')).toMatch(/^http:\/\/localhost:\d+\/media\/abc123\.webp$/);
  });

  it('reads the catalog in batches of products, not in one query', async () => {
    const chunks: string[] = [];
    for await (const chunk of exportCatalogCsv(shop.database.db, { appUrl: 'http://localhost:3000', batchSize: 50 })) chunks.push(chunk);
    const products = (await catalogOf(shop.database.db)).length;
    expect(chunks.length).toBe(1 + Math.ceil(products / 50));
    expect(chunks.join('')).toBe(exported.replace(/http:\/\/localhost:\d+\//g, 'http://localhost:3000/'));
  });

  it('is refused to a customer (403) and sends a visitor to sign in', async () => {
    const customer = await insertUser(shop.database.db);
    const cookie = await logIn(shop, customer.email);
    expect((await shop.app.request('/admin/products/export', { headers: { Cookie: cookie } })).status).toBe(403);
    const visitor = await shop.app.request('/admin/products/export');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get('Location')).toMatch(/^\/login\?next=/);
  });
});

describe('export → import', () => {
  it('into the same store: every product is unchanged and nothing is offered', async () => {
    const products = (await catalogOf(shop.database.db)).length;
    const { dryRun } = await importInto(shop, admin, exported);
    expect(dryRun.querySelector('[data-total="unchanged"] dd')!.text.trim()).toBe(String(products));
    for (const name of ['create', 'update', 'skipped', 'refused', 'warnings', 'categories']) expect(dryRun.querySelector(`[data-total="${name}"] dd`)!.text.trim(), name).toBe('0');
    expect(dryRun.querySelectorAll('tr[data-row]')).toHaveLength(0);
    expect(dryRun.querySelector('[data-import-apply]')).toBeNull();
  });

  it('into an empty store: the same products, variants, images, categories, tags and SEO fields, and the same export', async () => {
    const empty = await createTestApp();
    try {
      const { cookie } = await signInAdmin(empty);
      const { token, dryRun } = await importInto(empty, cookie, exported);
      expect(dryRun.querySelectorAll('tr[data-row]')).toHaveLength(0);
      expect(await applyAndWait(empty, cookie, token)).toBe('done');
      const [before, after] = [await catalogOf(shop.database.db), await catalogOf(empty.database.db)];
      expect(after).toEqual(before);
      expect(await exportOf(empty, cookie)).toBe(exported);
    } finally {
      await empty.close();
    }
  });
});
