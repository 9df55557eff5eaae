import type { CouponListItem, CouponState } from '../../src/cart/coupon-admin.js';
import { formatPercent } from '../../src/cart/coupon-form.js';
import type { Coupon } from '../../src/db/schema-carts.js';
import { formatMoney } from '../../src/lib/money.js';
import { Pagination } from '../components/pagination.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

export const COUPON_RESULTS_ID = 'coupon-results';

const stateText: Record<CouponState, string> = { active: 'Active', scheduled: 'Scheduled', expired: 'Expired', used_up: 'Used up' };
const stateClass: Record<CouponState, string> = {
  active: 'status-pill coupon-active',
  scheduled: 'status-pill',
  expired: 'status-pill coupon-ended',
  used_up: 'status-pill coupon-ended',
};
const day = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function CouponStatePill({ state }: { state: CouponState }): JSX.Element {
  return (
    <span class={stateClass[state]} data-coupon-state={state} safe>
      {stateText[state]}
    </span>
  );
}

/** "15% off" or "$5.00 off", with its minimum subtotal. */
export function couponValueText(coupon: Coupon, currency: string): string {
  const value = coupon.kind === 'percent' ? `${formatPercent(coupon.percent_basis_points ?? 0)}% off` : `${formatMoney(coupon.amount_cents ?? 0, currency)} off`;
  return coupon.min_subtotal_cents > 0 ? `${value} orders of ${formatMoney(coupon.min_subtotal_cents, currency)} or more` : value;
}

export function usageText({ uses, customers, coupon }: Pick<CouponListItem, 'uses' | 'customers' | 'coupon'>): string {
  if (uses === 0) return coupon.usage_limit === null ? 'Not used yet' : `Not used yet (limit ${coupon.usage_limit})`;
  const limit = coupon.usage_limit === null ? '' : ` of ${coupon.usage_limit}`;
  const perCustomer = coupon.per_customer_limit === null ? '' : `; at most ${coupon.per_customer_limit} per customer`;
  return `Used ${uses}${limit} ${uses === 1 && !limit ? 'time' : 'times'} by ${customers} ${customers === 1 ? 'customer' : 'customers'}${perCustomer}`;
}

function datesText(coupon: Coupon): string {
  if (!coupon.starts_at && !coupon.ends_at) return 'Always';
  const from = coupon.starts_at ? `From ${day.format(coupon.starts_at)}` : '';
  const until = coupon.ends_at ? `until ${day.format(coupon.ends_at)}` : '';
  return [from, until].filter(Boolean).join(' ') || 'Always';
}

function restrictionText(coupon: Coupon): string {
  const parts = [
    coupon.product_ids?.length ? `${coupon.product_ids.length} ${coupon.product_ids.length === 1 ? 'product' : 'products'}` : '',
    coupon.category_ids?.length ? `${coupon.category_ids.length} ${coupon.category_ids.length === 1 ? 'category' : 'categories'}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'Everything';
}

export interface CouponListProps {
  layout: AdminLayoutProps;
  q: string;
  items: CouponListItem[];
  total: number;
  page: number;
  perPage: number;
}

export function couponsHref(q: string, page = 1): string {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/coupons?${query}` : '/admin/coupons';
}

export function CouponsPage(props: CouponListProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="coupons" title="Coupons">
      <div class="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 class="page-title">Coupons</h1>
        <a href="/admin/coupons/new" class="btn-primary">
          New coupon
        </a>
      </div>
      <form method="get" action="/admin/coupons" class="admin-toolbar" role="search" aria-label="Coupons" hx-get="/admin/coupons" hx-target={`#${COUPON_RESULTS_ID}`} hx-swap="outerHTML" hx-push-url="true">
        <div>
          <label for="coupon-q" class="label">
            Code
          </label>
          <input id="coupon-q" name="q" type="search" class="input" value={props.q} maxlength={40} />
        </div>
        <button type="submit" class="btn-secondary">
          Search
        </button>
      </form>
      <CouponResults {...props} />
    </AdminLayout>
  );
}

export function CouponResults(props: CouponListProps): JSX.Element {
  const pageCount = Math.max(1, Math.ceil(props.total / props.perPage));
  return (
    <section id={COUPON_RESULTS_ID} aria-label="Coupon list" data-loading-dim>
      <p class="mb-3 text-sm text-slate-600" role="status">
        {props.total} {props.total === 1 ? 'coupon' : 'coupons'}
      </p>
      {props.items.length === 0 ? (
        <p class="panel text-slate-700">No coupons yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Discount</th>
                <th scope="col">Dates (UTC)</th>
                <th scope="col">Applies to</th>
                <th scope="col">Usage</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((item) => (
                <tr data-coupon={item.coupon.code}>
                  <td>
                    <a class="text-link font-mono" href={`/admin/coupons/${item.coupon.id}`} safe>
                      {item.coupon.code}
                    </a>
                  </td>
                  <td safe>{couponValueText(item.coupon, props.layout.currency)}</td>
                  <td safe>
                    {datesText(item.coupon)}
                  </td>
                  <td safe>{restrictionText(item.coupon)}</td>
                  <td data-coupon-uses safe>
                    {usageText(item)}
                  </td>
                  <td>
                    <CouponStatePill state={item.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={props.page} pageCount={pageCount} target={COUPON_RESULTS_ID} hrefFor={(page) => couponsHref(props.q, page)} />
    </section>
  );
}
