import type { Children } from '@kitajs/html';
import type { CartTotals } from '../../src/cart/cart-totals.js';
import { lineFlags, type CartLineView, type CartView } from '../../src/cart/cart-view.js';
import { MAX_LINE_QUANTITY } from '../../src/cart/carts.js';
import { formatMoney } from '../../src/lib/money.js';
import { Notice } from '../components/field.js';
import { ProductImage } from '../components/product-image.js';
import { TotalsList } from './totals.js';
import { CART_COUNT_ID, ShopLayout, type LayoutProps } from '../layouts/shop.js';

export const CART_ID = 'cart';
export const CART_STATUS_ID = 'cart-status';
export const MINI_CART_BODY_ID = 'mini-cart-body';

export interface CartSectionProps {
  currency: string;
  cart: CartView | undefined;
  totals: CartTotals | undefined;
  notice?: string;
  error?: string;
}

export type CartProps = Omit<CartSectionProps, 'currency'> & { layout: LayoutProps };

export function CartPage({ layout, ...section }: CartProps): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Your cart" meta={{ description: `Your cart at ${layout.storeName}: change quantities, apply a coupon, check out.` }}>
      <h1 class="page-title mb-6">Your cart</h1>
      <CartSection currency={layout.currency} {...section} />
    </ShopLayout>
  );
}

/** Everything below the heading: what every cart action re-renders (htmx swaps it whole). */
export function CartSection({ currency, cart, totals, notice, error }: CartSectionProps): JSX.Element {
  const lines = cart?.lines ?? [];
  const saved = cart?.saved ?? [];
  return (
    <section id={CART_ID} aria-label="Cart contents">
      {error ? <Notice tone="error" message={error} /> : ''}
      {notice ? <Notice tone="success" message={notice} /> : ''}
      {lines.length === 0 ? (
        <div class="panel text-center">
          <p class="text-slate-700">Your cart is empty.</p>
          <a href="/products" class="btn-primary mt-4">
            Browse products
          </a>
        </div>
      ) : (
        <div class="grid gap-8 lg:grid-cols-[1fr_22rem]">
          <div>
            <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
              {lines.map((line) => (
                <CartLine line={line} currency={currency} />
              ))}
            </ul>
            <CartForm action="/cart" method="DELETE" class="mt-4">
              <button type="submit" class="btn-secondary">
                Empty the cart
              </button>
            </CartForm>
          </div>
          {totals ? <CartSummary totals={totals} currency={currency} /> : ''}
        </div>
      )}
      {saved.length ? <SavedForLater lines={saved} currency={currency} /> : ''}
    </section>
  );
}

/** A cart action: a plain form (303 back to the cart) that htmx sends in place, re-rendering the cart. */
function CartForm({ action, method, class: className, children }: { action: string; method?: 'PUT' | 'DELETE'; class?: string; children: Children }): JSX.Element {
  return (
    <form method="post" action={action} hx-post={action} hx-target={`#${CART_ID}`} hx-swap="outerHTML" class={className}>
      {method ? <input type="hidden" name="_method" value={method} /> : ''}
      {children}
    </form>
  );
}

/** Removes a line, from the cart or from saved-for-later; the product's name is read out with the button. */
function RemoveLineForm({ line }: { line: CartLineView }): JSX.Element {
  return (
    <CartForm action={`/cart/items/${line.id}`} method="DELETE">
      <button type="submit" class="btn-secondary">
        Remove<span class="sr-only" safe>{` ${line.name}`}</span>
      </button>
    </CartForm>
  );
}

function CartLine({ line, currency }: { line: CartLineView; currency: string }): JSX.Element {
  const flags = lineFlags(line);
  const options = Object.entries(line.options).map(([name, value]) => `${name}: ${value}`).join(' · ');
  const maxQuantity = Math.max(1, Math.min(line.stock, MAX_LINE_QUANTITY));
  return (
    <li class="flex gap-4 p-4" data-cart-line={String(line.id)}>
      <div class="w-20 shrink-0 sm:w-24">
        <ProductImage url={line.imageUrl} alt={line.imageAlt || line.name} class="rounded-lg" />
      </div>
      <div class="min-w-0 flex-1">
        <a href={`/products/${line.slug}?variant=${line.variantId}`} class="font-semibold text-slate-900 hover:underline" safe>
          {line.name}
        </a>
        {options ? (
          <p class="text-sm text-slate-600" safe>
            {options}
          </p>
        ) : (
          ''
        )}
        <p class="text-sm text-slate-700">
          <span safe>{formatMoney(line.unitPriceCents, currency)}</span> each
          {flags.priceChanged ? (
            <span class="ml-2 font-medium text-amber-800" data-price-changed>
              (was <span safe>{formatMoney(line.unitPriceAtAddCents, currency)}</span> when you added it)
            </span>
          ) : (
            ''
          )}
        </p>
        {flags.unavailable ? (
          <p class="mt-1 text-sm font-semibold text-rose-700" data-line-unavailable>
            No longer available: it will not be charged. Remove it or save it for later.
          </p>
        ) : flags.stockShort ? (
          <p class="mt-1 text-sm font-semibold text-amber-800" data-stock-short>
            Only <span safe>{String(line.stock)}</span> left: the total counts that many.
          </p>
        ) : (
          ''
        )}
        <div class="mt-3 flex flex-wrap items-end gap-2">
          <CartForm action={`/cart/items/${line.id}`} method="PUT" class="flex items-end gap-2">
            <label class="text-sm">
              <span class="label">Quantity</span>
              <input type="number" name="quantity" value={String(line.quantity)} min="0" max={String(maxQuantity)} inputmode="numeric" class="input w-20" />
            </label>
            <button type="submit" class="btn-secondary">
              Update
            </button>
          </CartForm>
          <CartForm action={`/cart/items/${line.id}/save`}>
            <button type="submit" class="btn-secondary">
              Save for later
            </button>
          </CartForm>
          <RemoveLineForm line={line} />
        </div>
      </div>
    </li>
  );
}

/** Made once: toLocaleString with options builds a new formatter per call, which showed in cart profiles. */
const percent = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

function CartSummary({ totals, currency }: { totals: CartTotals; currency: string }): JSX.Element {
  const rate = `${percent.format(totals.taxRateBasisPoints / 100)} %`;
  return (
    <aside class="panel h-fit" aria-label="Order summary">
      <h2 class="section-title mb-4">Summary</h2>
      <TotalsList
        pricing={totals.pricing}
        currency={currency}
        labels={{
          discount: `Discount (${totals.coupon?.code ?? ''})`,
          shipping: totals.shipping ? `Shipping (${totals.shipping.name}, estimate)` : 'Shipping',
          tax: totals.pricesIncludeTax ? `Includes ${totals.taxName} (${rate})` : `${totals.taxName} (${rate}, estimate)`,
        }}
      />
      <p class="mt-2 text-xs text-slate-600">Shipping and tax are estimated for the store's country until you give an address at checkout.</p>
      <a href="/checkout" class="btn-primary mt-4 w-full">
        Checkout
      </a>
      <CouponForm totals={totals} />
    </aside>
  );
}

function CouponForm({ totals }: { totals: CartTotals }): JSX.Element {
  const coupon = totals.coupon;
  if (coupon) {
    return (
      <div class="mt-4 border-t border-slate-200 pt-4 text-sm">
        <p>
          Coupon <strong safe>{coupon.code}</strong>
          {coupon.problem ? '' : ' applied.'}
        </p>
        {coupon.problem ? (
          <p class="mt-1 font-medium text-amber-800" data-coupon-problem safe>
            {coupon.problem}
          </p>
        ) : (
          ''
        )}
        <CartForm action="/cart/coupon" method="DELETE" class="mt-2">
          <button type="submit" class="btn-secondary">
            Remove coupon
          </button>
        </CartForm>
      </div>
    );
  }
  return (
    <CartForm action="/cart/coupon" class="mt-4 flex items-end gap-2 border-t border-slate-200 pt-4">
      <label class="min-w-0 flex-1 text-sm">
        <span class="label">Coupon code</span>
        <input type="text" name="code" maxlength="40" autocomplete="off" class="input uppercase" />
      </label>
      <button type="submit" class="btn-secondary">
        Apply
      </button>
    </CartForm>
  );
}

function SavedForLater({ lines, currency }: { lines: CartLineView[]; currency: string }): JSX.Element {
  return (
    <section class="mt-10" aria-labelledby="saved-heading">
      <h2 id="saved-heading" class="section-title mb-4">
        Saved for later
      </h2>
      <ul class="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {lines.map((line) => (
          <li class="flex flex-wrap items-center justify-between gap-3 p-4" data-saved-line={String(line.id)}>
            <div>
              <a href={`/products/${line.slug}?variant=${line.variantId}`} class="font-semibold text-slate-900 hover:underline" safe>
                {line.name}
              </a>
              <p class="text-sm text-slate-600">
                <span safe>{String(line.quantity)}</span> × <span safe>{formatMoney(line.unitPriceCents, currency)}</span>
                {lineFlags(line).unavailable ? ' · currently unavailable' : ''}
              </p>
            </div>
            <div class="flex gap-2">
              <CartForm action={`/cart/saved/${line.id}/move`}>
                <button type="submit" class="btn-secondary">
                  Move to cart
                </button>
              </CartForm>
              <RemoveLineForm line={line} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The header's cart badge, as an out-of-band update for htmx answers. */
export function CartCountUpdate({ count }: { count: number }): JSX.Element {
  return (
    <span id={CART_COUNT_ID} class="cart-count" hx-swap-oob="true" safe>
      {String(count)}
    </span>
  );
}

/** What the live region says after an action (read out by screen readers, shown as a toast). */
export function CartStatusUpdate({ message }: { message: string }): JSX.Element {
  return (
    <p id={CART_STATUS_ID} class="cart-status" role="status" hx-swap-oob="true" safe>
      {message}
    </p>
  );
}

/** The mini-cart that opens from the header; `subtotalCents` is the price engine's, as on the cart page. */
export function MiniCartBody({ cart, subtotalCents, currency, oob = false }: { cart: CartView | undefined; subtotalCents: number; currency: string; oob?: boolean }): JSX.Element {
  const lines = cart?.lines ?? [];
  return (
    <div id={MINI_CART_BODY_ID} hx-swap-oob={oob ? 'true' : undefined}>
      {lines.length === 0 ? (
        <p class="p-4 text-sm text-slate-700">Your cart is empty.</p>
      ) : (
        <>
          <ul class="max-h-80 divide-y divide-slate-200 overflow-y-auto">
            {lines.map((line) => (
              <li class="flex justify-between gap-3 p-3 text-sm">
                <span class="min-w-0 truncate">
                  <span safe>{String(line.quantity)}</span> × <span safe>{line.name}</span>
                </span>
                <span class="shrink-0" safe>
                  {formatMoney(line.unitPriceCents * line.quantity, currency)}
                </span>
              </li>
            ))}
          </ul>
          <p class="flex justify-between border-t border-slate-200 p-3 text-sm font-semibold">
            <span>Subtotal</span>
            <span safe>{formatMoney(subtotalCents, currency)}</span>
          </p>
        </>
      )}
      <div class="p-3">
        <a href="/cart" class="btn-primary w-full">
          View cart
        </a>
      </div>
    </div>
  );
}

export const CARD_ADD_FORM_ID = 'card-add-to-cart';

/**
 * The one form every product card's button submits (by its `form` attribute), naming its
 * variant as the submitter's value. Cards sit inside the listing's filter form, and forms cannot
 * nest, so this form lives once in the page frame instead.
 */
export function CardAddToCartForm(): JSX.Element {
  return (
    <form id={CARD_ADD_FORM_ID} method="post" action="/cart/items" hx-post="/cart/items" hx-swap="none" hidden>
      <input type="hidden" name="quantity" value="1" />
    </form>
  );
}

/** A card's add button: a product with one variant goes straight into the cart. */
export function CardAddButton({ variantId, productName }: { variantId: number; productName: string }): JSX.Element {
  return (
    <button type="submit" form={CARD_ADD_FORM_ID} name="variant_id" value={String(variantId)} class="btn-secondary w-full" data-add-to-cart>
      Add to cart<span class="sr-only" safe>{`: ${productName}`}</span>
    </button>
  );
}

/** The add-to-cart form of a product page: a plain POST, sent in place by htmx. */
export function AddToCartForm({ variantId, stock }: { variantId: number; stock: number }): JSX.Element {
  if (stock <= 0) {
    return (
      <button type="button" class="btn-secondary" disabled>
        Sold out
      </button>
    );
  }
  return (
    <form method="post" action="/cart/items" hx-post="/cart/items" hx-swap="none" class="flex flex-wrap items-end gap-2" data-add-to-cart>
      <input type="hidden" name="variant_id" value={String(variantId)} />
      <label class="text-sm">
        <span class="label">Quantity</span>
        <input type="number" name="quantity" value="1" min="1" max={String(Math.min(stock, MAX_LINE_QUANTITY))} inputmode="numeric" class="input w-20" />
      </label>
      <button type="submit" class="btn-primary">
        Add to cart
      </button>
    </form>
  );
}
