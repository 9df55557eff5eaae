import type { AdminCategoryRow } from '../../src/catalog/category-admin.js';
import { defaultDirection, type AdminProductPage, type AdminProductQuery, type AdminProductRow } from '../../src/catalog/product-list-admin.js';
import { formatMoney } from '../../src/lib/money.js';
import { Pagination } from '../components/pagination.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { categoryOptions, type SelectOption } from './form-controls.js';

/** The root of the results fragment that filters, sorting and paging swap. */
export const PRODUCT_RESULTS_ID = 'admin-product-results';

export interface ProductsPageProps {
  layout: AdminLayoutProps;
  query: AdminProductQuery;
  result: AdminProductPage;
  categories: AdminCategoryRow[];
}

const SORT_OPTIONS: SelectOption[] = [
  { value: 'updated', label: 'Last updated' },
  { value: 'newest', label: 'Date added' },
  { value: 'name', label: 'Name' },
  { value: 'price', label: 'Price' },
  { value: 'stock', label: 'Stock' },
];

/** The list's address for a query: only what differs from the defaults, so links stay short. */
export function productListHref(query: AdminProductQuery, page = query.page): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.category !== undefined) params.set('category', String(query.category));
  if (query.status) params.set('status', query.status);
  if (query.stock) params.set('stock', query.stock);
  if (query.sort !== 'updated') params.set('sort', query.sort);
  if (query.dir && query.dir !== defaultDirection(query.sort)) params.set('dir', query.dir);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `/admin/products?${text}` : '/admin/products';
}

export function ProductsPage(props: ProductsPageProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="products" title="Products">
      <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 class="page-title">Products</h1>
        <a href="/admin/products/new" class="btn-primary">
          Add a product
        </a>
      </div>
      <Filters {...props} />
      <ProductResults currency={props.layout.currency} query={props.query} result={props.result} />
    </AdminLayout>
  );
}

function Select({ id, name, label, value, options }: { id: string; name: string; label: string; value: string; options: SelectOption[] }): JSX.Element {
  return (
    <div>
      <label for={id} class="label" safe>
        {label}
      </label>
      <select id={id} name={name} class="input w-auto">
        {options.map((option) => (
          <option value={option.value} selected={option.value === value} safe>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A plain GET form; with htmx, a change swaps only the results and pushes the address, and
 * the newest request wins (hx-sync) so a slow answer never replaces a newer one.
 */
function Filters({ query, categories }: ProductsPageProps): JSX.Element {
  const direction = query.dir ?? defaultDirection(query.sort);
  return (
    <form
      method="get"
      action="/admin/products"
      role="search"
      autocomplete="off"
      class="admin-toolbar"
      hx-get="/admin/products"
      hx-target={`#${PRODUCT_RESULTS_ID}`}
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
    >
      <div>
        <label for="product-search" class="label">
          Search
        </label>
        <input id="product-search" name="q" type="search" class="input w-64 max-w-full" value={query.q ?? ''} placeholder="Name, SKU or slug" maxlength="100" />
      </div>
      <Select id="product-category" name="category" label="Category" value={query.category === undefined ? '' : String(query.category)} options={categoryOptions(categories, 'All categories')} />
      <Select
        id="product-status"
        name="status"
        label="Status"
        value={query.status ?? ''}
        options={[
          { value: '', label: 'Active and inactive' },
          { value: 'active', label: 'Active' },
          { value: 'inactive', label: 'Inactive' },
        ]}
      />
      <Select
        id="product-stock"
        name="stock"
        label="Stock"
        value={query.stock ?? ''}
        options={[
          { value: '', label: 'Any stock' },
          { value: 'low', label: 'Low stock' },
          { value: 'out', label: 'Out of stock' },
        ]}
      />
      <Select id="product-sort" name="sort" label="Sort by" value={query.sort} options={SORT_OPTIONS} />
      <Select
        id="product-dir"
        name="dir"
        label="Order"
        value={direction}
        options={[
          { value: 'asc', label: 'Ascending' },
          { value: 'desc', label: 'Descending' },
        ]}
      />
      <button type="submit" class="btn-secondary">
        Apply
      </button>
    </form>
  );
}

function priceRange(row: AdminProductRow, currency: string): string {
  if (row.price_min_cents === null || row.price_max_cents === null) return '—';
  const low = formatMoney(row.price_min_cents, currency);
  return row.price_max_cents > row.price_min_cents ? `${low} – ${formatMoney(row.price_max_cents, currency)}` : low;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** The results: count, table and paging; the fragment htmx swaps. */
export function ProductResults({ currency, query, result }: { currency: string; query: AdminProductQuery; result: AdminProductPage }): JSX.Element {
  const sortLabel = SORT_OPTIONS.find((option) => option.value === query.sort)?.label ?? '';
  const direction = query.dir ?? defaultDirection(query.sort);
  return (
    <div id={PRODUCT_RESULTS_ID}>
      <p class="mb-2 text-sm text-slate-700" role="status" data-result-count={String(result.total)} safe>
        {`${result.total} product${result.total === 1 ? '' : 's'} · sorted by ${sortLabel.toLowerCase()}, ${direction === 'asc' ? 'ascending' : 'descending'}`}
      </p>
      {result.rows.length === 0 ? (
        <p class="panel text-sm text-slate-700">No products match these filters.</p>
      ) : (
        <div class="table-wrap relative">
          <table class="data-table">
            <caption class="sr-only">Products</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" class="num">
                  SKUs
                </th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  Stock
                </th>
                <th scope="col">Status</th>
                <th scope="col">Updated (UTC)</th>
                <th scope="col">
                  <span class="sr-only">In the store</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr data-product-row={String(row.id)}>
                  <th scope="row" class="font-medium">
                    <a href={`/admin/products/${row.id}`} class="text-link" safe>
                      {row.name}
                    </a>
                  </th>
                  <td class="num">{row.sku_count}</td>
                  <td class="num whitespace-nowrap" safe>
                    {priceRange(row, currency)}
                  </td>
                  <td class="num">{row.stock_total}</td>
                  <td>
                    <span class={row.active ? 'status-pill' : 'status-pill status-pill-muted'}>{row.active ? 'Active' : 'Inactive'}</span>
                  </td>
                  <td class="whitespace-nowrap">
                    <time datetime={row.updated_at.toISOString()} safe>
                      {dateFormat.format(row.updated_at)}
                    </time>
                  </td>
                  <td>
                    {row.active ? (
                      <a href={`/products/${row.slug}`} class="text-link whitespace-nowrap">
                        View in store<span class="sr-only" safe>{`: ${row.name}`}</span>
                      </a>
                    ) : (
                      <span class="text-xs text-slate-600">Hidden from the store</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={result.page} pageCount={result.pageCount} hrefFor={(page) => productListHref(query, page)} target={PRODUCT_RESULTS_ID} />
    </div>
  );
}
