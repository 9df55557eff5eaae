import type { StaffOrderDetail } from '../../src/orders/admin-orders.js';
import { formatMoney } from '../../src/lib/money.js';
import type { TimelineEntry } from '../../src/orders/timeline.js';
import { statusLabels } from '../../src/orders/status.js';
import { Notice, type FieldErrors } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { Actions, RefundPanel } from './order-actions.js';

export interface OrderDetailProps {
  layout: AdminLayoutProps;
  detail: StaffOrderDetail;
  /** After a refused form: its errors by field, and what was typed, shown again. */
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** A refusal for the whole page: a move the state machine does not allow, a failed refund. */
  error?: string;
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function OrderDetailPage(props: OrderDetailProps): JSX.Element {
  const { order } = props.detail;
  return (
    <AdminLayout layout={props.layout} section="orders" title={`Order ${order.number}`}>
      <p class="mb-2 text-sm">
        <a href="/admin/orders" class="text-link">
          All orders
        </a>
      </p>
      <h1 class="page-title mb-1">
        Order <span data-order-number safe>{order.number}</span>{' '}
        <span class="status-pill align-middle" data-order-status={order.status} safe>
          {statusLabels[order.status]}
        </span>
      </h1>
      <p class="mb-4 text-sm text-slate-600" safe>
        {`Placed ${when.format(order.placed_at)} UTC by ${order.email}`}
      </p>
      {props.error ? <Notice tone="error" message={props.error} /> : ''}
      {order.needs_review ? <Notice tone="error" message={`Flagged for review: ${order.needs_review}`} /> : ''}
      <div class="grid gap-6 xl:grid-cols-[1fr_24rem]">
        <div class="min-w-0">
          <Items detail={props.detail} />
          <OrderTimeline detail={props.detail} />
          <NoteForm {...props} />
        </div>
        <div class="min-w-0">
          <Actions {...props} />
          <RefundPanel {...props} />
          <PaymentPanel detail={props.detail} />
          <ShippingPanel detail={props.detail} />
          <ReturnsPanel detail={props.detail} />
        </div>
      </div>
    </AdminLayout>
  );
}

function Items({ detail }: { detail: StaffOrderDetail }): JSX.Element {
  const { order, items } = detail;
  const money = (cents: number) => formatMoney(cents, order.currency);
  const totals: [string, string][] = [
    ['Subtotal', money(order.subtotal_cents)],
    ...(order.discount_cents ? [[`Discount${order.coupon_code ? ` (coupon ${order.coupon_code})` : ''}`, `−${money(order.discount_cents)}`] as [string, string]] : []),
    [`Shipping (${order.shipping_method_name})`, money(order.shipping_cents)],
    [order.prices_include_tax ? 'Tax included' : 'Tax', money(order.tax_cents)],
  ];
  return (
    <section aria-labelledby="items-heading" class="mb-6">
      <h2 id="items-heading" class="section-title mb-2">
        Items
      </h2>
      <div class="table-wrap">
        <table class="data-table">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" class="num">
                Quantity
              </th>
              <th scope="col" class="num">
                Unit price
              </th>
              <th scope="col" class="num">
                Line total
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr>
                <td class="min-w-48">
                  <span class="font-medium" safe>
                    {item.product_name}
                  </span>
                  <span class="block text-xs break-words text-slate-600" safe>
                    {[item.sku, ...Object.entries(item.options).map(([name, value]) => `${name}: ${value}`)].join(' · ')}
                  </span>
                </td>
                <td class="num" safe>
                  {String(item.quantity)}
                </td>
                <td class="num" safe>
                  {money(item.unit_price_cents)}
                </td>
                <td class="num" safe>
                  {money(item.unit_price_cents * item.quantity)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            {totals.map(([label, value]) => (
              <tr>
                <td colspan="3" class="text-right text-slate-700" safe>
                  {label}
                </td>
                <td class="num" safe>
                  {value}
                </td>
              </tr>
            ))}
            <tr>
              <td colspan="3" class="text-right font-bold">
                Total
              </td>
              <td class="num font-bold" data-order-total safe>
                {money(order.total_cents)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

function PaymentPanel({ detail }: { detail: StaffOrderDetail }): JSX.Element {
  const { order, customer } = detail;
  const money = (cents: number) => formatMoney(cents, order.currency);
  const rows: [string, string][] = [
    ['Provider', order.payment_provider],
    ['Payment id', order.payment_id ?? 'none yet'],
    ['Paid', order.paid_at ? `${when.format(order.paid_at)} UTC` : 'not paid'],
    ['Refunded so far', money(order.refunded_cents)],
    ['Coupon', order.coupon_code ?? 'none'],
  ];
  return (
    <section class="panel" aria-labelledby="payment-heading">
      <h2 id="payment-heading" class="section-title mb-2">
        Payment and customer
      </h2>
      <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <>
            <dt class="text-slate-600" safe>
              {label}
            </dt>
            <dd class="break-all" data-payment-field={label} safe>
              {value}
            </dd>
          </>
        ))}
        <dt class="text-slate-600">Account</dt>
        <dd>
          {customer ? (
            <a href={`/admin/users/${customer.id}`} class="text-link" safe>
              {`${customer.first_name} ${customer.last_name}`.trim() || customer.email}
            </a>
          ) : (
            'Guest checkout'
          )}
        </dd>
      </dl>
    </section>
  );
}

function ShippingPanel({ detail }: { detail: StaffOrderDetail }): JSX.Element {
  const { order } = detail;
  const address = [order.full_name, order.address_line1, order.address_line2, `${order.postal_code} ${order.city}`, order.state, order.country, order.phone].filter(Boolean).join('\n');
  return (
    <section class="panel" aria-labelledby="shipping-heading">
      <h2 id="shipping-heading" class="section-title mb-2">
        Shipping
      </h2>
      <p class="mb-2 text-sm whitespace-pre-line" safe>
        {address}
      </p>
      <p class="text-sm" safe>
        {`Method: ${order.shipping_method_name}`}
      </p>
      {order.tracking_number ? (
        <p class="text-sm" data-tracking safe>
          {`${order.carrier ?? ''} · ${order.tracking_number}${order.shipped_at ? ` · shipped ${when.format(order.shipped_at)}` : ''}`}
        </p>
      ) : (
        ''
      )}
      {order.delivered_at ? <p class="text-sm" safe>{`Delivered ${when.format(order.delivered_at)}`}</p> : ''}
    </section>
  );
}

const returnLabels = { requested: 'Waiting for a decision', approved: 'Approved', rejected: 'Rejected' } as const;

function ReturnsPanel({ detail }: { detail: StaffOrderDetail }): JSX.Element {
  if (detail.returns.length === 0) return '';
  const names = new Map(detail.items.map((item) => [item.id, item.product_name]));
  return (
    <section class="panel" aria-labelledby="returns-heading">
      <h2 id="returns-heading" class="section-title mb-2">
        Return requests
      </h2>
      <ul class="space-y-4 text-sm">
        {detail.returns.map((request) => (
          <li data-return={String(request.id)} data-return-status={request.status}>
            <p class="font-semibold" safe>{`#${request.id}: ${returnLabels[request.status]}`}</p>
            <p class="whitespace-pre-line" safe>
              {request.reason}
            </p>
            <ul class="list-disc pl-5 text-slate-700">
              {request.items.map((item) => (
                <li safe>{`${item.quantity} × ${names.get(item.order_item_id) ?? 'an item no longer listed'}`}</li>
              ))}
            </ul>
            {request.status === 'requested' ? (
              <form method="post" action={`/admin/returns/${request.id}/decision`} class="mt-2 flex gap-2">
                <button type="submit" name="decision" value="approved" class="btn-primary">
                  Approve
                </button>
                <button type="submit" name="decision" value="rejected" class="btn-secondary">
                  Reject
                </button>
              </form>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NoteForm({ detail, errors, values }: OrderDetailProps): JSX.Element {
  const error = errors?.body;
  return (
    <form method="post" action={`/admin/orders/${detail.order.number}/notes`} class="panel">
      <label for="field-body" class="label">
        Internal note (never shown to the customer)
      </label>
      <textarea
        id="field-body"
        name="body"
        rows="3"
        maxlength="5000"
        class="input"
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'field-body-error' : undefined}
        safe
      >
        {values?.body ?? ''}
      </textarea>
      {error ? (
        <p id="field-body-error" class="field-error" safe>
          {error}
        </p>
      ) : (
        ''
      )}
      <button type="submit" class="btn-secondary mt-2">
        Add note
      </button>
    </form>
  );
}

const actorLabels = { customer: 'the customer', staff: 'staff', system: 'the store', provider: 'the payment provider' } as const;
const refundLabels = { pending: 'pending', succeeded: 'made', failed: 'failed' } as const;

function describe(entry: TimelineEntry, currency: string): string {
  switch (entry.kind) {
    case 'status': {
      const move = entry.from ? `${statusLabels[entry.from]} → ${statusLabels[entry.to]}` : statusLabels[entry.to];
      return `${move}, by ${entry.who ?? actorLabels[entry.actor]}${entry.note ? ` (${entry.note})` : ''}`;
    }
    case 'refund':
      return `Refund #${entry.sequence} of ${formatMoney(entry.amountCents, currency)} ${refundLabels[entry.status]}, by ${entry.who ?? 'staff'}${entry.restock ? ', goods restocked' : ''}${entry.reason ? `: ${entry.reason}` : ''}`;
    case 'note':
      return `Note by ${entry.who ?? 'staff'}: ${entry.body}`;
    case 'return':
      return entry.step === 'requested' ? `Return #${entry.requestId} requested: ${entry.reason}` : `Return #${entry.requestId} ${entry.step}, by ${entry.who ?? 'staff'}`;
  }
}

/** Everything that happened to the order, oldest first: moves, refunds, notes and returns. */
function OrderTimeline({ detail }: { detail: StaffOrderDetail }): JSX.Element {
  return (
    <section aria-labelledby="timeline-heading" class="panel">
      <h2 id="timeline-heading" class="section-title mb-2">
        Timeline
      </h2>
      <ol class="space-y-2 text-sm" data-timeline>
        {detail.timeline.map((entry) => (
          <li data-timeline-kind={entry.kind} class={entry.kind === 'note' ? 'rounded-md bg-amber-50 p-2' : ''}>
            <time datetime={entry.at.toISOString()} class="block text-xs text-slate-600" safe>
              {`${when.format(entry.at)} UTC`}
            </time>
            <span class="whitespace-pre-line" safe>
              {describe(entry, detail.order.currency)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
