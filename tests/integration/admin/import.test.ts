import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { multipart, signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let cookie: string;
let adminId: number;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ cookie, admin: { id: adminId } } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const EDGE_CASES = readFileSync(new URL('../../fixtures/shopify-csv-edgecases/products.csv', import.meta.url));
const HEADER = 'Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Image Position,Image Alt Text,SEO Title,SEO Description,Status';
const db = () => ctx.database.db;

/** Uploads a file for a dry run; returns the token from the redirect. */
async function upload(content: string | Uint8Array, name = 'products.csv', as = cookie): Promise<string> {
  const response = await ctx.app.request('/admin/products/import', multipart({ file: new File([content], name, { type: 'text/csv' }) }, as));
  expect(response.status, await response.clone().text()).toBe(303);
  const location = response.headers.get('Location')!;
  expect(location).toMatch(/^\/admin\/products\/import\/[A-Za-z0-9_-]{32}$/);
  return location.split('/').at(-1)!;
}

interface ShownRow {
  row: number;
  handle: string;
  sku: string;
  outcome: string;
  notes: string;
}

async function dryRun(token: string, query = '') {
  const response = await ctx.app.request(`/admin/products/import/${token}${query}`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  const root = await htmlOf(response);
  const rows: ShownRow[] = root.querySelectorAll('tr[data-row]').map((tr) => {
    const cells = tr.querySelectorAll('td').map((td) => td.text.replace(/\s+/g, ' ').trim());
    const notes = tr.querySelectorAll('td li').map((li) => li.text.replace(/\s+/g, ' ').trim());
    return { row: Number(tr.getAttribute('data-row')), handle: cells[0]!, sku: cells[1]!, outcome: tr.getAttribute('data-outcome')!, notes: notes.join(' ') };
  });
  const total = (name: string) => Number(textOf(root, `[data-total="${name}"] dd`));
  return { root, rows, total, button: root.querySelector('[data-import-apply]')?.text.trim() };
}

async function apply(token: string) {
  const response = await ctx.app.request('/admin/products/import', form({ token }, cookie));
  expect(response.status).toBe(303);
  expect(response.headers.get('Location')).toBe(`/admin/products/import/${token}/status`);
  return waitForImport(token);
}

async function waitForImport(token: string) {
  for (let attempt = 0; attempt < 400; attempt++) {
    const response = await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie } });
    const html = await response.text();
    const state = /data-import-state="(\w+)"/.exec(html)?.[1];
    if (state !== 'running') return { state, html };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import did not finish');
}

async function catalogCounts() {
  const count = async (table: 'products' | 'product_variants' | 'product_images' | 'categories') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const audits = await db().selectFrom('audit_events').select('id').where('action', '=', 'catalog.imported').execute();
  return { products: await count('products'), variants: await count('product_variants'), images: await count('product_images'), categories: await count('categories'), audits: audits.length };
}

describe('the edge-case file (solidus_importer fixture)', () => {
  let token: string;

  it('dry-runs row by row as its README describes, and changes nothing', async () => {
    const before = await catalogCounts();
    token = await upload(EDGE_CASES);
    const { rows, total, button } = await dryRun(token);
    expect(rows.map((row) => [row.row, row.outcome, row.sku])).toEqual([
      [2, 'create', ''],
      [3, 'create', ''],
      [4, 'create', ''],
      [5, 'create', ''],
      [6, 'create', 'a-123'],
      [7, 'create', 'a-456'],
      [8, 'create', 'b-001'],
    ]);
    expect(rows.every((row) => row.handle === 'hightop-sports-sneaker')).toBe(true);
    expect(rows[0]!.notes).toContain('New category "Footwear" will be created.');
    expect(rows[3]!.notes).toMatch(/^Warning: Nothing on this row is imported \(it holds only Metafield Namespace, Metafield Key, Metafield Value, Metafield Value Type\)/);
    expect(rows[4]!.notes).toBe('');
    expect(rows[5]!.notes).toContain('Warning: Variant Compare At Price 15.00 is not above the price 20.00: ignored');
    expect(rows[6]!.notes).toContain('Warning: Variant Compare At Price 15.00 is not above the price 30.00: ignored');
    expect([total('create'), total('update'), total('unchanged'), total('skipped'), total('refused'), total('warnings'), total('categories')]).toEqual([1, 0, 0, 0, 0, 3, 1]);
    expect(button).toBe('Import these 1 product');
    expect(await catalogCounts()).toEqual(before);
  });

  it('applies exactly that product: three variants, three images, stock recorded as the import', async () => {
    const { state, html } = await apply(token);
    expect(state).toBe('done');
    expect(html).toContain('Import finished: 7 rows read, 1 product created, 0 updated.');
    const product = await db().selectFrom('products').selectAll().where('slug', '=', 'hightop-sports-sneaker').executeTakeFirstOrThrow();
    expect(product).toMatchObject({
      name: 'Mens Casual Hightop Sports Shoe',
      description: 'Versatile show for athletic wear including running, basketball, and racquet sports',
      brand: 'Acme Shoe Co.',
      active: true,
      option_names: ['Color', 'Size'],
      tags: ['Hightop', 'Sports', 'Mens', 'Shoe'],
      seo_title: null,
      seo_description: null,
    });
    const category = await db().selectFrom('categories').selectAll().where('id', '=', product.category_id!).executeTakeFirstOrThrow();
    expect(category).toMatchObject({ name: 'Footwear', slug: 'footwear', parent_id: null });
    const variants = await db().selectFrom('product_variants').selectAll().where('product_id', '=', product.id).orderBy('position').execute();
    expect(variants.map((v) => [v.sku, v.options, v.price_cents, v.compare_at_cents, v.stock, v.weight_grams, v.position])).toEqual([
      ['a-123', { Color: 'White', Size: '9.5' }, 1000, 1200, 100, 264, 0],
      ['a-456', { Color: 'Black', Size: '10' }, 2000, null, 150, 345, 1],
      ['b-001', { Color: 'Blue', Size: '6' }, 3000, null, 150, 345, 2],
    ]);
    const images = await db().selectFrom('product_images').selectAll().where('product_id', '=', product.id).orderBy('position').execute();
    // Image Position 1, 3, 4 (written 3, 4, 1); each variant's Variant Image takes the next free copy of the same address.
    expect(images.map((image) => [image.alt, image.position, image.variant_id, image.storage_key])).toEqual([
      ['hightop sole view', 0, variants[0]!.id, null],
      ['hightop front view', 1, variants[1]!.id, null],
      ['hightop side view', 2, variants[2]!.id, null],
    ]);
    expect(images.every((image) => image.url === 'https://cdn.shopify.com/shopify-marketing_assets/static/tobias-lutke-shopify.jpg')).toBe(true);
    const movements = await db().selectFrom('stock_movements').selectAll().where('variant_id', 'in', variants.map((v) => v.id)).orderBy('variant_id').execute();
    expect(movements.map((m) => [m.delta, m.reason, m.actor_user_id, m.note])).toEqual([
      [100, 'import', adminId, 'products.csv'],
      [150, 'import', adminId, 'products.csv'],
      [150, 'import', adminId, 'products.csv'],
    ]);
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'catalog.imported').executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(adminId);
    expect(audit.details).toMatchObject({ file: 'products.csv', rows: 7, created: 1, updated: 0, unchanged: 0, skipped: 0, categoriesCreated: 1, refused_rows: 0 });
    const page = await ctx.app.request('/products/hightop-sports-sneaker');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Mens Casual Hightop Sports Shoe');
  });

  it('finds every row unchanged when the same file comes again, and offers nothing to import', async () => {
    const before = await catalogCounts();
    const { rows, total, root } = await dryRun(await upload(EDGE_CASES));
    expect(rows.map((row) => row.outcome)).toEqual(Array(7).fill('unchanged'));
    expect([total('create'), total('update'), total('unchanged')]).toEqual([0, 0, 1]);
    expect(root.text).toContain('Nothing to import');
    expect(await catalogCounts()).toEqual(before);
  });

  it('keeps a dry run for the admin who made it: another admin gets a 404 and cannot apply it', async () => {
    const token = await upload(EDGE_CASES);
    const other = await signInAdmin(ctx, 'Hedy');
    expect((await ctx.app.request(`/admin/products/import/${token}`, { headers: { Cookie: other.cookie } })).status).toBe(404);
    expect((await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: other.cookie } })).status).toBe(404);
    const applied = await ctx.app.request('/admin/products/import', form({ token }, other.cookie));
    expect(applied.status).toBe(404);
    expect(await applied.text()).toContain('That dry run is no longer kept');
  });
});

describe('messy input', () => {
  const messy = () =>
    '\uFEFF' +
    [
      HEADER,
      // HTML with a quoted newline and commas in Body; Type as a path; Status draft
      'kettle,Steel Kettle,"<p>Boils <b>fast</b>, quietly.</p>\r\n<ul><li>1.7 l</li><li>Auto, off</li></ul><script>alert(1)</script>",Brewco,Kitchen > Kettles,"tea, Kitchen ,tea",TRUE,Colour,Silver,,,KET-1,1200,-3,39.90,49.90,https://img.example/kettle.jpg,1,A kettle,Kettle SEO,Boils fast,draft',
      'kettle,,,,,,,,Black,,,,1200,5,42.00,,,,,,,',
      // a missing price refuses its row, and so skips the whole product
      'teapot,Teapot,Round,,Kitchen > Teapots,,TRUE,Title,Default Title,,,POT-1,,4,,,,,,,,',
      // duplicate handle in a separate group: the product is skipped, both groups
      'mug,Mug,,,,,TRUE,Title,Default Title,,,MUG-1,,1,5.00,,,,,,,',
      'spoon,Spoon,,,,,TRUE,Title,Default Title,,,SPN-1,,1,2.00,,,,,,,',
      'mug,,,,,,,,,,,MUG-2,,1,6.00,,,,,,,',
      // a SKU another product has, and a price that is not a number
      'plate,Plate,,,,,TRUE,Size,Small,,,TAKEN-1,,1,3.00,,,,,,,',
      'bowl,Bowl,,,,,TRUE,Title,Default Title,,,BWL-1,,1,abc,,,,,,,',
      'Fancy Cup!,Fancy Cup,,,,,,Title,Default Title,,,,,2,7.50,,,,,,,',
    ].join('\r\n');

  it('reads BOM, CRLF, quoted HTML and reports every refusal with its reason; nothing changes', async () => {
    const taken = await insertProduct(db(), { slug: 'other-thing' }, [{ sku: 'TAKEN-1', price_cents: 100 }]);
    const before = await catalogCounts();
    const { rows, total } = await dryRun(await upload(messy(), 'messy.csv'));
    const byRow = new Map(rows.map((row) => [row.row, row]));
    expect(rows.map((row) => [row.row, row.handle, row.outcome])).toEqual([
      [2, 'kettle', 'create'],
      [3, 'kettle', 'create'],
      [4, 'teapot', 'refused'],
      [5, 'mug', 'skipped'],
      [6, 'spoon', 'create'],
      [7, 'mug', 'refused'],
      [8, 'plate', 'refused'],
      [9, 'bowl', 'refused'],
      [10, 'Fancy Cup!', 'create'],
    ]);
    expect(byRow.get(2)!.notes).toContain('Warning: Variant Inventory Qty -3 is below zero: stock set to 0.');
    expect(byRow.get(2)!.notes).toContain('New category "Kitchen > Kettles" will be created.');
    expect(byRow.get(4)!.notes).toContain('Refused: Variant Price is missing: every variant needs a price.');
    expect(byRow.get(5)!.notes).toContain('Skipped with its product: row 7 of mug was refused.');
    expect(byRow.get(7)!.notes).toContain('Refused: Handle mug already appeared on row 5, before other products');
    expect(byRow.get(8)!.notes).toContain(`Refused: Variant SKU TAKEN-1 belongs to another product (${taken.product.slug}).`);
    expect(byRow.get(9)!.notes).toContain('Refused: Variant Price "abc" is not an amount like 12.50.');
    expect(byRow.get(10)!.notes).toContain('Handle "Fancy Cup!" is used as fancy-cup.');
    expect(byRow.get(10)!.notes).toContain('No Variant SKU: this variant gets the SKU fancy-cup.');
    expect(byRow.get(10)!.sku).toBe('fancy-cup');
    expect([total('create'), total('skipped'), total('refused'), total('categories')]).toEqual([3, 4, 4, 2]);
    expect(await catalogCounts()).toEqual(before);
  });

  it('writes the products it can and none of the skipped ones', async () => {
    const { state } = await apply(await upload(messy(), 'messy.csv'));
    expect(state).toBe('done');
    const slugs = (await db().selectFrom('products').select('slug').where('slug', 'in', ['kettle', 'teapot', 'mug', 'spoon', 'plate', 'bowl', 'fancy-cup']).orderBy('slug').execute()).map((row) => row.slug);
    expect(slugs).toEqual(['fancy-cup', 'kettle', 'spoon']);
    const kettle = await db().selectFrom('products').selectAll().where('slug', '=', 'kettle').executeTakeFirstOrThrow();
    expect(kettle).toMatchObject({ name: 'Steel Kettle', description: 'Boils fast, quietly.\n\n• 1.7 l\n• Auto, off', brand: 'Brewco', active: false, tags: ['tea', 'Kitchen'], seo_title: 'Kettle SEO', seo_description: 'Boils fast', option_names: ['Colour'] });
    const path = await db().selectFrom('categories as c').innerJoin('categories as parent', 'parent.id', 'c.parent_id').select(['c.name', 'parent.name as parent']).where('c.id', '=', kettle.category_id!).executeTakeFirstOrThrow();
    expect(path).toEqual({ name: 'Kettles', parent: 'Kitchen' });
    const variants = await db().selectFrom('product_variants').selectAll().where('product_id', '=', kettle.id).orderBy('position').execute();
    expect(variants.map((v) => [v.sku, v.options, v.price_cents, v.compare_at_cents, v.stock, v.weight_grams])).toEqual([
      ['KET-1', { Colour: 'Silver' }, 3990, 4990, 0, 1200],
      ['kettle-black', { Colour: 'Black' }, 4200, null, 5, 1200],
    ]);
    expect(await db().selectFrom('product_variants').select('product_id').where('sku', '=', 'TAKEN-1').executeTakeFirstOrThrow()).not.toMatchObject({ product_id: kettle.id });
  });
});

describe('files that are refused whole', () => {
  const refusedWith = async (content: string | Uint8Array, message: string | RegExp, name = 'file.csv') => {
    const before = await catalogCounts();
    const response = await ctx.app.request('/admin/products/import', multipart({ file: new File([content], name) }, cookie));
    expect(response.status).toBe(422);
    const root = await htmlOf(response);
    expect(textOf(root, '#import-file-error')).toMatch(message);
    expect(root.querySelector('#import-file')!.getAttribute('aria-invalid')).toBe('true');
    expect(await catalogCounts()).toEqual(before);
  };

  it('a wrong header, an empty or binary file, broken quoting, or no file at all', async () => {
    await refusedWith('Email,First Name,Last Name\na@example.com,Ada,Lovelace\n', 'This is not a Shopify product CSV: its first line has no Handle or Title column (it starts with "Email", "First Name", "Last Name").');
    await refusedWith('Handle,Price\nmug,5\n', /no Title column/);
    await refusedWith('', 'The file is empty.');
    await refusedWith(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00, 0x80]), 'The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.', 'photo.png');
    await refusedWith('Handle,Title\nmug,"Mug\n', /^The file is not a readable CSV file: /);
    await refusedWith('Handle,Title,Handle\nmug,Mug,mug\n', 'The column "Handle" appears twice in the first line; keep one.');
    const response = await ctx.app.request('/admin/products/import', multipart({ other: 'x' }, cookie));
    expect(response.status).toBe(422);
    expect(textOf(await htmlOf(response), '#import-file-error')).toBe('Choose a CSV file to upload.');
  });

  it('100,000 rows: one message, nothing written, no audit entry', async () => {
    const lines = [HEADER];
    for (let index = 0; index < 100_000; index++) lines.push(`p-${index},Product ${index},,,,,TRUE,Title,Default Title,,,SKU-${index},,1,1.00,,,,,,,`);
    await refusedWith(lines.join('\n'), 'The file has more than 50,000 rows. Split it into files of at most 50,000 rows and import them one after another.');
  });

  it('a file over 20 MB is refused before it is read', async () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 10).fill(0x41);
    await refusedWith(big, 'The file is larger than 20 MB; split it into smaller files.');
  });
});

describe('updating the catalog', () => {
  it('updates a product by Handle and its variants by SKU, adds new ones and leaves the others alone', async () => {
    const { product, variants } = await insertProduct(db(), { slug: 'lamp', name: 'Lamp', option_names: ['Size'] }, [
      { sku: 'LAMP-S', price_cents: 1000, stock: 4, options: { Size: 'S' } },
      { sku: 'LAMP-M', price_cents: 1500, stock: 2, options: { Size: 'M' } },
    ]);
    const csv = [
      'Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty',
      'lamp,Desk Lamp,Size,S,LAMP-S,12.50,9',
      'lamp,,,L,LAMP-L,20.00,1',
    ].join('\n');
    const token = await upload(csv, 'lamps.csv');
    const { rows, total } = await dryRun(token);
    expect(rows.map((row) => [row.row, row.outcome, row.notes])).toEqual([
      [2, 'update', 'Changes: Title. Changes: price, stock.'],
      [3, 'update', 'New variant.'],
    ]);
    expect(total('update')).toBe(1);
    expect(await db().selectFrom('products').select('name').where('id', '=', product.id).executeTakeFirstOrThrow()).toEqual({ name: 'Lamp' });
    expect((await apply(token)).state).toBe('done');
    const after = await db().selectFrom('product_variants').select(['sku', 'price_cents', 'stock', 'position']).where('product_id', '=', product.id).orderBy('position').execute();
    expect(after).toEqual([
      { sku: 'LAMP-S', price_cents: 1250, stock: 9, position: 0 },
      { sku: 'LAMP-M', price_cents: 1500, stock: 2, position: 1 },
      { sku: 'LAMP-L', price_cents: 2000, stock: 1, position: 2 },
    ]);
    const updated = await db().selectFrom('products').selectAll().where('id', '=', product.id).executeTakeFirstOrThrow();
    // Columns the file does not have (Body, Vendor, Tags, Status…) keep their values.
    expect(updated).toMatchObject({ name: 'Desk Lamp', description: product.description, active: true, option_names: ['Size'] });
    const movement = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variants[0]!.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(movement).toMatchObject({ delta: 5, stock_after: 9, reason: 'import', actor_user_id: adminId });
  });

  it('writes nothing when the catalog changed after the dry run, and shows the new dry run', async () => {
    const token = await upload('Handle,Title,Variant SKU,Variant Price\nchair,Chair,CHAIR-1,50.00\n', 'chairs.csv');
    expect((await dryRun(token)).rows[0]!.outcome).toBe('create');
    await insertProduct(db(), { slug: 'chair', name: 'Old chair' }, [{ sku: 'CHAIR-1', price_cents: 4000 }]);
    const audits = (await catalogCounts()).audits;
    const { state, html } = await apply(token);
    expect(state).toBe('failed');
    expect(html).toContain('The catalog changed since this dry run, so nothing was imported.');
    expect(await db().selectFrom('products').select('name').where('slug', '=', 'chair').execute()).toEqual([{ name: 'Old chair' }]);
    expect((await catalogCounts()).audits).toBe(audits);
    const again = await dryRun(token);
    expect(again.rows[0]!.outcome).toBe('update');
    expect(again.root.text).toContain('The catalog changed since this dry run');
    expect(again.button).toBe('Import these 1 product');
  });
});

describe('a large file', () => {
  it('imports 6,000 rows (2,000 products with 3 variants) in one batched transaction, reporting progress', async () => {
    const lines = ['Handle,Title,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Image Src'];
    for (let product = 0; product < 2_000; product++) {
      for (const [index, size] of ['S', 'M', 'L'].entries()) {
        lines.push(index === 0 ? `bulk-${product},Bulk ${product},Bulk > Group ${product % 7},Size,${size},BULK-${product}-${size},${product}.${index}9,${index},https://img.example/${product}.jpg` : `bulk-${product},,,,${size},BULK-${product}-${size},${product}.${index}9,${index},`);
      }
    }
    const token = await upload(lines.join('\n'), 'bulk.csv');
    const { total } = await dryRun(token);
    expect([total('create'), total('refused'), total('categories')]).toEqual([2_000, 0, 8]);
    const started = Date.now();
    expect((await apply(token)).state).toBe('done');
    const elapsed = Date.now() - started;
    const variants = await db().selectFrom('product_variants').select(['sku', 'price_cents', 'stock']).where('sku', 'in', ['BULK-1999-L', 'BULK-0-S']).orderBy('sku').execute();
    expect(variants).toEqual([
      { sku: 'BULK-0-S', price_cents: 9, stock: 0 },
      { sku: 'BULK-1999-L', price_cents: 199929, stock: 2 },
    ]);
    expect(Number((await db().selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('slug', 'like', 'bulk-%').executeTakeFirstOrThrow()).n)).toBe(2_000);
    // The price and stock summary and the search document, refreshed once per product rather than per variant row.
    const summary = await db().selectFrom('products').select(['price_min_cents', 'price_max_cents', 'stock_total', sql<string>`search_document::text`.as('document')]).where('slug', '=', 'bulk-1999').executeTakeFirstOrThrow();
    expect(summary).toMatchObject({ price_min_cents: 199909, price_max_cents: 199929, stock_total: 3 });
    for (const token of ["'m':", "'s':", "'-1999':"]) expect(summary.document).toContain(token); // the variants' SKUs and sizes
    console.info(`6,000 rows imported in ${elapsed} ms`);
  });
});

describe('the import status page', () => {
  it('shows a progress bar that htmx refreshes every second, and refreshes itself without JavaScript', async () => {
    const token = await upload('Handle,Title,Variant SKU,Variant Price\nstool,Stool,STOOL-1,10.00\n', 'stools.csv');
    await ctx.store.set(`catalog-import:job:${token}`, JSON.stringify({ state: 'running', done: 1200, total: 4800, updatedAt: Date.now() }), 60);
    const page = await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie } });
    const root = await htmlOf(page);
    const progress = root.querySelector('progress#import-progress')!;
    expect([progress.getAttribute('value'), progress.getAttribute('max')]).toEqual(['1200', '4800']);
    expect(textOf(root, 'label[for="import-progress"]')).toBe('Importing: 1200 of 4800 rows (25%)');
    const status = root.querySelector('#import-status')!;
    expect([status.getAttribute('hx-get'), status.getAttribute('hx-trigger')]).toEqual([`/admin/products/import/${token}/status`, 'every 1s']);
    expect(root.querySelector('noscript')!.innerHTML).toMatch(/^\s*<meta http-equiv="refresh" content="2"\s*\/?>\s*$/);
    const fragment = await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie, 'HX-Request': 'true' } });
    const html = await fragment.text();
    expect(html).not.toContain('<html');
    expect(html).toMatch(/^<div id="import-status"/);
    expect(fragment.headers.get('Vary')).toContain('HX-Request');
    await ctx.store.delete(`catalog-import:job:${token}`);
  });

  it('says an import that stopped reporting died with its process, and lets it be started again', async () => {
    const token = await upload('Handle,Title,Variant SKU,Variant Price\nshelf,Shelf,SHELF-1,10.00\n', 'shelves.csv');
    await ctx.store.set(`catalog-import:start:${token}`, '1', 60);
    await ctx.store.set(`catalog-import:job:${token}`, JSON.stringify({ state: 'running', done: 0, total: 1, updatedAt: Date.now() - 11 * 60_000 }), 60);
    const status = await (await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie } })).text();
    expect(status).toContain('data-import-state="failed"');
    expect(status).toContain('The import stopped before it finished (the server was restarted), so nothing was written.');
    expect((await dryRun(token)).button).toBe('Import these 1 product');
    expect((await apply(token)).state).toBe('done');
    expect(await db().selectFrom('products').select('name').where('slug', '=', 'shelf').execute()).toEqual([{ name: 'Shelf' }]);
  });

  it('sends a dry run that has not started to its page, and a customer gets 403', async () => {
    const token = await upload('Handle,Title,Variant SKU,Variant Price\nbench,Bench,BENCH-1,10.00\n', 'benches.csv');
    const response = await ctx.app.request(`/admin/products/import/${token}/status`, { headers: { Cookie: cookie } });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`/admin/products/import/${token}`);
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    for (const path of ['/admin/products/import', `/admin/products/import/${token}`, `/admin/products/import/${token}/status`]) {
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie } })).status, path).toBe(403);
    }
    const posted = await ctx.app.request('/admin/products/import', form({ token }, customerCookie));
    expect(posted.status).toBe(403);
    expect(await ctx.store.get(`catalog-import:job:${token}`)).toBeNull();
  });

  it.runIf(Boolean(process.env.DATABASE_URL))('runs one import at a time: a second waits for the first, and nothing is visible until it commits', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db().transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('hyperstore:catalog-import'))`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const first = await upload('Handle,Title,Variant SKU,Variant Price\nsofa,Sofa,SOFA-1,300.00\n', 'sofas.csv');
    const second = await upload('Handle,Title,Variant SKU,Variant Price\nrug,Rug,RUG-1,80.00\n', 'rugs.csv');
    for (const token of [first, second]) expect((await ctx.app.request('/admin/products/import', form({ token }, cookie))).status).toBe(303);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waiting = await ctx.app.request(`/admin/products/import/${first}/status`, { headers: { Cookie: cookie } });
    expect(await waiting.text()).toContain('data-import-state="running"');
    expect(await db().selectFrom('products').select('slug').where('slug', 'in', ['sofa', 'rug']).execute()).toEqual([]);
    release();
    await holder;
    expect((await waitForImport(first)).state).toBe('done');
    expect((await waitForImport(second)).state).toBe('done');
    expect((await db().selectFrom('products').select('slug').where('slug', 'in', ['sofa', 'rug']).orderBy('slug').execute()).map((row) => row.slug)).toEqual(['rug', 'sofa']);
  });
});
