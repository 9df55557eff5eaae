import type { AdminCategoryRow } from '../../src/catalog/category-admin.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { categoryOptions, SelectField } from './form-controls.js';

export interface CategoryValues {
  name: string;
  slug: string;
  parent_id: string;
}

export const emptyCategoryValues: CategoryValues = { name: '', slug: '', parent_id: '' };

export interface CategoriesPageProps {
  layout: AdminLayoutProps;
  categories: AdminCategoryRow[];
  values?: CategoryValues;
  errors?: FieldErrors;
}

/** The category tree, indented, with a form to add a category. */
export function CategoriesPage({ layout, categories, values = emptyCategoryValues, errors }: CategoriesPageProps): JSX.Element {
  return (
    <AdminLayout layout={layout} section="categories" title="Categories">
      <h1 class="page-title mb-4">Categories</h1>
      {categories.length === 0 ? (
        <p class="mb-6 text-sm text-slate-600">No categories yet.</p>
      ) : (
        <div class="table-wrap relative">
          <table class="data-table" data-category-tree>
            <caption class="sr-only">Categories, each followed by its subcategories</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col" class="num">
                  Products
                </th>
                <th scope="col" class="num">
                  Subcategories
                </th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {categories.map((category) => (
                <CategoryRow category={category} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="panel max-w-xl" aria-labelledby="new-category-heading">
        <h2 id="new-category-heading" class="section-title mb-4">
          Add a category
        </h2>
        <CategoryForm action="/admin/categories" values={values} errors={errors} categories={categories} submitLabel="Add category" />
      </section>
    </AdminLayout>
  );
}

/** Whole class names, so Tailwind's scanner finds them: one step of indent per level. */
const INDENT = ['inline-block', 'inline-block pl-5', 'inline-block pl-10', 'inline-block pl-15', 'inline-block pl-20'];

function CategoryRow({ category }: { category: AdminCategoryRow }): JSX.Element {
  return (
    <tr data-category={String(category.id)}>
      <th scope="row" class="font-normal">
        <span class={INDENT[Math.min(category.depth, INDENT.length - 1)]}>
          {category.depth > 0 ? <span aria-hidden="true">└ </span> : ''}
          <a href={`/admin/categories/${category.id}`} class="text-link" safe>
            {category.name}
          </a>
        </span>
      </th>
      <td safe>{category.slug}</td>
      <td class="num">{category.product_count}</td>
      <td class="num">{category.children.length}</td>
      <td>
        <a href={`/categories/${category.slug}`} class="text-link whitespace-nowrap">
          View in store<span class="sr-only" safe>{`: ${category.name}`}</span>
        </a>
      </td>
    </tr>
  );
}

function CategoryForm({ action, values, errors, categories, submitLabel }: { action: string; values: CategoryValues; errors: FieldErrors | undefined; categories: AdminCategoryRow[]; submitLabel: string }): JSX.Element {
  return (
    <form method="post" action={action} novalidate>
      <Field name="name" label="Name" value={values.name} errors={errors} maxlength={100} />
      <Field name="slug" label="Slug (optional)" hint="Made from the name when left empty; used in the shop’s address for the category." value={values.slug} errors={errors} maxlength={120} required={false} />
      <SelectField name="parent_id" label="Parent" value={values.parent_id} options={categoryOptions(categories, 'None (a top-level category)')} errors={errors} />
      <button type="submit" class="btn-primary" safe>
        {submitLabel}
      </button>
    </form>
  );
}

export interface CategoryEditPageProps {
  layout: AdminLayoutProps;
  category: AdminCategoryRow;
  /** Every category it may move under (not itself nor one below it). */
  parents: AdminCategoryRow[];
  values: CategoryValues;
  errors?: FieldErrors;
  /** Why a delete was refused. */
  deleteError?: string;
}

/** Rename or move one category; delete it when it is empty. */
export function CategoryEditPage({ layout, category, parents, values, errors, deleteError }: CategoryEditPageProps): JSX.Element {
  const empty = category.product_count === 0 && category.children.length === 0;
  return (
    <AdminLayout layout={layout} section="categories" title={`Category: ${category.name}`}>
      <p class="mb-2 text-sm">
        <a href="/admin/categories" class="text-link">
          All categories
        </a>
      </p>
      <h1 class="page-title mb-4" safe>
        {category.name}
      </h1>
      <section class="panel max-w-xl" aria-labelledby="edit-category-heading">
        <h2 id="edit-category-heading" class="section-title mb-4">
          Rename or move
        </h2>
        <CategoryForm action={`/admin/categories/${category.id}`} values={values} errors={errors} categories={parents} submitLabel="Save category" />
      </section>
      <section class="panel max-w-xl" aria-labelledby="delete-category-heading">
        <h2 id="delete-category-heading" class="section-title mb-2">
          Delete
        </h2>
        {deleteError ? <Notice tone="error" message={deleteError} /> : ''}
        <p class="mb-4 text-sm text-slate-700" safe>
          {empty
            ? 'This category holds no products and no subcategories, so it can be deleted.'
            : `It holds ${category.product_count} ${category.product_count === 1 ? 'product' : 'products'} and ${category.children.length} ${category.children.length === 1 ? 'subcategory' : 'subcategories'}: only an empty category can be deleted.`}
        </p>
        <form method="post" action={`/admin/categories/${category.id}/delete`}>
          <button type="submit" class="btn-secondary">
            Delete category
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}
