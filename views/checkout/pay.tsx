import { formatMoney } from '../../src/lib/money.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export interface StripePayProps {
  layout: LayoutProps;
  orderNumber: string;
  totalCents: number;
  currency: string;
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  /** Stripe.js and our script that mounts the Payment Element. */
  scripts: string[];
}

/** The card step with Stripe: the Payment Element collects the card in Stripe's own frame. */
export function StripePayPage(props: StripePayProps): JSX.Element {
  return (
    <ShopLayout layout={props.layout} title="Pay for your order" meta={{ robots: 'noindex', scripts: props.scripts }}>
      <section class="auth-card max-w-xl">
        <h1 class="page-title mb-2">Pay for your order</h1>
        <p class="mb-6 text-slate-700">
          Order <strong data-order-number safe>{props.orderNumber}</strong> ·{' '}
          <span safe>{formatMoney(props.totalCents, props.currency)}</span>
        </p>
        <form id="payment-form">
          <div
            id="payment-element"
            class="mb-4 min-h-24"
            data-publishable-key={props.publishableKey}
            data-client-secret={props.clientSecret}
            data-return-url={props.returnUrl}
          ></div>
          <p id="payment-message" class="field-error" role="alert"></p>
          <noscript>
            <p class="notice notice-info">Card payments through Stripe need JavaScript. Turn it on and reload this page.</p>
          </noscript>
          <button type="submit" class="btn-primary w-full">
            Pay now
          </button>
        </form>
      </section>
    </ShopLayout>
  );
}
