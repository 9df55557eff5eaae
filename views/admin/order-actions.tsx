import { formatMoney, toDecimalString } from '../../src/lib/money.js';
import { canTransition, isRefundable } from '../../src/orders/status.js';
import { Field } from '../components/field.js';
import type { OrderDetailProps } from './order-detail.js';

/** The order page's forms that change it: moves along the order states, and refunds. */

function MoveButton({ number, to, label, primary = false }: { number: string; to: string; label: string; primary?: boolean }): JSX.Element {
  return (
    <form method="post" action={`/admin/orders/${number}/status`}>
      <input type="hidden" name="status" value={to} />
      <button type="submit" class={primary ? 'btn-primary w-full' : 'btn-secondary w-full'} data-move={to} safe>
        {label}
      </button>
    </form>
  );
}

/** Only the moves the state machine allows from here; a cancellation of a paid order refunds it. */
export function Actions({ detail, errors, values }: OrderDetailProps): JSX.Element {
  const { order } = detail;
  const can = (to: Parameters<typeof canTransition>[1]) => canTransition(order.status, to);
  const cancellable = order.status === 'pending' || order.status === 'paid' || order.status === 'processing';
  const cancelLabel = order.status === 'pending' ? 'Cancel order' : order.status === 'paid' ? 'Cancel and refund in full' : 'Cancel: refund in full and restock';
  const shipValues = values?.status === 'shipped' ? values : {};
  return (
    <section class="panel space-y-3" aria-labelledby="actions-heading">
      <h2 id="actions-heading" class="section-title">
        Fulfilment
      </h2>
      {can('processing') ? <MoveButton number={order.number} to="processing" label="Start preparing" primary /> : ''}
      {can('shipped') ? (
        <form method="post" action={`/admin/orders/${order.number}/status`} class="space-y-1">
          <input type="hidden" name="status" value="shipped" />
          <Field name="carrier" label="Carrier" value={shipValues.carrier ?? ''} errors={errors} maxlength={60} />
          <Field name="tracking_number" label="Tracking number" value={shipValues.tracking_number ?? ''} errors={errors} maxlength={100} />
          <button type="submit" class="btn-primary w-full" data-move="shipped">
            Mark shipped and e-mail the customer
          </button>
        </form>
      ) : (
        ''
      )}
      {can('delivered') ? <MoveButton number={order.number} to="delivered" label="Mark delivered" primary /> : ''}
      {cancellable ? <MoveButton number={order.number} to="cancelled" label={cancelLabel} /> : ''}
      {!can('processing') && !can('shipped') && !can('delivered') && !cancellable ? <p class="text-sm text-slate-600">No further moves: refunds and returns are below.</p> : ''}
    </section>
  );
}

export function RefundPanel({ detail, errors, values }: OrderDetailProps): JSX.Element {
  const { order, refunds } = detail;
  const money = (cents: number) => formatMoney(cents, order.currency);
  const pending = refunds.filter((refund) => refund.status === 'pending');
  const left = order.total_cents - order.refunded_cents - pending.reduce((sum, refund) => sum + refund.amount_cents, 0);
  const shipped = order.shipped_at !== null || order.status === 'shipped' || order.status === 'delivered';
  const canRestock = !shipped && !refunds.some((refund) => refund.restock && refund.status !== 'failed');
  const typed = values?.amount !== undefined ? values : undefined;
  if (!isRefundable(order.status) || !order.payment_id) return '';
  return (
    <section class="panel" aria-labelledby="refund-heading">
      <h2 id="refund-heading" class="section-title mb-2">
        Refund
      </h2>
      {pending.map((refund) => (
        <form method="post" action={`/admin/orders/${order.number}/refund`} class="mb-3 text-sm">
          <input type="hidden" name="amount" value={toDecimalString(refund.amount_cents)} />
          <input type="hidden" name="sequence" value={String(refund.sequence)} />
          <p class="mb-1" safe>{`Refund #${refund.sequence} of ${money(refund.amount_cents)} is still pending at the provider.`}</p>
          <button type="submit" class="btn-secondary">
            Ask the provider again
          </button>
        </form>
      ))}
      {left <= 0 ? (
        <p class="text-sm text-slate-600">Nothing is left to refund.</p>
      ) : (
        <form method="post" action={`/admin/orders/${order.number}/refund`}>
          <input type="hidden" name="sequence" value={String(detail.nextRefundSequence)} />
          <Field name="amount" label={`Amount (${order.currency})`} value={typed?.amount ?? ''} errors={errors} hint={`At most ${money(left)}.`} maxlength={13} />
          <Field name="reason" label="Reason (staff only)" value={typed?.reason ?? ''} errors={errors} required={false} maxlength={500} />
          {canRestock || errors?.restock ? (
            <div class="field">
              {canRestock ? (
                <label class="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="restock" value="1" checked={typed?.restock === '1'} aria-describedby={errors?.restock ? 'field-restock-error' : undefined} />
                  Put the goods back in stock (not shipped yet)
                </label>
              ) : (
                ''
              )}
              {errors?.restock ? (
                <p id="field-restock-error" class="field-error" safe>
                  {errors.restock}
                </p>
              ) : (
                ''
              )}
            </div>
          ) : (
            ''
          )}
          <button type="submit" class="btn-primary w-full">
            Refund through the provider
          </button>
        </form>
      )}
    </section>
  );
}
