import type { OrderListRow } from '../../src/orders/admin-orders.js';
import { formatMoney } from '../../src/lib/money.js';
import { orderStatuses, statusLabels } from '../../src/orders/status.js';
import type { FieldErrors } from '../components/field.js';
import { ResultList } from './result-list.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

/** The results fragment's root: filters, sorting and paging swap only this. */
export const ORDER_RESULTS_ID = 'order-results';

/** The list's state as the address holds it (what the filter form shows). */
export interface OrderFilterValues {
  q: string;
  status: string;
  from: string;
  to: string;
  flagged: boolean;
}

export interface OrderListProps {
  layout: AdminLayoutProps;
  filters: OrderFilterValues;
  /** Filters that could not be read (and were not applied), by field. */
  errors: FieldErrors;
  rows: OrderListRow[];
  total: number;
  page: number;
  pageCount: number;
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** The list's address for these filters and page (empty filters left out, so links stay short). */
export function ordersHref(filters: OrderFilterValues, page = 1): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.status) params.set('status', filters.status);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.flagged) params.set('flagged', '1');
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/orders?${query}` : '/admin/orders';
}

export function OrdersPage(props: OrderListProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="orders" title="Orders">
      <h1 class="page-title mb-4">Orders</h1>
      <OrderFilters {...props} />
      <OrderResults {...props} />
    </AdminLayout>
  );
}

/** A plain GET form; htmx swaps only the results and pushes the address, so Back works. */
function OrderFilters({ filters, errors }: OrderListProps): JSX.Element {
  const errorOf = (name: string) => errors[name];
  const described = (name: string) => (errorOf(name) ? { 'aria-invalid': 'true', 'aria-describedby': `filter-${name}-error` } : {});
  return (
    <form
      action="/admin/orders"
      method="get"
      class="admin-toolbar"
      role="search"
      aria-label="Filter orders"
      hx-get="/admin/orders"
      hx-target={`#${ORDER_RESULTS_ID}`}
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
    >
      <div>
        <label for="filter-q" class="label">
          Order number or e-mail
        </label>
        <input id="filter-q" name="q" type="search" class="input" value={filters.q} maxlength={200} autocomplete="off" />
      </div>
      <div>
        <label for="filter-status" class="label">
          Status
        </label>
        <select id="filter-status" name="status" class="input" {...described('status')}>
          <option value="">Any status</option>
          {orderStatuses.map((status) => (
            <option value={status} selected={filters.status === status} safe>
              {statusLabels[status]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="filter-from" class="label">
          Placed from
        </label>
        <input id="filter-from" name="from" type="date" class="input" value={filters.from} {...described('from')} />
      </div>
      <div>
        <label for="filter-to" class="label">
          Placed to
        </label>
        <input id="filter-to" name="to" type="date" class="input" value={filters.to} {...described('to')} />
      </div>
      <label class="flex items-center gap-2 pb-2 text-sm">
        <input type="checkbox" name="flagged" value="1" checked={filters.flagged} />
        Flagged for review
      </label>
      <button type="submit" class="btn-primary">
        Filter
      </button>
      <a href="/admin/orders" class="text-link pb-2 text-sm">
        Clear
      </a>
    </form>
  );
}

export function OrderResults({ filters, errors, rows, total, page, pageCount }: OrderListProps): JSX.Element {
  return (
    <ResultList
      id={ORDER_RESULTS_ID}
      errors={errors}
      total={total}
      summary={total === 1 ? '1 order' : `${total} orders`}
      empty="No order matches these filters."
      label="Orders"
      caption="Orders, newest first"
      columns={[{ label: 'Order' }, { label: 'Placed' }, { label: 'Customer' }, { label: 'Items', numeric: true }, { label: 'Total', numeric: true }, { label: 'Status' }, { label: 'Payment' }]}
      rowCount={rows.length}
      page={page}
      pageCount={pageCount}
      hrefFor={(to) => ordersHref(filters, to)}
    >
      {rows.map((row) => (
        <OrderRow row={row} />
      ))}
    </ResultList>
  );
}

function OrderRow({ row }: { row: OrderListRow }): JSX.Element {
  return (
    <tr data-order-row={row.number}>
      <td class="whitespace-nowrap">
        <a href={`/admin/orders/${row.number}`} class="text-link" safe>
          {row.number}
        </a>
      </td>
      <td class="whitespace-nowrap" safe>
        {when.format(row.placed_at)}
      </td>
      <td class="max-w-56 truncate" safe>
        {row.email}
      </td>
      <td class="num" safe>
        {String(row.units)}
      </td>
      <td class="num" safe>
        {formatMoney(row.total_cents, row.currency)}
      </td>
      <td>
        <span class="status-pill" data-status={row.status} safe>
          {statusLabels[row.status]}
        </span>
      </td>
      <td class="whitespace-nowrap">
        {row.paid_at ? 'Paid' : <span class="text-slate-600">Unpaid</span>}
        {row.refunded_cents > 0 ? <span class="block text-xs text-slate-600" safe>{`${formatMoney(row.refunded_cents, row.currency)} refunded`}</span> : ''}
        {row.needs_review ? (
          <span class="block text-xs font-semibold text-red-700" data-flagged safe>
            {`Flagged: ${row.needs_review}`}
          </span>
        ) : (
          ''
        )}
      </td>
    </tr>
  );
}
