import type { AdminCategoryRow } from '../../src/catalog/category-admin.js';
import type { ProductFormValues, VariantFormValues } from '../../src/catalog/product-form.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { categoryOptions, Checkbox, FieldError, SelectField, TextArea } from './form-controls.js';
import { ProductImages, type AdminImage } from './product-images.js';

export interface ProductFormPageProps {
  layout: AdminLayoutProps;
  /** Absent for a new product. */
  product?: { id: number; slug: string; name: string; active: boolean; ordered: boolean; images: AdminImage[] };
  values: ProductFormValues;
  categories: AdminCategoryRow[];
  errors?: FieldErrors;
  /** Why an upload was refused. */
  imageError?: string;
  /** Why a delete was refused. */
  deleteError?: string;
}

/** Create or edit a product with its variants; on edit, also its pictures and deletion. */
export function ProductFormPage(props: ProductFormPageProps): JSX.Element {
  const { layout, product, values, errors } = props;
  const title = product ? `Edit ${product.name}` : 'New product';
  const errorCount = Object.keys(errors ?? {}).length;
  return (
    <AdminLayout layout={layout} section="products" title={title}>
      <p class="mb-2 text-sm">
        <a href="/admin/products" class="text-link">
          All products
        </a>
      </p>
      <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
        {product ? (
          <h1 class="page-title" safe>
            {product.name}
          </h1>
        ) : (
          <h1 class="page-title">New product</h1>
        )}
        {product?.active ? (
          <a href={`/products/${product.slug}`} class="text-link">
            View in store
          </a>
        ) : (
          ''
        )}
      </div>
      {errorCount > 0 ? <Notice tone="error" message={`Nothing was saved: ${errorCount === 1 ? 'one field needs' : `${errorCount} fields need`} fixing (marked below).`} /> : ''}
      <form method="post" action={product ? `/admin/products/${product.id}` : '/admin/products'} novalidate data-product-form>
        <DetailsPanel {...props} />
        <VariantsPanel values={values} errors={errors} />
        <div class="mb-6 flex flex-wrap gap-3">
          <button type="submit" class="btn-primary">
            {product ? 'Save product' : 'Create product'}
          </button>
        </div>
      </form>
      {product ? <ProductImages productId={product.id} images={product.images} error={props.imageError} /> : ''}
      {product ? <DeletePanel product={product} error={props.deleteError} /> : ''}
    </AdminLayout>
  );
}

function DetailsPanel({ values, errors, categories }: ProductFormPageProps): JSX.Element {
  return (
    <section class="panel" aria-labelledby="product-details-heading">
      <h2 id="product-details-heading" class="section-title mb-4">
        Details
      </h2>
      <div class="grid gap-x-6 md:grid-cols-2">
        <Field name="name" label="Name" value={values.name} errors={errors} maxlength={200} />
        <Field name="slug" label="Slug (optional)" hint="The product’s address in the shop; made from the name when left empty." value={values.slug} errors={errors} maxlength={120} required={false} />
        <Field name="brand" label="Brand (optional)" value={values.brand} errors={errors} maxlength={100} required={false} />
        <SelectField name="category_id" label="Category" value={values.category_id} options={categoryOptions(categories, 'No category')} errors={errors} />
      </div>
      <TextArea name="description" label="Description" hint="Plain text, shown on the product page as written." value={values.description} errors={errors} rows={6} maxlength={10000} />
      <Field name="tags" label="Tags (optional)" hint="Separated by commas." value={values.tags} errors={errors} maxlength={2000} required={false} />
      <div class="flex flex-wrap gap-x-6">
        <Checkbox name="active" label="Active (shown in the shop)" checked={values.active} />
        <Checkbox name="featured" label="Featured on the home page" checked={values.featured} />
      </div>
      <h3 class="mt-2 mb-2 font-semibold">Search engines</h3>
      <div class="grid gap-x-6 md:grid-cols-2">
        <Field name="seo_title" label="SEO title (optional)" hint="Defaults to the name." value={values.seo_title} errors={errors} maxlength={120} required={false} />
        <TextArea name="seo_description" label="SEO description (optional)" value={values.seo_description} errors={errors} rows={2} maxlength={320} />
      </div>
    </section>
  );
}

/** The option slots shown as columns: the named ones, and any a variant already fills. */
function shownSlots(values: ProductFormValues): number[] {
  return [0, 1, 2].filter((slot) => values.option_names[slot]?.trim() || values.variants.some((variant) => variant.options[slot]?.trim()));
}

function VariantsPanel({ values, errors }: { values: ProductFormValues; errors: FieldErrors | undefined }): JSX.Element {
  const slots = shownSlots(values);
  return (
    <section class="panel" aria-labelledby="product-variants-heading">
      <h2 id="product-variants-heading" class="section-title mb-2">
        Options and variants
      </h2>
      <p class="mb-4 text-sm text-slate-700">Name up to three options (e.g. Size, Colour); each variant then has a value for each. Prices in major units (12.50). A removed variant that was ever ordered is deactivated instead of deleted.</p>
      <div class="grid gap-x-6 sm:grid-cols-3">
        {[0, 1, 2].map((slot) => (
          <Field name={`option${slot + 1}_name`} label={`Option ${slot + 1} name`} value={values.option_names[slot] ?? ''} errors={errors} maxlength={40} required={false} />
        ))}
      </div>
      {errors?.variants ? <Notice tone="error" message={errors.variants} /> : ''}
      <div class="table-wrap relative">
        <table class="data-table variant-table" data-variants>
          <caption class="sr-only">Variants</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              {slots.map((slot) => (
                <th scope="col" safe>
                  {values.option_names[slot]?.trim() || `Option ${slot + 1}`}
                </th>
              ))}
              <th scope="col">Price</th>
              <th scope="col">Compare-at</th>
              <th scope="col">Stock</th>
              <th scope="col">Weight (g)</th>
              <th scope="col">Active</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {values.variants.map((variant, row) => (
              <VariantRow row={row} variant={variant} slots={slots} optionNames={values.option_names} errors={errors} />
            ))}
          </tbody>
        </table>
      </div>
      <button type="submit" name="add_variant" value="1" class="btn-secondary" formnovalidate>
        Add a variant
      </button>
    </section>
  );
}

function Cell({ name, label, value, errors, inputmode, width = 'w-24' }: { name: string; label: string; value: string; errors: FieldErrors | undefined; inputmode?: 'decimal' | 'numeric'; width?: string }): JSX.Element {
  const id = `field-${name}`;
  const error = errors?.[name];
  return (
    <td>
      <label for={id} class="sr-only" safe>
        {label}
      </label>
      <input id={id} name={name} type="text" class={`input ${width}`} value={value} inputmode={inputmode} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      <FieldError id={id} error={error} />
    </td>
  );
}

function VariantRow({ row, variant, slots, optionNames, errors }: { row: number; variant: VariantFormValues; slots: number[]; optionNames: string[]; errors: FieldErrors | undefined }): JSX.Element {
  const p = `v${row}_`;
  const which = variant.sku ? `variant ${variant.sku}` : `variant ${row + 1}`;
  return (
    <tr data-variant-row={String(row)}>
      <Cell name={`${p}sku`} label={`SKU of ${which}`} value={variant.sku} errors={errors} width="w-44" />
      {slots.map((slot) => (
        <Cell name={`${p}option${slot + 1}`} label={`${optionNames[slot]?.trim() || `Option ${slot + 1}`} of ${which}`} value={variant.options[slot] ?? ''} errors={errors} width="w-28" />
      ))}
      <Cell name={`${p}price`} label={`Price of ${which}`} value={variant.price} errors={errors} inputmode="decimal" />
      <Cell name={`${p}compare_at`} label={`Compare-at price of ${which}`} value={variant.compare_at} errors={errors} inputmode="decimal" />
      <Cell name={`${p}stock`} label={`Stock of ${which}`} value={variant.stock} errors={errors} inputmode="numeric" width="w-20" />
      <Cell name={`${p}weight`} label={`Weight in grams of ${which}`} value={variant.weight} errors={errors} inputmode="numeric" width="w-20" />
      <td>
        <input type="hidden" name={`${p}id`} value={variant.id} />
        <input type="hidden" name={`${p}stock_was`} value={variant.stock_was} />
        <label for={`field-${p}active`} class="sr-only" safe>{`${which} is active`}</label>
        <input id={`field-${p}active`} name={`${p}active`} type="checkbox" value="1" class="checkbox" checked={variant.active} />
      </td>
      <td>
        <label for={`field-${p}remove`} class="sr-only" safe>{`Remove ${which}`}</label>
        <input id={`field-${p}remove`} name={`${p}remove`} type="checkbox" value="1" class="checkbox" checked={variant.remove} />
      </td>
    </tr>
  );
}

function DeletePanel({ product, error }: { product: NonNullable<ProductFormPageProps['product']>; error: string | undefined }): JSX.Element {
  return (
    <section class="panel" aria-labelledby="delete-product-heading">
      <h2 id="delete-product-heading" class="section-title mb-2">
        Delete
      </h2>
      {error ? <Notice tone="error" message={error} /> : ''}
      {product.ordered ? (
        <p class="text-sm text-slate-700">This product has been ordered, so it is kept for those orders. Untick Active above to take it out of the shop.</p>
      ) : (
        <form method="post" action={`/admin/products/${product.id}/delete`} class="flex flex-wrap items-center gap-3">
          <p class="text-sm text-slate-700">Deletes the product, its variants and pictures for good (it was never ordered).</p>
          <button type="submit" class="btn-secondary">
            Delete product
          </button>
        </form>
      )}
    </section>
  );
}
