import type { InventoryRow, StockFilter, StockMovementRow, StockStatus } from '../../src/catalog/inventory.js';
import { STOCK_REASONS, type AdjustFormValues, type FormProblems } from '../../src/catalog/stock-adjust.js';
import { Pagination } from '../components/pagination.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { ErrorText, errorAttrs } from './coupon-form.js';

export const INVENTORY_RESULTS_ID = 'inventory-results';
export const STOCK_HISTORY_ID = 'stock-history';

const statusText: Record<StockStatus, string> = { out: 'Out of stock', low: 'Low', ok: 'In stock' };
const statusClass: Record<StockStatus, string> = { out: 'status-pill stock-out', low: 'status-pill stock-low', ok: 'status-pill' };
const filterLabels: Record<StockFilter, string> = { all: 'All variants', low: 'Low or out of stock', out: 'Out of stock' };
const reasonLabels: Record<string, string> = {
  received: 'Received',
  damaged: 'Damaged',
  correction: 'Correction',
  returned: 'Returned',
  other: 'Other',
  sale: 'Sale',
  cancelled: 'Order cancelled',
  refund: 'Refund',
  created: 'Created',
  unrecorded: 'Not recorded',
};
const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export interface InventoryListProps {
  layout: AdminLayoutProps;
  q: string;
  filter: StockFilter;
  rows: InventoryRow[];
  total: number;
  page: number;
  perPage: number;
  storeThreshold: number;
  /** The store-default form, re-shown after a refusal. */
  settings?: { value: string; error?: string };
}

export function inventoryHref(q: string, filter: StockFilter, page = 1): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (filter !== 'all') params.set('filter', filter);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/inventory?${query}` : '/admin/inventory';
}

function thresholdText(row: Pick<InventoryRow, 'ownThreshold' | 'threshold'>): string {
  return row.ownThreshold === null ? `${row.threshold} (default)` : String(row.threshold);
}

function optionsText(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
}

export function InventoryPage(props: InventoryListProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="inventory" title="Inventory">
      <h1 class="page-title mb-4">Inventory</h1>
      <form method="get" action="/admin/inventory" class="admin-toolbar" hx-get="/admin/inventory" hx-target={`#${INVENTORY_RESULTS_ID}`} hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change from:#inventory-filter" role="search" aria-label="Inventory">
        <div>
          <label for="inventory-q" class="label">
            SKU or product name
          </label>
          <input id="inventory-q" name="q" type="search" class="input" value={props.q} maxlength={100} />
        </div>
        <div>
          <label for="inventory-filter" class="label">
            Show
          </label>
          <select id="inventory-filter" name="filter" class="input">
            {(['all', 'low', 'out'] as const).map((filter) => (
              <option value={filter} selected={filter === props.filter} safe>
                {filterLabels[filter]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn-secondary">
          Search
        </button>
      </form>
      <InventoryResults {...props} />
      <StoreThresholdForm storeThreshold={props.storeThreshold} settings={props.settings} />
    </AdminLayout>
  );
}

export function InventoryResults(props: InventoryListProps): JSX.Element {
  const pageCount = Math.max(1, Math.ceil(props.total / props.perPage));
  return (
    <section id={INVENTORY_RESULTS_ID} aria-label="Variants" data-loading-dim>
      <p class="mb-3 text-sm text-slate-600" role="status">
        <span data-result-count>{props.total}</span> {props.total === 1 ? 'variant' : 'variants'}
        {props.q ? <span safe>{` matching “${props.q}”`}</span> : ''}
      </p>
      {props.rows.length === 0 ? (
        <p class="panel text-slate-700">No variants match. Try another search or show all variants.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">SKU</th>
                <th scope="col">Options</th>
                <th scope="col" class="num">
                  Stock
                </th>
                <th scope="col" class="num">
                  Low at
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr data-variant={row.sku}>
                  <td>
                    <a class="text-link" href={`/admin/products/${row.productId}`} safe>
                      {row.productName}
                    </a>
                  </td>
                  <td class="font-mono text-xs" safe>
                    {row.sku}
                  </td>
                  <td safe>{optionsText(row.options)}</td>
                  <td class="num" data-stock>
                    {row.stock}
                  </td>
                  <td class="num whitespace-nowrap" safe>
                    {thresholdText(row)}
                  </td>
                  <td>
                    <span class={statusClass[row.status]} data-stock-status={row.status} safe>
                      {statusText[row.status]}
                    </span>
                  </td>
                  <td>
                    <a class="text-link whitespace-nowrap" href={`/admin/inventory/${row.variantId}`}>
                      Adjust<span class="sr-only" safe>{` ${row.sku}`}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={props.page} pageCount={pageCount} target={INVENTORY_RESULTS_ID} hrefFor={(page) => inventoryHref(props.q, props.filter, page)} />
    </section>
  );
}

function StoreThresholdForm({ storeThreshold, settings }: { storeThreshold: number; settings?: { value: string; error?: string } }): JSX.Element {
  const error = settings?.error;
  return (
    <section class="panel mt-6 max-w-xl" aria-labelledby="store-threshold-heading">
      <h2 id="store-threshold-heading" class="section-title mb-2">
        Store low-stock threshold
      </h2>
      <p class="mb-3 text-sm text-slate-600">A variant without its own threshold is low when its stock is at or below this.</p>
      <form method="post" action="/admin/inventory/settings" class="flex flex-wrap items-end gap-3">
        <div>
          <label for="field-low_stock_threshold" class="label">
            Threshold
          </label>
          <input id="field-low_stock_threshold" name="low_stock_threshold" class="input w-32" inputmode="numeric" required value={settings?.value ?? String(storeThreshold)} {...errorAttrs('field-low_stock_threshold', error)} />
        </div>
        <button type="submit" class="btn-primary">
          Save threshold
        </button>
        <ErrorText id="field-low_stock_threshold" error={error} />
      </form>
    </section>
  );
}

export interface VariantStockProps {
  layout: AdminLayoutProps;
  variant: InventoryRow;
  storeThreshold: number;
  movements: StockMovementRow[];
  total: number;
  page: number;
  perPage: number;
  adjust?: { values: AdjustFormValues; errors: FormProblems };
  threshold?: { value: string; error?: string };
}

export function VariantStockPage(props: VariantStockProps): JSX.Element {
  const { variant } = props;
  return (
    <AdminLayout layout={props.layout} section="inventory" title={`Stock of ${variant.sku}`}>
      <p class="mb-2 text-sm">
        <a class="text-link" href="/admin/inventory">
          Inventory
        </a>
      </p>
      <h1 class="page-title" safe>
        {variant.productName}
      </h1>
      <p class="mt-1 mb-6 text-sm text-slate-600">
        SKU <span class="font-mono" safe>{variant.sku}</span>
        {Object.keys(variant.options).length ? <span safe>{` · ${optionsText(variant.options)}`}</span> : ''}
        {variant.active ? '' : ' · not on sale'}
      </p>
      <dl class="stat-grid">
        <div class="stat">
          <dt>In stock</dt>
          <dd data-stock>{variant.stock}</dd>
        </div>
        <div class="stat">
          <dt>Low at</dt>
          <dd safe>{thresholdText(variant)}</dd>
        </div>
        <div class="stat">
          <dt>Status</dt>
          <dd>
            <span class={statusClass[variant.status]} safe>
              {statusText[variant.status]}
            </span>
          </dd>
        </div>
      </dl>
      <div class="grid gap-6 lg:grid-cols-2">
        <AdjustForm {...props} />
        <ThresholdForm {...props} />
      </div>
      <StockHistory {...props} />
    </AdminLayout>
  );
}

function AdjustForm({ variant, adjust }: VariantStockProps): JSX.Element {
  const values = adjust?.values ?? { mode: 'change', reason: 'received' };
  const errors = adjust?.errors ?? {};
  return (
    <section class="panel" aria-labelledby="adjust-heading">
      <h2 id="adjust-heading" class="section-title mb-3">
        Adjust stock
      </h2>
      {Object.keys(errors).length ? <p class="notice notice-error" role="alert">Nothing was changed. Check the fields below.</p> : ''}
      <form method="post" action={`/admin/inventory/${variant.variantId}/adjust`}>
        <fieldset class="field" {...errorAttrs('field-mode', errors.mode)}>
          <legend class="label">How</legend>
          <div class="flex flex-wrap gap-4 text-sm">
            <label class="flex items-center gap-2">
              <input type="radio" name="mode" value="change" checked={values.mode !== 'count'} /> Add or take away
            </label>
            <label class="flex items-center gap-2">
              <input type="radio" name="mode" value="count" checked={values.mode === 'count'} /> Set to a counted quantity
            </label>
          </div>
          <ErrorText id="field-mode" error={errors.mode} />
        </fieldset>
        <div class="field">
          <label for="field-quantity" class="label">
            Quantity
          </label>
          <p id="field-quantity-hint" class="field-hint">
            To add or take away: 12 or -3. To set: what you counted.
          </p>
          <input id="field-quantity" name="quantity" class="input w-40" inputmode="numeric" required value={values.quantity ?? ''} {...errorAttrs('field-quantity', errors.quantity, true)} />
          <ErrorText id="field-quantity" error={errors.quantity} />
        </div>
        <div class="field">
          <label for="field-reason" class="label">
            Reason
          </label>
          <select id="field-reason" name="reason" class="input" required {...errorAttrs('field-reason', errors.reason)}>
            {STOCK_REASONS.map((reason) => (
              <option value={reason} selected={values.reason === reason} safe>
                {reasonLabels[reason]}
              </option>
            ))}
          </select>
          <ErrorText id="field-reason" error={errors.reason} />
        </div>
        <div class="field">
          <label for="field-note" class="label">
            Note (optional, required for “other”)
          </label>
          <input id="field-note" name="note" class="input" maxlength={500} value={values.note ?? ''} {...errorAttrs('field-note', errors.note)} />
          <ErrorText id="field-note" error={errors.note} />
        </div>
        <button type="submit" class="btn-primary">
          Adjust stock
        </button>
      </form>
    </section>
  );
}

function ThresholdForm({ variant, storeThreshold, threshold }: VariantStockProps): JSX.Element {
  const error = threshold?.error;
  return (
    <section class="panel" aria-labelledby="threshold-heading">
      <h2 id="threshold-heading" class="section-title mb-3">
        Low-stock threshold
      </h2>
      <form method="post" action={`/admin/inventory/${variant.variantId}/threshold`}>
        <div class="field">
          <label for="field-threshold" class="label">
            Low at or below
          </label>
          <p id="field-threshold-hint" class="field-hint">
            Leave empty to use the store’s default ({storeThreshold}).
          </p>
          <input id="field-threshold" name="threshold" class="input w-32" inputmode="numeric" value={threshold?.value ?? (variant.ownThreshold === null ? '' : String(variant.ownThreshold))} {...errorAttrs('field-threshold', error, true)} />
          <ErrorText id="field-threshold" error={error} />
        </div>
        <button type="submit" class="btn-secondary">
          Save threshold
        </button>
      </form>
    </section>
  );
}

export function StockHistory(props: VariantStockProps): JSX.Element {
  const pageCount = Math.max(1, Math.ceil(props.total / props.perPage));
  return (
    <section id={STOCK_HISTORY_ID} class="mt-6" aria-labelledby="history-heading" data-loading-dim>
      <h2 id="history-heading" class="section-title mb-3">
        Stock history
      </h2>
      {props.movements.length === 0 ? (
        <p class="text-sm text-slate-600">No stock changes yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col" class="num">
                  Change
                </th>
                <th scope="col" class="num">
                  Stock after
                </th>
                <th scope="col">Reason</th>
                <th scope="col">Note</th>
                <th scope="col">Who</th>
              </tr>
            </thead>
            <tbody>
              {props.movements.map((movement) => (
                <tr data-movement={String(movement.id)}>
                  <td class="whitespace-nowrap">
                    <time datetime={movement.occurredAt.toISOString()} safe>
                      {when.format(movement.occurredAt)}
                    </time>
                  </td>
                  <td class="num" data-delta safe>
                    {movement.delta > 0 ? `+${movement.delta}` : `−${Math.abs(movement.delta)}`}
                  </td>
                  <td class="num">{movement.stockAfter}</td>
                  <td data-reason safe>
                    {reasonLabels[movement.reason] ?? movement.reason}
                  </td>
                  <td data-note safe>
                    {movement.note}
                  </td>
                  <td data-actor>{movement.actor ? <span safe>{movement.actor.email}</span> : 'System'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={props.page} pageCount={pageCount} target={STOCK_HISTORY_ID} hrefFor={(page) => `/admin/inventory/${props.variant.variantId}${page > 1 ? `?page=${page}` : ''}`} />
    </section>
  );
}
