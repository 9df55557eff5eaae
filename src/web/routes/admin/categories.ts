import { Hono, type Context } from 'hono';
import {
  categoryForm,
  CategoryFormError,
  CategoryNotEmptyError,
  createCategory,
  deleteCategory,
  listCategoriesForAdmin,
  updateCategory,
  type AdminCategoryRow,
} from '../../../catalog/category-admin.js';
import { descendantIds } from '../../../catalog/categories.js';
import { CategoriesPage, CategoryEditPage, type CategoryValues } from '../../../../views/admin/categories.js';
import type { FieldErrors } from '../../../../views/components/field.js';
import { adminLayoutFor, flash, idParam, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { fieldErrors, readForm } from '../../forms.js';
import { redirectTo, renderPage } from '../../render.js';

/** What a refused form shows again, clipped. */
const echo = (fields: Record<string, string>): CategoryValues => ({
  name: (fields.name ?? '').slice(0, 200),
  slug: (fields.slug ?? '').slice(0, 200),
  parent_id: (fields.parent_id ?? '').slice(0, 12),
});

export function adminCategoryRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;

  const listPage = async (c: Context<AppEnv>, form: { values?: CategoryValues; errors?: FieldErrors } = {}, status: 200 | 422 = 200) => {
    const [layout, categories] = await Promise.all([adminLayoutFor(deps, c), listCategoriesForAdmin(db)]);
    return renderPage(c, { page: () => CategoriesPage({ layout, categories, ...form }) }, status);
  };
  const editPage = async (c: Context<AppEnv>, id: number, form: { values?: CategoryValues; errors?: FieldErrors; deleteError?: string } = {}, status: 200 | 409 | 422 = 200) => {
    const [layout, categories] = await Promise.all([adminLayoutFor(deps, c), listCategoriesForAdmin(db)]);
    const category = categories.find((row) => row.id === id);
    if (!category) throw new NotFoundError();
    const below = new Set(descendantIds(category));
    const parents = categories.filter((row: AdminCategoryRow) => !below.has(row.id));
    const values = form.values ?? { name: category.name, slug: category.slug, parent_id: category.parent_id === null ? '' : String(category.parent_id) };
    return renderPage(c, { page: () => CategoryEditPage({ layout, category, parents, ...form, values }) }, status);
  };

  app.get('/admin/categories', (c) => listPage(c));

  app.post('/admin/categories', async (c) => {
    const fields = await readForm(c);
    const parsed = categoryForm.safeParse(fields);
    if (!parsed.success) return listPage(c, { values: echo(fields), errors: fieldErrors(parsed.error) }, 422);
    try {
      await createCategory(db, staffActor(deps, c), parsed.data);
    } catch (error) {
      if (error instanceof CategoryFormError) return listPage(c, { values: echo(fields), errors: error.errors }, 422);
      throw error;
    }
    await deps.catalog.invalidate();
    await flash(deps, c, `Category “${parsed.data.name}” added.`);
    return redirectTo(c, '/admin/categories');
  });

  app.get('/admin/categories/:id', (c) => editPage(c, idParam(c)));

  app.post('/admin/categories/:id', async (c) => {
    const id = idParam(c);
    const fields = await readForm(c);
    const parsed = categoryForm.safeParse(fields);
    if (!parsed.success) return editPage(c, id, { values: echo(fields), errors: fieldErrors(parsed.error) }, 422);
    try {
      if ((await updateCategory(db, staffActor(deps, c), id, parsed.data)) === 'missing') throw new NotFoundError();
    } catch (error) {
      if (error instanceof CategoryFormError) return editPage(c, id, { values: echo(fields), errors: error.errors }, 422);
      throw error;
    }
    await deps.catalog.invalidate();
    await flash(deps, c, `Category “${parsed.data.name}” saved.`);
    return redirectTo(c, '/admin/categories');
  });

  app.post('/admin/categories/:id/delete', async (c) => {
    const id = idParam(c);
    try {
      if (!(await deleteCategory(db, staffActor(deps, c), id))) throw new NotFoundError();
    } catch (error) {
      if (error instanceof CategoryNotEmptyError) return editPage(c, id, { deleteError: error.message }, 409);
      throw error;
    }
    await deps.catalog.invalidate();
    await flash(deps, c, 'Category deleted.');
    return redirectTo(c, '/admin/categories');
  });

  return app;
}
