import type { Order } from '../../src/db/schema-orders.js';
import type { OrderDetail } from '../../src/orders/orders.js';
import { canTransition, statusLabels, type OrderStatus } from '../../src/orders/status.js';
import { formatMoney } from '../../src/lib/money.js';
import { liveVersion } from '../../src/live/version.js';
import { Notice } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

const canCancel = (status: OrderStatus) => canTransition(status, 'cancelled');

/** The order's state: replaced in place by the order's event stream when staff move it. */
export const ORDER_STATUS_ID = 'order-status';

/** The stream of an order's changes, for the page with the same access (the guest's signed link). */
export function orderEventsPath(orderNumber: string, token: string | undefined, since: string): string {
  const query = new URLSearchParams({ since, ...(token ? { token } : {}) });
  return `/orders/${encodeURIComponent(orderNumber)}/events?${query.toString()}`;
}

/** An order for its owner (or a guest with the signed link): also the thank-you page after paying. */
export interface OrderPageProps {
  layout: LayoutProps;
  detail: OrderDetail;
  thankYou: boolean;
  /** A guest's signed-link token, carried by the cancel form. */
  token?: string;
  notice?: string;
  error?: string;
}

export function OrderPage({ layout, detail, thankYou, token, notice, error }: OrderPageProps): JSX.Element {
  const { order, items } = detail;
  const money = (cents: number) => formatMoney(cents, order.currency);
  const shippingText = order.shipping_cents ? money(order.shipping_cents) : 'Free';
  const progress = OrderProgress({ detail, token }); // synchronous, so a string
  return (
    <ShopLayout layout={layout} title={thankYou ? 'Thank you for your order' : `Order ${order.number}`} meta={{ robots: 'noindex' }}>
      <h1 class="page-title mb-4">{thankYou ? 'Thank you for your order' : 'Your order'}</h1>
      {thankYou ? <Notice tone="success" message={`We have e-mailed a confirmation to ${order.email}.`} /> : ''}
      {notice ? <Notice tone="success" message={notice} /> : ''}
      {error ? <Notice tone="error" message={error} /> : ''}
      {/* Morphed rather than replaced: the status line stays the same live region, so screen readers announce the change. */}
      <div hx-sse:connect={orderEventsPath(order.number, token, liveVersion(progress as string))} hx-swap="innerMorph" class="mb-6" data-live-order>
        {progress}
      </div>
      <div class="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <section class="panel" aria-labelledby="items-heading">
          <h2 id="items-heading" class="section-title mb-4">
            Items
          </h2>
          <ul class="divide-y divide-slate-200">
            {items.map((item) => (
              <li class="flex justify-between gap-3 py-2 text-sm">
                <span>
                  <span safe>{String(item.quantity)}</span> × <span safe>{item.product_name}</span>
                  <span class="block text-slate-500" safe>
                    {[item.sku, ...Object.entries(item.options).map(([name, value]) => `${name}: ${value}`)].join(' · ')}
                  </span>
                </span>
                <span safe>{money(item.unit_price_cents * item.quantity)}</span>
              </li>
            ))}
          </ul>
          <Returns detail={detail} token={token} />
        </section>
        <aside class="panel h-fit" aria-label="Order total">
          <dl class="grid grid-cols-[1fr_auto] gap-y-2 text-sm">
            <dt>Subtotal</dt>
            <dd safe>{money(order.subtotal_cents)}</dd>
            {order.discount_cents ? (
              <>
                <dt safe>{`Discount${order.coupon_code ? ` (${order.coupon_code})` : ''}`}</dt>
                <dd safe>{`−${money(order.discount_cents)}`}</dd>
              </>
            ) : (
              ''
            )}
            <dt safe>{`Shipping (${order.shipping_method_name})`}</dt>
            <dd safe>{shippingText}</dd>
            <dt>{order.prices_include_tax ? 'Tax included' : 'Tax'}</dt>
            <dd safe>{money(order.tax_cents)}</dd>
            <dt class="border-t border-slate-200 pt-2 font-bold">Total</dt>
            <dd class="border-t border-slate-200 pt-2 font-bold" data-order-total safe>
              {money(order.total_cents)}
            </dd>
          </dl>
          <h2 class="section-title mt-6 mb-2">Ships to</h2>
          <p class="text-sm whitespace-pre-line text-slate-700" safe>
            {[order.full_name, order.address_line1, order.address_line2, `${order.postal_code} ${order.city}`, order.state, order.country].filter(Boolean).join('\n')}
          </p>
        </aside>
      </div>
    </ShopLayout>
  );
}

/**
 * Where the order stands: its status, the parcel once shipped, its history, and cancelling while
 * it still can be. The page shows it at load (also without JavaScript); the order's event stream
 * sends it again whenever the order moves, and htmx swaps it in.
 */
export function OrderProgress({ detail, token }: { detail: OrderDetail; token: string | undefined }): JSX.Element {
  const { order, events } = detail;
  return (
    <section id={ORDER_STATUS_ID} class="panel" aria-labelledby="order-status-heading">
      <div class="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id="order-status-heading" class="text-slate-700">
            Order <strong data-order-number safe>{order.number}</strong>
          </h2>
          <p class="mt-1 text-lg font-semibold" role="status">
            <span data-order-status={order.status} safe>
              {statusLabels[order.status]}
            </span>
          </p>
          {order.carrier && order.tracking_number ? (
            <p class="mt-1 text-sm text-slate-700" data-order-tracking safe>
              {`Sent with ${order.carrier}, tracking number ${order.tracking_number}`}
            </p>
          ) : (
            ''
          )}
        </div>
        {canCancel(order.status) ? (
          <form method="post" action={`/orders/${order.number}/cancel`}>
            {token ? <input type="hidden" name="token" value={token} /> : ''}
            <button type="submit" class="btn-secondary">
              {order.status === 'pending' ? 'Cancel order' : 'Cancel and refund'}
            </button>
          </form>
        ) : (
          ''
        )}
      </div>
      <h3 class="section-title mt-4 mb-2">History</h3>
      <ol class="space-y-1 text-sm text-slate-700" data-order-timeline>
        {events.map((event) => (
          <li>
            <time datetime={new Date(event.occurred_at).toISOString()} safe>
              {dateTime.format(new Date(event.occurred_at))}
            </time>
            {' · '}
            <span safe>{statusLabels[event.to_status]}</span>
            {event.note ? <span class="text-slate-500" safe>{` (${event.note})`}</span> : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

const returnLabels = { requested: 'Waiting for us', approved: 'Approved', rejected: 'Not accepted' } as const;

/** Returns: the requests made, and for a delivered order with none open, the form to ask. */
function Returns({ detail, token }: { detail: OrderDetail; token: string | undefined }): JSX.Element {
  const open = detail.returns.some((request) => request.status === 'requested');
  const canAsk = detail.order.status === 'delivered' && !open;
  if (!canAsk && detail.returns.length === 0) return '';
  return (
    <section class="mt-6" aria-labelledby="returns-heading">
      <h2 id="returns-heading" class="section-title mb-2">
        Returns
      </h2>
      <ul class="mb-3 space-y-1 text-sm" data-returns>
        {detail.returns.map((request) => (
          <li data-return-status={request.status} safe>
            {`${returnLabels[request.status]}: ${request.reason}`}
          </li>
        ))}
      </ul>
      {canAsk ? (
        <form method="post" action={`/orders/${detail.order.number}/return`} class="space-y-3">
          {token ? <input type="hidden" name="token" value={token} /> : ''}
          {detail.items.map((item) => (
            <label class="flex items-center justify-between gap-3 text-sm">
              <span safe>{item.product_name}</span>
              <input type="number" name={`qty_${item.id}`} value="0" min="0" max={String(item.quantity)} class="input w-20" />
            </label>
          ))}
          <label class="block text-sm">
            <span class="label">Why are you returning them?</span>
            <textarea name="reason" rows="3" maxlength="2000" class="input" required></textarea>
          </label>
          <button type="submit" class="btn-secondary">
            Request a return
          </button>
        </form>
      ) : (
        ''
      )}
    </section>
  );
}

export function OrdersListPage({ layout, orders }: { layout: LayoutProps; orders: Order[] }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Your orders" meta={{ robots: 'noindex' }}>
      <h1 class="page-title mb-6">Your orders</h1>
      {orders.length === 0 ? (
        <p class="text-slate-700">No orders yet.</p>
      ) : (
        <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
          {orders.map((order) => (
            <li class="flex flex-wrap items-center justify-between gap-3 p-4">
              <a href={`/orders/${order.number}`} class="text-link" safe>
                {order.number}
              </a>
              <span class="text-sm text-slate-600" safe>
                {dateTime.format(new Date(order.placed_at))}
              </span>
              <span class="text-sm" safe>
                {statusLabels[order.status]}
              </span>
              <span class="text-sm font-semibold" safe>
                {formatMoney(order.total_cents, order.currency)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </ShopLayout>
  );
}
