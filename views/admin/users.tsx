import type { UserFilterValues, UserListRow } from '../../src/accounts/customer-admin.js';
import type { FieldErrors } from '../components/field.js';
import { ResultList } from './result-list.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

/** The results fragment's root: filters and paging swap only this. */
export const USER_RESULTS_ID = 'user-results';

export interface UserListProps {
  layout: AdminLayoutProps;
  filters: UserFilterValues;
  /** Filters that could not be read (and were not applied), by field. */
  errors: FieldErrors;
  rows: UserListRow[];
  total: number;
  page: number;
  pageCount: number;
}

const day = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

export function usersHref(filters: UserFilterValues, page = 1): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.role) params.set('role', filters.role);
  if (filters.status) params.set('status', filters.status);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/users?${query}` : '/admin/users';
}

export function UsersPage(props: UserListProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="customers" title="Customers">
      <h1 class="page-title mb-4">Customers</h1>
      <UserFilters {...props} />
      <UserResults {...props} />
    </AdminLayout>
  );
}

function Choice({ id, name, label, value, options, error }: { id: string; name: string; label: string; value: string; options: [string, string][]; error?: string }): JSX.Element {
  return (
    <div>
      <label for={id} class="label" safe>
        {label}
      </label>
      <select id={id} name={name} class="input" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `filter-${name}-error` : undefined}>
        {options.map(([option, text]) => (
          <option value={option} selected={value === option} safe>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A plain GET form; htmx swaps only the results and pushes the address, so Back works. */
function UserFilters({ filters, errors }: UserListProps): JSX.Element {
  return (
    <form
      action="/admin/users"
      method="get"
      class="admin-toolbar"
      role="search"
      aria-label="Filter customers"
      hx-get="/admin/users"
      hx-target={`#${USER_RESULTS_ID}`}
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
    >
      <div>
        <label for="filter-q" class="label">
          Name or e-mail
        </label>
        <input id="filter-q" name="q" type="search" class="input" value={filters.q} maxlength={200} autocomplete="off" />
      </div>
      <Choice id="filter-role" name="role" label="Role" value={filters.role} options={[['', 'Any role'], ['customer', 'Customers'], ['admin', 'Admins']]} error={errors.role} />
      <Choice id="filter-status" name="status" label="Status" value={filters.status} options={[['', 'Active or not'], ['active', 'Active'], ['inactive', 'Deactivated']]} error={errors.status} />
      <button type="submit" class="btn-primary">
        Filter
      </button>
      <a href="/admin/users" class="text-link pb-2 text-sm">
        Clear
      </a>
    </form>
  );
}

export function UserResults({ filters, errors, rows, total, page, pageCount }: UserListProps): JSX.Element {
  return (
    <ResultList
      id={USER_RESULTS_ID}
      errors={errors}
      total={total}
      summary={total === 1 ? '1 account' : `${total} accounts`}
      empty="No account matches these filters."
      label="Accounts"
      caption="Accounts, newest first"
      columns={[{ label: 'Name' }, { label: 'E-mail' }, { label: 'Role' }, { label: 'Status' }, { label: 'Orders', numeric: true }, { label: 'Joined' }]}
      rowCount={rows.length}
      page={page}
      pageCount={pageCount}
      hrefFor={(to) => usersHref(filters, to)}
    >
      {rows.map((row) => (
        <tr data-user-row={String(row.id)}>
          <td>
            <a href={`/admin/users/${row.id}`} class="text-link" safe>
              {`${row.first_name} ${row.last_name}`.trim() || '(no name)'}
            </a>
          </td>
          <td class="max-w-64 truncate" safe>
            {row.email}
          </td>
          <td>{row.role === 'admin' ? 'Admin' : 'Customer'}</td>
          <td>
            <span class="status-pill" data-active={String(row.active)}>
              {row.active ? 'Active' : 'Deactivated'}
            </span>
          </td>
          <td class="num" safe>
            {String(row.orders)}
          </td>
          <td class="whitespace-nowrap" safe>
            {day.format(row.created_at)}
          </td>
        </tr>
      ))}
    </ResultList>
  );
}
