import type { StaffUserDetail } from '../../src/accounts/customer-admin.js';
import { formatMoney } from '../../src/lib/money.js';
import { statusLabels } from '../../src/orders/status.js';
import { Notice } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

export interface UserDetailProps {
  layout: AdminLayoutProps;
  detail: StaffUserDetail;
  /** True when the admin looks at their own account: its role and status are not theirs to change. */
  isSelf: boolean;
  /** A refused change, in words. */
  error?: string;
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function UserDetailPage({ layout, detail, isSelf, error }: UserDetailProps): JSX.Element {
  const { user } = detail;
  const name = `${user.first_name} ${user.last_name}`.trim() || user.email;
  return (
    <AdminLayout layout={layout} section="customers" title={name}>
      <p class="mb-2 text-sm">
        <a href="/admin/users" class="text-link">
          All customers
        </a>
      </p>
      <h1 class="page-title mb-4" safe>
        {name}
      </h1>
      {error ? <Notice tone="error" message={error} /> : ''}
      <div class="grid gap-6 xl:grid-cols-[1fr_22rem]">
        <div class="min-w-0">
          <Orders detail={detail} />
          <Addresses detail={detail} />
          <AuditEvents detail={detail} />
        </div>
        <div class="min-w-0">
          <Profile detail={detail} />
          <Access detail={detail} isSelf={isSelf} />
        </div>
      </div>
    </AdminLayout>
  );
}

function Profile({ detail }: { detail: StaffUserDetail }): JSX.Element {
  const { user } = detail;
  const rows: [string, string][] = [
    ['E-mail', user.email],
    ['Verified', user.email_verified_at ? when.format(user.email_verified_at) : 'not yet'],
    ['Role', user.role === 'admin' ? 'Admin' : 'Customer'],
    ['Status', user.active ? 'Active' : 'Deactivated'],
    ['Second factor', user.mfa ? 'on' : 'off'],
    ['Open sessions', String(detail.sessionCount)],
    ['Joined', when.format(user.created_at)],
  ];
  return (
    <section class="panel" aria-labelledby="profile-heading">
      <h2 id="profile-heading" class="section-title mb-2">
        Profile
      </h2>
      <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <>
            <dt class="text-slate-600" safe>
              {label}
            </dt>
            <dd class="break-all" data-profile={label} safe>
              {value}
            </dd>
          </>
        ))}
      </dl>
    </section>
  );
}

/** Activate or deactivate, and the role: plain forms; never for one's own account. */
function Access({ detail, isSelf }: { detail: StaffUserDetail; isSelf: boolean }): JSX.Element {
  const { user } = detail;
  const action = `/admin/users/${user.id}/status`;
  return (
    <section class="panel space-y-4" aria-labelledby="access-heading">
      <h2 id="access-heading" class="section-title">
        Access
      </h2>
      {isSelf ? (
        <p class="text-sm text-slate-700">This is your own account: another admin can change its role or status.</p>
      ) : (
        <>
          <form method="post" action={action}>
            <input type="hidden" name="status" value={user.active ? 'inactive' : 'active'} />
            <button type="submit" class={user.active ? 'btn-secondary w-full' : 'btn-primary w-full'} data-access="status">
              {user.active ? 'Deactivate and sign out everywhere' : 'Reactivate'}
            </button>
          </form>
          <form method="post" action={action} class="flex items-end gap-2">
            <div class="flex-1">
              <label for="field-role" class="label">
                Role
              </label>
              <select id="field-role" name="role" class="input">
                <option value="customer" selected={user.role === 'customer'}>
                  Customer
                </option>
                <option value="admin" selected={user.role === 'admin'}>
                  Admin
                </option>
              </select>
            </div>
            <button type="submit" class="btn-secondary" data-access="role">
              Change role
            </button>
          </form>
          <p class="text-xs text-slate-600">A role change or deactivation ends their sessions; a new admin signs in with a second factor.</p>
        </>
      )}
    </section>
  );
}

function Orders({ detail }: { detail: StaffUserDetail }): JSX.Element {
  return (
    <section aria-labelledby="orders-heading" class="mb-6">
      <h2 id="orders-heading" class="section-title mb-2">
        Orders
      </h2>
      {detail.orders.length === 0 ? (
        <p class="panel text-sm text-slate-700">No orders yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {detail.orders.map((order) => (
                <tr>
                  <td>
                    <a href={`/admin/orders/${order.number}`} class="text-link" safe>
                      {order.number}
                    </a>
                  </td>
                  <td safe>{when.format(order.placed_at)}</td>
                  <td>
                    <span class="status-pill" data-status={order.status} safe>
                      {statusLabels[order.status]}
                    </span>
                  </td>
                  <td class="num" safe>
                    {formatMoney(order.total_cents, order.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Addresses({ detail }: { detail: StaffUserDetail }): JSX.Element {
  return (
    <section aria-labelledby="addresses-heading" class="panel">
      <h2 id="addresses-heading" class="section-title mb-2">
        Addresses
      </h2>
      {detail.addresses.length === 0 ? (
        <p class="text-sm text-slate-700">No saved addresses.</p>
      ) : (
        <ul class="grid gap-4 text-sm sm:grid-cols-2">
          {detail.addresses.map((address) => (
            <li class="whitespace-pre-line" safe>
              {[address.is_default_shipping ? 'Default' : '', address.full_name, address.address_line1, address.address_line2, `${address.postal_code} ${address.city}`, address.state, address.country, address.phone]
                .filter(Boolean)
                .join('\n')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const describeChange = (values: Record<string, unknown> | null) =>
  values
    ? Object.entries(values)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join(', ')
    : '';

function AuditEvents({ detail }: { detail: StaffUserDetail }): JSX.Element {
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading" class="section-title mb-2">
        Recent events
      </h2>
      {detail.audit.length === 0 ? (
        <p class="panel text-sm text-slate-700">Nothing recorded yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table" data-user-audit>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">By</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {detail.audit.map((event) => (
                <tr>
                  <td class="whitespace-nowrap" safe>
                    {when.format(event.occurred_at)}
                  </td>
                  <td safe>{event.action}</td>
                  <td safe>{event.actor_user_id === detail.user.id ? 'themselves' : (event.actor_name ?? '—')}</td>
                  <td class="text-xs" safe>
                    {[describeChange(event.before), describeChange(event.after)].filter(Boolean).join(' → ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
