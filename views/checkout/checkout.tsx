import type { CartTotals } from '../../src/cart/cart-totals.js';
import type { CartView } from '../../src/cart/cart-view.js';
import { formatMoney } from '../../src/lib/money.js';
import { CountrySelect } from '../components/country-select.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';
import { TotalsList } from '../cart/totals.js';

export const CHECKOUT_SUMMARY_ID = 'checkout-summary';

export interface CheckoutValues {
  email?: string;
  full_name?: string;
  address_line1?: string;
  address_line2?: string;
  city?: string;
  state?: string;
  postal_code?: string;
  country?: string;
  phone?: string;
  /** '1' when the shopper asked for shipping updates by SMS. */
  sms_updates?: string;
  shipping_method?: string;
}

export interface CheckoutProps {
  layout: LayoutProps;
  cart: CartView;
  totals: CartTotals;
  values: CheckoutValues;
  errors?: FieldErrors;
  formError?: string;
  /** True with the built-in test provider: the page asks for a card number and says no money moves. */
  testPayments: boolean;
  /** A member's saved addresses, offered instead of typing one. */
  savedAddresses?: { id: number; label: string }[];
  /** True when the store can send texts (an SMS provider is configured). */
  smsAvailable?: boolean;
}

export function CheckoutPage(props: CheckoutProps): JSX.Element {
  const { values, errors } = props;
  return (
    <ShopLayout layout={props.layout} title="Checkout" meta={{ description: `Check out at ${props.layout.storeName}: delivery address, shipping and payment.` }}>
      <h1 class="page-title mb-6">Checkout</h1>
      {props.formError ? <Notice tone="error" message={props.formError} /> : ''}
      <form method="post" action="/checkout" class="grid gap-8 lg:grid-cols-[1fr_22rem]" novalidate>
        <div>
          <section class="panel" aria-labelledby="contact-heading">
            <h2 id="contact-heading" class="section-title mb-4">
              Contact
            </h2>
            <Field name="email" label="E-mail" type="email" value={values.email} errors={errors} autocomplete="email" maxlength={254} hint="For the order confirmation." />
          </section>
          <section class="panel" aria-labelledby="address-heading">
            <h2 id="address-heading" class="section-title mb-4">
              Shipping address
            </h2>
            {props.savedAddresses?.length ? (
              <div class="field">
                <label for="field-address_id" class="label">
                  Ship to
                </label>
                <select id="field-address_id" name="address_id" class="input">
                  <option value="">The address typed below</option>
                  {props.savedAddresses.map((address) => (
                    <option value={String(address.id)} safe>
                      {address.label}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              ''
            )}
            <Field name="full_name" label="Full name" value={values.full_name} errors={errors} autocomplete="name" maxlength={200} />
            <Field name="address_line1" label="Address" value={values.address_line1} errors={errors} autocomplete="address-line1" maxlength={200} />
            <Field name="address_line2" label="Apartment, suite (optional)" value={values.address_line2} errors={errors} autocomplete="address-line2" required={false} maxlength={200} />
            <Field name="city" label="City" value={values.city} errors={errors} autocomplete="address-level2" maxlength={100} />
            <Field name="postal_code" label="Postal code" value={values.postal_code} errors={errors} autocomplete="postal-code" maxlength={20} />
            <Field name="phone" label="Phone (optional)" type="tel" value={values.phone} errors={errors} autocomplete="tel" required={false} maxlength={40} />
            {props.smsAvailable ? <SmsUpdatesChoice checked={values.sms_updates === '1'} /> : ''}
            {/* htmx re-prices the summary when the place or the method changes; only these fields are sent,
                and a newer change cancels the answer to an older one. */}
            <div
              hx-get="/checkout/summary"
              hx-trigger="change"
              hx-include="#field-country, #field-state, [name=shipping_method]:checked"
              hx-target={`#${CHECKOUT_SUMMARY_ID}`}
              hx-swap="outerHTML"
              hx-sync="this:replace"
            >
              <Field name="state" label="State or region (optional)" value={values.state} errors={errors} autocomplete="address-level1" required={false} maxlength={100} />
              <CountrySelect value={values.country} errors={errors} />
              <fieldset class="field">
                <legend class="label">Shipping method</legend>
                {props.totals.shippingOptions.map((option) => (
                  <label class="flex items-center gap-2 py-1 text-sm">
                    <input type="radio" name="shipping_method" value={option.code} checked={option.code === (values.shipping_method ?? props.totals.shipping?.code)} class="checkbox" />
                    <span safe>{option.name}</span>
                  </label>
                ))}
                {errors?.shipping_method ? (
                  <p id="field-shipping_method-error" class="field-error" safe>
                    {errors.shipping_method}
                  </p>
                ) : (
                  ''
                )}
              </fieldset>
            </div>
          </section>
          <section class="panel" aria-labelledby="payment-heading">
            <h2 id="payment-heading" class="section-title mb-4">
              Payment
            </h2>
            {props.testPayments ? (
              <>
                <Notice tone="info" message="Test payments: no real payment is taken. 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined." />
                <Field name="card_number" label="Card number" value="" errors={errors} autocomplete="off" inputmode="numeric" maxlength={30} />
              </>
            ) : (
              <p class="text-sm text-slate-700">You will enter your card on the next step, on a form served by our payment provider.</p>
            )}
          </section>
        </div>
        <div>
          <CheckoutSummary cart={props.cart} totals={props.totals} currency={props.layout.currency} />
          <button type="submit" class="btn-primary mt-4 w-full">
            Place order and pay
          </button>
        </div>
      </form>
    </ShopLayout>
  );
}

/** What the order will cost, at today's prices for this place and method; re-rendered as they change. */
export function CheckoutSummary({ cart, totals, currency }: { cart: CartView; totals: CartTotals; currency: string }): JSX.Element {
  const { pricing } = totals;
  const money = (cents: number) => formatMoney(cents, currency);
  return (
    <aside id={CHECKOUT_SUMMARY_ID} class="panel" aria-label="Order summary" aria-live="polite">
      <h2 class="section-title mb-4">Your order</h2>
      <ul class="mb-4 space-y-1 text-sm">
        {cart.lines.map((line) => (
          <li class="flex justify-between gap-3">
            <span class="min-w-0">
              <span safe>{String(line.quantity)}</span> × <span safe>{line.name}</span>
            </span>
            <span safe>{money(line.unitPriceCents * line.quantity)}</span>
          </li>
        ))}
      </ul>
      <div class="border-t border-slate-200 pt-3">
        <TotalsList
          pricing={pricing}
          currency={currency}
          labels={{
            discount: 'Discount',
            shipping: totals.shipping ? `Shipping (${totals.shipping.name})` : 'Shipping',
            tax: totals.pricesIncludeTax ? `Includes ${totals.taxName}` : totals.taxName,
          }}
        />
      </div>
    </aside>
  );
}

/** Opt-in only, never pre-ticked: texts go to the phone above, with its country code. */
function SmsUpdatesChoice({ checked }: { checked: boolean }): JSX.Element {
  return (
    <div class="field">
      <label class="flex items-start gap-2 text-sm">
        <input type="checkbox" name="sms_updates" value="1" checked={checked} class="checkbox mt-0.5" aria-describedby="sms-updates-hint" />
        <span>Text me when my order ships</span>
      </label>
      <p id="sms-updates-hint" class="field-hint">
        To the phone number above, with its country code (+1 555 123 4567). Only shipping updates.
      </p>
    </div>
  );
}
