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
const post = (path: string, fields: Record<string, string>, as = cookie) => ctx.app.request(path, form(fields, as));
const categoryBySlug = (slug: string) => db().selectFrom('categories').selectAll().where('slug', '=', slug).executeTakeFirst();
const auditsOf = (id: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'category').where('entity_id', '=', String(id)).orderBy('id').execute();
const auditCount = async () => Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const shopHeading = async (slug: string) => {
  const response = await ctx.app.request(`/categories/${slug}`);
  return response.status === 200 ? textOf(await htmlOf(response), 'h1') : response.status;
};

describe('the category tree', () => {
  it('creates a category (slug from the name) under a parent, audited, shown indented in the tree and in the shop at once', async () => {
    const parent = await insertCategory(db(), { name: 'Outdoors', slug: 'outdoors' });
    expect(await shopHeading('camp-kitchen')).toBe(404); // the tree is now cached without it
    const response = await post('/admin/categories', { name: 'Camp Kitchen', slug: '', parent_id: String(parent.id) });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/admin/categories');
    const created = await categoryBySlug('camp-kitchen');
    expect(created).toMatchObject({ name: 'Camp Kitchen', parent_id: parent.id });
    const [audit] = await auditsOf(created!.id);
    expect(audit).toMatchObject({ action: 'category.created', actor_user_id: admin.id, after: { name: 'Camp Kitchen', slug: 'camp-kitchen', parent_id: parent.id } });
    expect(await shopHeading('camp-kitchen')).toBe('Camp Kitchen');

    const page = await htmlOf(await ctx.app.request('/admin/categories', { headers: { Cookie: cookie } }));
    expect(textOf(page, '[role=status]')).toContain('Category “Camp Kitchen” added.');
    const rows = page.querySelectorAll('[data-category-tree] tbody tr').map((row) => row.getAttribute('data-category'));
    expect(rows.indexOf(String(created!.id))).toBe(rows.indexOf(String(parent.id)) + 1);
    expect(page.querySelector(`[data-category="${created!.id}"] th span`)!.getAttribute('class')).toContain('pl-5');
  });

  it('refuses a taken slug, an empty name and an unknown parent, per field, and writes nothing', async () => {
    await insertCategory(db(), { name: 'Taken', slug: 'taken-category' });
    const audits = await auditCount();
    const response = await post('/admin/categories', { name: 'Other', slug: 'taken-category', parent_id: '999999' });
    expect(response.status).toBe(422);
    const page = await htmlOf(response);
    expect(textOf(page, '#field-slug-error')).toContain('already used by “Taken”');
    expect(textOf(page, '#field-parent_id-error')).toBe('Choose a parent from the list.');
    expect(page.querySelector('#field-name')!.getAttribute('value')).toBe('Other');
    const blank = await post('/admin/categories', { name: '  ', slug: 'Not A Slug!', parent_id: '' });
    expect(blank.status).toBe(422);
    const blankPage = await htmlOf(blank);
    expect(textOf(blankPage, '#field-name-error')).toBe('Enter the category’s name.');
    expect(textOf(blankPage, '#field-slug-error')).toContain('lower-case letters');
    expect(await db().selectFrom('categories').select('id').where('name', '=', 'Other').executeTakeFirst()).toBeUndefined();
    expect(await auditCount()).toBe(audits);
  });

  it('renames a category, audited with before and after, and the shop shows the new name', async () => {
    const category = await insertCategory(db(), { name: 'Pots', slug: 'pots' });
    await ctx.catalog.invalidate(); // inserted behind the cache's back, as staff screens never do
    expect(await shopHeading('pots')).toBe('Pots');
    const response = await post(`/admin/categories/${category.id}`, { name: 'Pots and Pans', slug: 'pots-and-pans', parent_id: '' });
    expect(response.status).toBe(303);
    expect(await categoryBySlug('pots-and-pans')).toMatchObject({ id: category.id, name: 'Pots and Pans' });
    const [audit] = await auditsOf(category.id);
    expect(audit).toMatchObject({ action: 'category.updated', actor_user_id: admin.id, before: { name: 'Pots', slug: 'pots' }, after: { name: 'Pots and Pans', slug: 'pots-and-pans' } });
    expect(await shopHeading('pots-and-pans')).toBe('Pots and Pans');
    expect(await shopHeading('pots')).toBe(404);
  });

  it('moves a category under another, audited as category.moved', async () => {
    const from = await insertCategory(db(), { name: 'From' });
    const to = await insertCategory(db(), { name: 'To' });
    const moving = await insertCategory(db(), { name: 'Moving', parent_id: from.id });
    const response = await post(`/admin/categories/${moving.id}`, { name: 'Moving', slug: moving.slug, parent_id: String(to.id) });
    expect(response.status).toBe(303);
    expect((await categoryBySlug(moving.slug))!.parent_id).toBe(to.id);
    const audits = await auditsOf(moving.id);
    expect(audits.map((audit) => audit.action)).toEqual(['category.moved']);
    expect(audits[0]).toMatchObject({ before: { parent_id: from.id }, after: { parent_id: to.id } });
  });

  it('refuses to move a category under itself or one of its descendants, and changes nothing', async () => {
    const top = await insertCategory(db(), { name: 'Top' });
    const middle = await insertCategory(db(), { name: 'Middle', parent_id: top.id });
    const bottom = await insertCategory(db(), { name: 'Bottom', parent_id: middle.id });
    const audits = await auditCount();
    for (const target of [bottom.id, middle.id, top.id]) {
      const response = await post(`/admin/categories/${top.id}`, { name: 'Top renamed', slug: top.slug, parent_id: String(target) });
      expect(response.status).toBe(422);
      expect(textOf(await htmlOf(response), '#field-parent_id-error')).toBe('A category cannot move under itself or one of its own subcategories.');
    }
    expect(await categoryBySlug(top.slug)).toMatchObject({ name: 'Top', parent_id: null });
    expect(await auditCount()).toBe(audits);
    // The edit page offers neither as a parent in the first place.
    const page = await htmlOf(await ctx.app.request(`/admin/categories/${top.id}`, { headers: { Cookie: cookie } }));
    const offered = page.querySelectorAll('#field-parent_id option').map((option) => option.getAttribute('value'));
    expect(offered).not.toContain(String(middle.id));
    expect(offered).not.toContain(String(top.id));
  });

  it('refuses to delete a category that holds products or subcategories, saying what it holds', async () => {
    const withProduct = await insertCategory(db(), { name: 'Stocked' });
    await insertProduct(db(), { category_id: withProduct.id });
    const withChild = await insertCategory(db(), { name: 'Parent' });
    await insertCategory(db(), { name: 'Child', parent_id: withChild.id });
    const audits = await auditCount();
    const refusedProduct = await post(`/admin/categories/${withProduct.id}/delete`, {});
    expect(refusedProduct.status).toBe(409);
    expect(textOf(await htmlOf(refusedProduct), '[role=alert]')).toBe('“Stocked” still holds 1 product. Move or delete them first.');
    const refusedChild = await post(`/admin/categories/${withChild.id}/delete`, {});
    expect(refusedChild.status).toBe(409);
    expect(textOf(await htmlOf(refusedChild), '[role=alert]')).toBe('“Parent” still holds 1 subcategory. Move or delete them first.');
    expect(await categoryBySlug(withProduct.slug)).toBeDefined();
    expect(await categoryBySlug(withChild.slug)).toBeDefined();
    expect(await auditCount()).toBe(audits);
  });

  it('deletes an empty category, audited, and it leaves the shop', async () => {
    const empty = await insertCategory(db(), { name: 'Empty shelf' });
    await ctx.catalog.invalidate();
    expect(await shopHeading(empty.slug)).toBe('Empty shelf');
    const response = await post(`/admin/categories/${empty.id}/delete`, {});
    expect(response.status).toBe(303);
    expect(await categoryBySlug(empty.slug)).toBeUndefined();
    const [audit] = await auditsOf(empty.id);
    expect(audit).toMatchObject({ action: 'category.deleted', actor_user_id: admin.id, before: { name: 'Empty shelf', slug: empty.slug } });
    expect(await shopHeading(empty.slug)).toBe(404);
  });

  it('answers 404 for a category that does not exist', async () => {
    expect((await ctx.app.request('/admin/categories/999999', { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await post('/admin/categories/999999', { name: 'Ghost', slug: '', parent_id: '' })).status).toBe(404);
    expect((await post('/admin/categories/999999/delete', {})).status).toBe(404);
  });

  it('refuses a customer with 403 on every category route that changes something, and changes nothing', async () => {
    const category = await insertCategory(db(), { name: 'Guarded' });
    const customer = await insertUser(db());
    const customerCookie = await logIn(ctx, customer.email);
    const audits = await auditCount();
    for (const path of ['/admin/categories', `/admin/categories/${category.id}`, `/admin/categories/${category.id}/delete`]) {
      expect((await post(path, { name: 'Hijacked', slug: '', parent_id: '' }, customerCookie)).status, path).toBe(403);
    }
    expect(await categoryBySlug(category.slug)).toMatchObject({ name: 'Guarded' });
    expect(await auditCount()).toBe(audits);
  });
});
