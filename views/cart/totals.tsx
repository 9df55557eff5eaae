import type { PricingResult } from '../../src/cart/pricing.js';
import { formatMoney } from '../../src/lib/money.js';

export interface TotalsLabels {
  discount: string;
  shipping: string;
  tax: string;
}

/** Subtotal, discount, shipping, tax and total, as the cart page and checkout both show them. */
export function TotalsList({ pricing, currency, labels }: { pricing: PricingResult; currency: string; labels: TotalsLabels }): JSX.Element {
  const money = (cents: number) => formatMoney(cents, currency);
  const shipping = pricing.shippingCents === 0 ? 'Free' : money(pricing.shippingCents);
  return (
    <dl class="grid grid-cols-[1fr_auto] gap-x-3 gap-y-2 text-sm">
      <dt>Subtotal</dt>
      <dd data-cart-subtotal safe>
        {money(pricing.subtotalCents)}
      </dd>
      {pricing.discountCents > 0 ? (
        <>
          <dt safe>{labels.discount}</dt>
          <dd data-cart-discount safe>
            {`−${money(pricing.discountCents)}`}
          </dd>
        </>
      ) : (
        ''
      )}
      <dt safe>{labels.shipping}</dt>
      <dd data-cart-shipping safe>
        {shipping}
      </dd>
      <dt safe>{labels.tax}</dt>
      <dd data-cart-tax safe>
        {money(pricing.taxCents)}
      </dd>
      <dt class="border-t border-slate-200 pt-2 text-base font-bold">Total</dt>
      <dd class="border-t border-slate-200 pt-2 text-base font-bold" data-cart-total safe>
        {money(pricing.totalCents)}
      </dd>
    </dl>
  );
}
