import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustStock } from '../../../src/catalog/stock-adjust.js';
import type { User } from '../../../src/db/schema-accounts.js';
import { INVENTORY_RESULTS_ID } from '../../../views/admin/inventory.js';
import { form, insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

let ctx: TestContext;
let admin: User;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp();
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>) => ctx.app.request(path, form(fields, cookie));
const stockOf = async (id: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock;
const movements = (variantId: number) => db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).orderBy('id', 'desc').execute();
const audits = (action: string, entityId: number | string) =>
  db().selectFrom('audit_events').selectAll().where('action', '=', action).where('entity_id', '=', String(entityId)).orderBy('id', 'desc').execute();
const skusListed = async (path: string) => (await htmlOf(await get(path))).querySelectorAll('[data-variant]').map((row) => row.getAttribute('data-variant'));

async function variantWith(stock: number, name = 'Stock Item') {
  const { product, variants } = await insertProduct(db(), { name }, [{ stock }]);
  return { product, variant: variants[0]! };
}

describe('the inventory list', () => {
  it('searches by SKU or product name, filters low and out of stock, and pages; htmx gets the results alone', async () => {
    const { variant: teapot } = await variantWith(50, 'Copper Teapot');
    const { variant: low } = await variantWith(3, 'Copper Kettle');
    const { variant: out } = await variantWith(0, 'Copper Ladle');
    expect(await skusListed('/admin/inventory?q=copper')).toEqual([low.sku, out.sku, teapot.sku]);
    expect(await skusListed(`/admin/inventory?q=${teapot.sku.toLowerCase()}`)).toEqual([teapot.sku]);
    expect(await skusListed('/admin/inventory?q=copper&filter=low')).toEqual([low.sku, out.sku]);
    expect(await skusListed('/admin/inventory?q=copper&filter=out')).toEqual([out.sku]);
    expect(await skusListed('/admin/inventory?q=copper&per_page=2&page=2')).toEqual([teapot.sku]);
    // A wildcard typed in the search is searched for, not used.
    expect(await skusListed('/admin/inventory?q=%25')).toEqual([]);

    const page = await htmlOf(await get('/admin/inventory?q=copper'));
    expect(textOf(page, `[data-variant="${low.sku}"] [data-stock-status]`)).toBe('Low');
    expect(textOf(page, `[data-variant="${out.sku}"] [data-stock-status]`)).toBe('Out of stock');
    const form = page.querySelector('form[role=search]')!;
    expect([form.getAttribute('action'), form.getAttribute('method'), form.getAttribute('hx-target'), form.getAttribute('hx-push-url')]).toEqual(['/admin/inventory', 'get', `#${INVENTORY_RESULTS_ID}`, 'true']);

    const fragment = await get('/admin/inventory?q=copper&filter=out', { 'HX-Request': 'true' });
    const body = await fragment.text();
    expect(body.startsWith(`<section id="${INVENTORY_RESULTS_ID}"`)).toBe(true);
    expect(body).toContain(out.sku);
    expect(body).not.toContain(teapot.sku);
  });
});

describe('adjusting stock', () => {
  it('adds, takes away and sets a counted quantity, each with a history row (reason, note, who) and an audit row', async () => {
    const { product, variant } = await variantWith(10);
    // The product page is cached; an adjustment must show on it at once.
    expect((await ctx.catalog.product(product.slug))!.variants[0]!.stock).toBe(10);

    const added = await post(`/admin/inventory/${variant.id}/adjust`, { mode: 'change', quantity: '+5', reason: 'received', note: 'PO 1234' });
    expect(added.status).toBe(303);
    expect(added.headers.get('Location')).toBe(`/admin/inventory/${variant.id}`);
    await post(`/admin/inventory/${variant.id}/adjust`, { mode: 'change', quantity: '-3', reason: 'damaged', note: 'Dropped <box>' });
    await post(`/admin/inventory/${variant.id}/adjust`, { mode: 'count', quantity: '7', reason: 'correction', note: '' });
    expect(await stockOf(variant.id)).toBe(7);
    expect((await ctx.catalog.product(product.slug))!.variants[0]!.stock).toBe(7);

    const history = await movements(variant.id);
    expect(history.slice(0, 3).map((row) => [row.delta, row.stock_after, row.reason, row.note, row.actor_user_id])).toEqual([
      [-5, 7, 'correction', '', admin.id],
      [-3, 12, 'damaged', 'Dropped <box>', admin.id],
      [5, 15, 'received', 'PO 1234', admin.id],
    ]);
    const audit = await audits('stock.adjusted', variant.id);
    expect(audit.map((row) => [row.actor_user_id, row.entity_type, row.before, row.after])).toEqual([
      [admin.id, 'variant', { stock: 12 }, { stock: 7 }],
      [admin.id, 'variant', { stock: 15 }, { stock: 12 }],
      [admin.id, 'variant', { stock: 10 }, { stock: 15 }],
    ]);
    expect(audit[1]!.details).toMatchObject({ reason: 'damaged', note: 'Dropped <box>', change: -3 });

    const page = await htmlOf(await get(`/admin/inventory/${variant.id}`));
    expect(textOf(page, '[role=status].notice')).toBe('Stock changed from 12 to 7.');
    expect(textOf(page, 'dd[data-stock]')).toBe('7');
    const rows = page.querySelectorAll('[data-movement]');
    expect(rows.slice(0, 3).map((row) => [textOf(row, '[data-delta]'), textOf(row, '[data-reason]'), textOf(row, '[data-note]'), textOf(row, '[data-actor]')])).toEqual([
      ['−5', 'Correction', '', admin.email],
      ['−3', 'Damaged', 'Dropped <box>', admin.email],
      ['+5', 'Received', 'PO 1234', admin.email],
    ]);
    expect(page.toString()).toContain('Dropped &lt;box');
  });

  it('refuses to go below zero and changes nothing, saying why', async () => {
    const { variant } = await variantWith(2);
    const before = (await movements(variant.id)).length;
    const refused = await post(`/admin/inventory/${variant.id}/adjust`, { mode: 'change', quantity: '-5', reason: 'damaged', note: '' });
    expect(refused.status).toBe(422);
    const page = await htmlOf(refused);
    expect(textOf(page, '#field-quantity-error')).toBe('Only 2 in stock: taking away 5 would go below zero. Nothing was changed.');
    expect(page.querySelector('#field-quantity')!.getAttribute('value')).toBe('-5');
    expect(await stockOf(variant.id)).toBe(2);
    expect(await movements(variant.id)).toHaveLength(before);
    expect(await audits('stock.adjusted', variant.id)).toEqual([]);
  });

  it('names every bad field and changes nothing', async () => {
    const { variant } = await variantWith(4);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ mode: 'change', quantity: '0', reason: 'received' }, '#field-quantity-error', /other than 0/],
      [{ mode: 'change', quantity: '1.5', reason: 'received' }, '#field-quantity-error', /whole number/],
      [{ mode: 'count', quantity: '-2', reason: 'correction' }, '#field-quantity-error', /0 or more/],
      [{ mode: 'change', quantity: '3', reason: 'stolen-by-elves' }, '#field-reason-error', /Choose a reason/],
      [{ mode: 'change', quantity: '3', reason: 'other', note: ' ' }, '#field-note-error', /Say what happened/],
      [{ mode: 'teleport', quantity: '3', reason: 'received' }, '#field-mode-error', /Choose whether/],
    ];
    for (const [fields, selector, message] of cases) {
      const response = await post(`/admin/inventory/${variant.id}/adjust`, fields);
      expect(response.status).toBe(422);
      expect(textOf(await htmlOf(response), selector)).toMatch(message);
    }
    expect(await stockOf(variant.id)).toBe(4);
    expect(await audits('stock.adjusted', variant.id)).toEqual([]);
    expect((await post('/admin/inventory/999999/adjust', { mode: 'change', quantity: '1', reason: 'received' })).status).toBe(404);
  });

  it.runIf(process.env.DATABASE_URL)('under concurrent adjustments never goes below zero, and every one that fits lands', async () => {
    const { variant } = await variantWith(10);
    const take = () => adjustStock(db(), { variantId: variant.id, mode: 'change', quantity: -1, reason: 'damaged', note: '', actorId: admin.id, ip: null });
    const give = () => adjustStock(db(), { variantId: variant.id, mode: 'change', quantity: 2, reason: 'received', note: '', actorId: admin.id, ip: null });
    const results = await Promise.all([...Array.from({ length: 30 }, take), ...Array.from({ length: 5 }, give)]);
    const taken = results.filter((result, index) => index < 30 && result.outcome === 'adjusted').length;
    const refused = results.filter((result) => result.outcome === 'below_zero').length;
    expect(taken + refused).toBe(30);
    expect(results.slice(30).every((result) => result.outcome === 'adjusted')).toBe(true);
    const stock = await stockOf(variant.id);
    expect(stock).toBe(10 + 10 - taken);
    expect(stock).toBeGreaterThanOrEqual(0);
    expect(taken).toBeGreaterThanOrEqual(10);
    const history = await movements(variant.id);
    expect(history.filter((row) => row.reason !== 'created')).toHaveLength(taken + 5);
    expect(history.every((row) => row.stock_after >= 0)).toBe(true);
    expect(await audits('stock.adjusted', variant.id)).toHaveLength(taken + 5);

    // Thirty takers at once on a stock of ten: exactly ten get one.
    const { variant: scarce } = await variantWith(10);
    const rush = await Promise.all(
      Array.from({ length: 30 }, () => adjustStock(db(), { variantId: scarce.id, mode: 'change', quantity: -1, reason: 'damaged', note: '', actorId: admin.id, ip: null })),
    );
    expect(rush.filter((result) => result.outcome === 'adjusted')).toHaveLength(10);
    expect(await stockOf(scarce.id)).toBe(0);
  });
});

describe('low-stock thresholds', () => {
  it('a variant’s own threshold, then the store default, decide what is low; each change is audited', async () => {
    const { variant } = await variantWith(15, 'Threshold Vase');
    const lowList = () => skusListed('/admin/inventory?q=threshold%20vase&filter=low');
    expect(await lowList()).toEqual([]);

    expect((await post(`/admin/inventory/${variant.id}/threshold`, { threshold: '20' })).status).toBe(303);
    expect(await lowList()).toEqual([variant.sku]);
    expect((await audits('stock.threshold_changed', variant.id)).map((row) => [row.actor_user_id, row.before, row.after])).toEqual([
      [admin.id, { low_stock_threshold: null }, { low_stock_threshold: 20 }],
    ]);

    const bad = await post(`/admin/inventory/${variant.id}/threshold`, { threshold: '-1' });
    expect(bad.status).toBe(422);
    expect(textOf(await htmlOf(bad), '#field-threshold-error')).toMatch(/whole number/);

    await post(`/admin/inventory/${variant.id}/threshold`, { threshold: '' });
    expect(await lowList()).toEqual([]);
    const own = await db().selectFrom('product_variants').select('low_stock_threshold').where('id', '=', variant.id).executeTakeFirstOrThrow();
    expect(own.low_stock_threshold).toBeNull();

    const refused = await post('/admin/inventory/settings', { low_stock_threshold: 'lots' });
    expect(refused.status).toBe(422);
    expect(textOf(await htmlOf(refused), '#field-low_stock_threshold-error')).toMatch(/whole number/);
    expect(await db().selectFrom('app_settings').select('value').where('key', '=', 'low_stock_threshold').executeTakeFirst()).toBeUndefined();

    expect((await post('/admin/inventory/settings', { low_stock_threshold: '30' })).status).toBe(303);
    expect(await lowList()).toEqual([variant.sku]);
    expect((await audits('settings.changed', 'low_stock_threshold')).map((row) => [row.actor_user_id, row.before, row.after])).toEqual([
      [admin.id, { low_stock_threshold: 5 }, { low_stock_threshold: 30 }],
    ]);
    await post('/admin/inventory/settings', { low_stock_threshold: '5' });
  });
});

describe('access', () => {
  it('refuses a customer every inventory page and action', async () => {
    const { variant } = await variantWith(5);
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    for (const path of ['/admin/inventory', `/admin/inventory/${variant.id}`]) {
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie } })).status).toBe(403);
      expect((await ctx.app.request(path, { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status).toBe(403);
    }
    const posts: [string, Record<string, string>][] = [
      [`/admin/inventory/${variant.id}/adjust`, { mode: 'change', quantity: '5', reason: 'received' }],
      [`/admin/inventory/${variant.id}/threshold`, { threshold: '1' }],
      ['/admin/inventory/settings', { low_stock_threshold: '1' }],
    ];
    for (const [path, fields] of posts) expect((await ctx.app.request(path, form(fields, customerCookie))).status).toBe(403);
    expect(await stockOf(variant.id)).toBe(5);
  });
});
