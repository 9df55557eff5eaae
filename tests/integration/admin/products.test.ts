import type { HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertCategory, insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: { id: number };
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>, as = cookie) => ctx.app.request(path, form(fields, as));
const count = async (table: 'products' | 'product_variants' | 'audit_events' | 'stock_movements') =>
  Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const auditsFor = (productId: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'product').where('entity_id', '=', String(productId)).orderBy('id').execute();

/** What a browser would send for the first form matching `selector`: its inputs, checked boxes, selects and textareas. */
function formFields(root: HTMLElement, selector: string): Record<string, string> {
  const formElement = root.querySelector(selector);
  if (!formElement) throw new Error(`no form ${selector}`);
  const fields: Record<string, string> = {};
  for (const input of formElement.querySelectorAll('input')) {
    const name = input.getAttribute('name');
    const type = input.getAttribute('type') ?? 'text';
    if (!name || type === 'submit' || type === 'file') continue;
    if (type === 'checkbox' && !input.hasAttribute('checked')) continue;
    fields[name] = input.getAttribute('value') ?? '';
  }
  for (const textarea of formElement.querySelectorAll('textarea')) fields[textarea.getAttribute('name')!] = textarea.text;
  for (const select of formElement.querySelectorAll('select')) {
    fields[select.getAttribute('name')!] = (select.querySelector('option[selected]') ?? select.querySelector('option'))?.getAttribute('value') ?? '';
  }
  return fields;
}

async function editFields(productId: number): Promise<Record<string, string>> {
  const response = await get(`/admin/products/${productId}`);
  expect(response.status).toBe(200);
  return formFields(await htmlOf(response), 'form[data-product-form]');
}

const twoSizes = (overrides: Record<string, string> = {}) => ({
  name: 'Trail Mug',
  slug: '',
  description: 'Enamel mug for camp coffee.',
  brand: 'Summit',
  category_id: '',
  active: '1',
  tags: 'camping, mugs',
  seo_title: '',
  seo_description: '',
  option1_name: 'Size',
  option2_name: '',
  option3_name: '',
  v0_sku: 'MUG-S',
  v0_option1: 'Small',
  v0_price: '12.50',
  v0_compare_at: '15',
  v0_stock: '5',
  v0_weight: '300',
  v0_active: '1',
  v1_sku: 'MUG-L',
  v1_option1: 'Large',
  v1_price: '14',
  v1_compare_at: '',
  v1_stock: '3',
  v1_weight: '',
  v1_active: '1',
  ...overrides,
});

describe('creating a product', () => {
  it('saves the product with two variants, audited, and the shop shows it at once', async () => {
    const category = await insertCategory(db(), { name: 'Camp kitchen' });
    const response = await post('/admin/products', twoSizes({ category_id: String(category.id) }));
    expect(response.status).toBe(303);
    const product = await db().selectFrom('products').selectAll().where('slug', '=', 'trail-mug').executeTakeFirstOrThrow();
    expect(response.headers.get('Location')).toBe(`/admin/products/${product.id}`);
    expect(product).toMatchObject({ name: 'Trail Mug', brand: 'Summit', category_id: category.id, active: true, option_names: ['Size'], tags: ['camping', 'mugs'], price_min_cents: 1250, price_max_cents: 1400, stock_total: 8 });
    const variants = await db().selectFrom('product_variants').selectAll().where('product_id', '=', product.id).orderBy('position').execute();
    expect(variants.map((v) => [v.sku, v.options, v.price_cents, v.compare_at_cents, v.stock, v.weight_grams])).toEqual([
      ['MUG-S', { Size: 'Small' }, 1250, 1500, 5, 300],
      ['MUG-L', { Size: 'Large' }, 1400, null, 3, null],
    ]);
    const movements = await db().selectFrom('stock_movements').selectAll().where('variant_id', 'in', variants.map((v) => v.id)).execute();
    expect(movements.map((m) => [m.reason, m.actor_user_id])).toEqual([
      ['created', admin.id],
      ['created', admin.id],
    ]);
    const [audit] = await auditsFor(product.id);
    expect(audit).toMatchObject({ action: 'product.created', actor_user_id: admin.id, before: null });
    expect(audit!.after).toMatchObject({ name: 'Trail Mug', slug: 'trail-mug', variants: [{ sku: 'MUG-S', price_cents: 1250 }, { sku: 'MUG-L', price_cents: 1400 }] });

    const edit = await htmlOf(await get(`/admin/products/${product.id}`));
    expect(textOf(edit, '[role=status]')).toContain('“Trail Mug” created.');
    const shop = await htmlOf(await ctx.app.request('/products/trail-mug'));
    expect(textOf(shop, 'h1')).toBe('Trail Mug');
    expect(shop.text).toContain('$12.50');
  });

  it('adds a variant row without JavaScript, keeping what was typed and saving nothing', async () => {
    const before = await count('products');
    const response = await post('/admin/products', { ...twoSizes({ name: 'Half typed' }), add_variant: '1' });
    expect(response.status).toBe(200);
    const page = await htmlOf(response);
    expect(page.querySelectorAll('[data-variant-row]')).toHaveLength(3);
    expect(page.querySelector('#field-name')!.getAttribute('value')).toBe('Half typed');
    expect(page.querySelector('#field-v1_sku')!.getAttribute('value')).toBe('MUG-L');
    expect(page.querySelector('#field-v2_sku')!.getAttribute('value')).toBe('');
    expect(await count('products')).toBe(before);
  });

  it('refuses a slug and a SKU already taken, with a message on each field, and writes nothing', async () => {
    await insertProduct(db(), { slug: 'taken-slug', name: 'First owner' }, [{ sku: 'TAKEN-1' }]);
    const before = await Promise.all([count('products'), count('product_variants'), count('audit_events')]);
    const response = await post('/admin/products', twoSizes({ name: 'Copycat', slug: 'taken-slug', v0_sku: 'TAKEN-1' }));
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    expect(textOf(page, '#field-slug-error')).toContain('already used by “First owner”');
    expect(textOf(page, '#field-v0_sku-error')).toContain('SKU TAKEN-1 is already used');
    expect(page.querySelector('#field-name')!.getAttribute('value')).toBe('Copycat');
    expect(page.querySelector('#field-v0_sku')!.getAttribute('aria-invalid')).toBe('true');
    expect(await Promise.all([count('products'), count('product_variants'), count('audit_events')])).toEqual(before);
  });

  it('refuses the same SKU twice on one form', async () => {
    const response = await post('/admin/products', twoSizes({ name: 'Twins', v1_sku: 'MUG-S' }));
    expect(response.status).toBe(422);
    expect(textOf(await htmlOf(response), '#field-v1_sku-error')).toContain('Another variant on this form has this SKU');
  });

  it('refuses negative, non-numeric and over-precise prices and stock, per field, and writes nothing', async () => {
    const before = await Promise.all([count('products'), count('product_variants'), count('audit_events')]);
    const response = await post(
      '/admin/products',
      twoSizes({ name: 'Bad numbers', v0_price: '-5', v1_price: 'abc', v0_compare_at: '12.345', v0_stock: '-1', v1_stock: '2.5', v1_weight: 'heavy' }),
    );
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    expect(textOf(page, '#field-v0_price-error')).toBe('A price cannot be negative.');
    expect(textOf(page, '#field-v1_price-error')).toContain('Enter an amount like 12.50');
    expect(textOf(page, '#field-v0_compare_at-error')).toContain('at most 2 decimals');
    expect(textOf(page, '#field-v0_stock-error')).toBe('The stock cannot be below zero.');
    expect(textOf(page, '#field-v1_stock-error')).toBe('The stock is a whole number (0 or more).');
    expect(textOf(page, '#field-v1_weight-error')).toBe('The weight is a whole number (0 or more).');
    expect(page.querySelector('#field-v1_price')!.getAttribute('value')).toBe('abc');
    expect(await Promise.all([count('products'), count('product_variants'), count('audit_events')])).toEqual(before);
  });

  it('refuses a compare-at price that is not above the price, and two variants nothing tells apart', async () => {
    const response = await post('/admin/products', twoSizes({ name: 'Odd', v0_compare_at: '12.50', option1_name: '', v0_option1: '', v1_option1: '' }));
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    expect(textOf(page, '#field-v0_compare_at-error')).toContain('must be above the price');
    expect(textOf(page, '#field-option1_name-error')).toContain('Name an option');
  });
});

describe('editing a product', () => {
  it('changes a price and a stock (history says edit, by whom), deactivates a variant, audits it, and the shop shows it', async () => {
    const { product, variants } = await insertProduct(db(), { name: 'Camp Stove', option_names: ['Fuel'] }, [
      { sku: 'STOVE-GAS', price_cents: 4000, stock: 10, options: { Fuel: 'Gas' } },
      { sku: 'STOVE-WOOD', price_cents: 3000, stock: 4, options: { Fuel: 'Wood' } },
    ]);
    expect((await htmlOf(await ctx.app.request(`/products/${product.slug}`))).text).toContain('$40.00'); // now cached
    const fields = await editFields(product.id);
    expect(fields).toMatchObject({ v0_sku: 'STOVE-GAS', v0_price: '40.00', v0_stock: '10', v1_active: '1', option1_name: 'Fuel' });
    const { v1_active: _dropped, ...rest } = fields;
    const response = await post(`/admin/products/${product.id}`, { ...rest, v0_price: '19.99', v0_stock: '7' });
    expect(response.status).toBe(303);

    const saved = await db().selectFrom('product_variants').selectAll().where('product_id', '=', product.id).orderBy('position').execute();
    expect(saved.map((v) => [v.sku, v.price_cents, v.stock, v.active])).toEqual([
      ['STOVE-GAS', 1999, 7, true],
      ['STOVE-WOOD', 3000, 4, false],
    ]);
    const movement = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variants[0]!.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(movement).toMatchObject({ delta: -3, stock_after: 7, reason: 'edit', actor_user_id: admin.id });
    const audit = (await auditsFor(product.id)).at(-1)!;
    expect(audit).toMatchObject({ action: 'product.updated', actor_user_id: admin.id });
    expect(audit.before).toEqual({ variants: [{ id: variants[0]!.id, sku: 'STOVE-GAS', price_cents: 4000, stock: 10 }, { id: variants[1]!.id, sku: 'STOVE-WOOD', active: true }] });
    expect(audit.after).toEqual({ variants: [{ id: variants[0]!.id, sku: 'STOVE-GAS', price_cents: 1999, stock: 7 }, { id: variants[1]!.id, sku: 'STOVE-WOOD', active: false }] });

    const shop = await htmlOf(await ctx.app.request(`/products/${product.slug}`));
    expect(shop.text).toContain('$19.99');
    expect(shop.text).not.toContain('$40.00');
    expect(shop.text).not.toContain('STOVE-WOOD');
  });

  it('leaves stock that orders changed meanwhile when staff did not touch it', async () => {
    const { product, variants } = await insertProduct(db(), { name: 'Lantern' }, [{ sku: 'LANTERN-1', stock: 10 }]);
    const fields = await editFields(product.id);
    await db().updateTable('product_variants').set({ stock: 8 }).where('id', '=', variants[0]!.id).execute(); // two sold meanwhile
    expect((await post(`/admin/products/${product.id}`, { ...fields, name: 'Lantern XL' })).status).toBe(303);
    const saved = await db().selectFrom('product_variants').select('stock').where('id', '=', variants[0]!.id).executeTakeFirstOrThrow();
    expect(saved.stock).toBe(8);
    const audit = (await auditsFor(product.id)).at(-1)!;
    expect(audit.before).toEqual({ name: 'Lantern' });
    expect(audit.after).toEqual({ name: 'Lantern XL' });
  });

  it('refuses a slug taken by another product and keeps the product as it was', async () => {
    await insertProduct(db(), { slug: 'other-product' });
    const { product } = await insertProduct(db(), { name: 'Keeps its slug' });
    const fields = await editFields(product.id);
    const audits = await count('audit_events');
    const response = await post(`/admin/products/${product.id}`, { ...fields, slug: 'other-product', v0_price: '99' });
    expect(response.status).toBe(422);
    expect(textOf(await htmlOf(response), '#field-slug-error')).toContain('already used');
    const after = await db().selectFrom('products').selectAll().where('id', '=', product.id).executeTakeFirstOrThrow();
    expect([after.slug, after.price_min_cents]).toEqual([product.slug, 1000]);
    expect(await count('audit_events')).toBe(audits);
  });

  it('refuses a variant id that belongs to another product', async () => {
    const { variants: foreign } = await insertProduct(db(), {}, [{ sku: 'FOREIGN-1' }]);
    const { product } = await insertProduct(db());
    const fields = await editFields(product.id);
    const response = await post(`/admin/products/${product.id}`, { ...fields, v0_id: String(foreign[0]!.id), v0_sku: 'FOREIGN-1', v0_price: '1' });
    expect(response.status).toBe(422);
    const untouched = await db().selectFrom('product_variants').select(['product_id', 'price_cents']).where('id', '=', foreign[0]!.id).executeTakeFirstOrThrow();
    expect(untouched.price_cents).toBe(1000);
  });

  it('removes a variant: deleted when never ordered (its cart lines go, the cart still opens), deactivated when ordered', async () => {
    const { product, variants } = await insertProduct(db(), { name: 'Tent', option_names: ['Size'] }, [
      { sku: 'TENT-2', options: { Size: '2p' } },
      { sku: 'TENT-3', options: { Size: '3p' } },
      { sku: 'TENT-4', options: { Size: '4p' } },
    ]);
    await placedOrderOf(variants[1]!.id);
    const shopper = await insertUser(db());
    const shopperCookie = await logIn(ctx, shopper.email);
    expect((await post('/cart/items', { variant_id: String(variants[0]!.id), quantity: '1' }, shopperCookie)).status).toBeLessThan(400);

    const fields = await editFields(product.id);
    expect((await post(`/admin/products/${product.id}`, { ...fields, v0_remove: '1', v1_remove: '1' })).status).toBe(303);
    const left = await db().selectFrom('product_variants').select(['sku', 'active']).where('product_id', '=', product.id).orderBy('sku').execute();
    expect(left).toEqual([
      { sku: 'TENT-3', active: false },
      { sku: 'TENT-4', active: true },
    ]);
    const audit = (await auditsFor(product.id)).at(-1)!;
    expect(audit.after).toMatchObject({ variants: expect.arrayContaining([{ id: variants[0]!.id, sku: 'TENT-2', deleted: true }, { id: variants[1]!.id, sku: 'TENT-3', active: false }]) });
    const cart = await ctx.app.request('/cart', { headers: { Cookie: shopperCookie } });
    expect(cart.status).toBe(200);
    expect(await cart.text()).not.toContain('TENT-2');
  });

  it('refuses to remove every variant', async () => {
    const { product } = await insertProduct(db());
    const fields = await editFields(product.id);
    const response = await post(`/admin/products/${product.id}`, { ...fields, v0_remove: '1' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('A product needs at least one variant');
    expect(await db().selectFrom('product_variants').select('id').where('product_id', '=', product.id).execute()).toHaveLength(1);
  });
});

/** An order holding one unit of the variant, as checkout leaves it. */
async function placedOrderOf(variantId: number) {
  const order = await db()
    .insertInto('orders')
    .values({
      number: `HS-T${variantId}${Date.now().toString(36).toUpperCase()}`,
      email: 'buyer@example.test',
      currency: 'USD',
      subtotal_cents: 1000,
      total_cents: 1000,
      shipping_method_code: 'standard',
      shipping_method_name: 'Standard',
      full_name: 'Buyer',
      address_line1: '1 Road',
      city: 'Town',
      postal_code: '12345',
      country: 'US',
      payment_provider: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('order_items')
    .values({ order_id: order.id, variant_id: variantId, product_slug: 'x', product_name: 'X', sku: 'X', options: '{}', unit_price_cents: 1000, quantity: 1, total_cents: 1000 })
    .execute();
}

describe('deleting a product', () => {
  it('deletes one never ordered, audited, and it leaves the shop', async () => {
    const { product } = await insertProduct(db(), { name: 'Short-lived' });
    expect((await ctx.app.request(`/products/${product.slug}`)).status).toBe(200);
    const response = await post(`/admin/products/${product.id}/delete`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/admin/products');
    expect(await db().selectFrom('products').select('id').where('id', '=', product.id).executeTakeFirst()).toBeUndefined();
    const [audit] = await auditsFor(product.id);
    expect(audit).toMatchObject({ action: 'product.deleted', actor_user_id: admin.id, before: { name: 'Short-lived', slug: product.slug } });
    expect((await ctx.app.request(`/products/${product.slug}`)).status).toBe(404);
  });

  it('refuses to delete an ordered product and says to deactivate it', async () => {
    const { product, variants } = await insertProduct(db(), { name: 'Best seller' });
    await placedOrderOf(variants[0]!.id);
    const audits = await count('audit_events');
    const response = await post(`/admin/products/${product.id}/delete`, {});
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('has been ordered');
    expect(await db().selectFrom('products').select('id').where('id', '=', product.id).executeTakeFirst()).toBeDefined();
    expect(await count('audit_events')).toBe(audits);
  });
});

describe('the product list', () => {
  it('searches by name, SKU and slug, filters, sorts both ways and pages; htmx gets the results fragment', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const category = await insertCategory(db(), { name: 'Listing cat' });
    const child = await insertCategory(db(), { name: 'Listing child', parent_id: category.id });
    const cheap = await insertProduct(db(), { name: `${tag} Alpha`, category_id: child.id }, [{ sku: `${tag}-A`, price_cents: 500, stock: 0 }]);
    const dear = await insertProduct(db(), { name: `${tag} Beta`, active: false }, [{ sku: `${tag}-B`, price_cents: 9000, stock: 3 }, { sku: `${tag}-B2`, price_cents: 9500, stock: 2 }]);

    const rowsOf = async (query: string, headers: Record<string, string> = {}) => {
      const response = await get(`/admin/products?${query}`, headers);
      expect(response.status).toBe(200);
      return (await htmlOf(response)).querySelectorAll('[data-product-row]').map((row) => Number(row.getAttribute('data-product-row')));
    };
    expect(await rowsOf(`q=${tag}&sort=price&dir=asc`)).toEqual([cheap.product.id, dear.product.id]);
    expect(await rowsOf(`q=${tag}&sort=price&dir=desc`)).toEqual([dear.product.id, cheap.product.id]);
    expect(await rowsOf(`q=${tag}-B2`)).toEqual([dear.product.id]);
    expect(await rowsOf(`q=${cheap.product.slug}`)).toEqual([cheap.product.id]);
    expect(await rowsOf(`q=${tag}&status=inactive`)).toEqual([dear.product.id]);
    expect(await rowsOf(`q=${tag}&stock=out`)).toEqual([cheap.product.id]);
    expect(await rowsOf(`q=${tag}&stock=low`)).toEqual([dear.product.id]);
    expect(await rowsOf(`q=${tag}&category=${category.id}`)).toEqual([cheap.product.id]);
    expect(await rowsOf(`q=${tag}&sort=bogus&dir=sideways&page=abc`)).toHaveLength(2);

    const page = await htmlOf(await get(`/admin/products?q=${tag}`));
    const row = page.querySelector(`[data-product-row="${dear.product.id}"]`)!;
    expect(row.text.replace(/\s+/g, ' ')).toContain('$90.00 – $95.00');
    expect(row.querySelectorAll('td')[0]!.text).toBe('2');
    expect(row.text).toContain('Inactive');
    expect(page.querySelector(`[data-product-row="${cheap.product.id}"] a[href="/products/${cheap.product.slug}"]`)).not.toBeNull();

    const fragment = await get(`/admin/products?q=${tag}`, { 'HX-Request': 'true' });
    expect(fragment.headers.get('Vary')).toContain('HX-Request');
    const body = await fragment.text();
    expect(body.startsWith('<div id="admin-product-results"')).toBe(true);
    expect(body).not.toContain('<html');
  });

  it('pages through many products with links that keep the filters', async () => {
    const tag = `pg${Date.now().toString(36)}`;
    for (let index = 0; index < 27; index++) await insertProduct(db(), { name: `${tag} ${String(index).padStart(2, '0')}` }, [{ sku: `${tag}-${index}` }], []);
    const first = await htmlOf(await get(`/admin/products?q=${tag}&sort=name`));
    expect(first.querySelectorAll('[data-product-row]')).toHaveLength(25);
    const next = first.querySelector('a[rel=next]')!.getAttribute('href')!;
    expect(next).toBe(`/admin/products?q=${tag}&sort=name&page=2`);
    const second = await htmlOf(await get(next));
    expect(second.querySelectorAll('[data-product-row]').map((row) => row.querySelector('a')!.text)).toEqual([`${tag} 25`, `${tag} 26`]);
  });
});

describe('who may', () => {
  it('refuses a customer with 403 on every product route that changes something, and changes nothing', async () => {
    const { product } = await insertProduct(db());
    const image = await db().selectFrom('product_images').select('id').where('product_id', '=', product.id).executeTakeFirstOrThrow();
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    const audits = await count('audit_events');
    const paths = ['/admin/products', `/admin/products/${product.id}`, `/admin/products/${product.id}/delete`, `/admin/products/${product.id}/images`, `/admin/products/${product.id}/images/${image.id}`, `/admin/products/${product.id}/images/${image.id}/move`, `/admin/products/${product.id}/images/${image.id}/delete`];
    for (const path of paths) expect((await post(path, { ...twoSizes(), alt: 'x', direction: 'up' }, customerCookie)).status, path).toBe(403);
    expect(await count('audit_events')).toBe(audits);
    expect(await db().selectFrom('products').select('id').where('id', '=', product.id).executeTakeFirst()).toBeDefined();
  });
});
