import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { addressForm, emailField } from '../../accounts/account-forms.js';
import { calculateCartTotals } from '../../cart/cart-totals.js';
import { loadCart, type CartView } from '../../cart/cart-view.js';
import { isCountryCode } from '../../lib/countries.js';
import { findOrderForViewer, listOrdersForUser, orderLinkToken } from '../../orders/orders.js';
import { CheckoutError, placeOrder, type PlacedOrder } from '../../orders/place-order.js';
import { CancelError, cancelOrder } from '../../orders/cancel.js';
import { requestReturn, ReturnError } from '../../orders/returns.js';
import { markOrderPaid, releaseUnpaidOrder } from '../../orders/settle.js';
import {
  CARD_IN_FIELD_PROBLEM,
  fieldsHoldingCardNumbers,
  isTestCardNumber,
  ORDER_HOLD_MINUTES,
  savedShippingAddress,
  SMS_PHONE_PROBLEM,
  smsUpdatesPhone,
  TEST_CARD_PROBLEM,
} from '../../orders/checkout-rules.js';
import { payWithTestCard, startOrderPayment } from '../../orders/pay-order.js';
import { CardNumberError } from '../../payments/index.js';
import type { Order } from '../../db/schema-orders.js';
import { CheckoutPage, CheckoutSummary, type CheckoutValues } from '../../../views/checkout/checkout.js';
import { StripePayPage } from '../../../views/checkout/pay.js';
import { OrderPage, OrdersListPage } from '../../../views/orders/order.js';
import type { FieldErrors } from '../../../views/components/field.js';
import type { AppDeps, AppEnv } from '../context.js';
import { pricingContextFor } from '../pricing-context.js';
import { currentCartId } from '../cart-session.js';
import { noticesFor, orderPath } from '../order-mail.js';
import { publishOrderChange } from '../../live/order-events.js';
import { NotFoundError } from '../errors.js';
import { fieldErrors, readForm } from '../forms.js';
import { htmlResponse } from '../compression.js';
import { layoutFor } from '../layout.js';
import { redirectTo, renderPage } from '../render.js';
import { requireUser } from '../session.js';

const { is_default_shipping: _default, ...addressFields } = addressForm.shape;
const checkoutForm = z.object({
  email: emailField,
  ...addressFields,
  shipping_method: z.string({ error: 'Choose a shipping method.' }).trim().regex(/^[a-z0-9_-]{1,40}$/, 'Choose a shipping method.'),
  card_number: z.string().max(40).optional(),
});

/** Checkout (CONTRACT.md fields), the thank-you page, and a shopper's orders. */
export function checkoutRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db, config, payments } = deps;

  async function pricingFor(c: Context<AppEnv>, cart: CartView, place: { country: string; state?: string; shippingMethod?: string }) {
    return calculateCartTotals(db, cart, {
      ...(await pricingContextFor(deps, c)),
      country: place.country,
      ...(place.state ? { region: place.state } : {}),
      ...(place.shippingMethod ? { shippingCode: place.shippingMethod } : {}),
    });
  }

  async function currentCart(c: Context<AppEnv>): Promise<CartView | undefined> {
    const cartId = await currentCartId(deps, c);
    const cart = cartId === undefined ? undefined : await loadCart(db, cartId);
    return cart && cart.lines.length ? cart : undefined;
  }

  async function page(c: Context<AppEnv>, cart: CartView, values: CheckoutValues, problems: { errors?: FieldErrors; formError?: string } = {}, status: 200 | 409 | 422 = 200) {
    c.set('pageCaching', 'no-store');
    const country = values.country && isCountryCode(values.country) ? values.country : config.STORE_COUNTRY;
    const totals = await pricingFor(c, cart, { country, ...(values.state ? { state: values.state } : {}), ...(values.shipping_method ? { shippingMethod: values.shipping_method } : {}) });
    const user = c.get('user');
    const [layout, addresses] = await Promise.all([
      layoutFor(deps, c),
      user ? db.selectFrom('user_addresses').select(['id', 'full_name', 'address_line1', 'city']).where('user_id', '=', user.id).orderBy('id').execute() : [],
    ]);
    const savedAddresses = addresses.map((address) => ({ id: address.id, label: `${address.full_name}, ${address.address_line1}, ${address.city}` }));
    return renderPage(c, { page: () => CheckoutPage({ layout, cart, totals, values: { ...values, country }, ...problems, testPayments: payments.name === 'test', savedAddresses, smsAvailable: Boolean(deps.sms) }) }, status);
  }

  app.get('/checkout', async (c) => {
    const cart = await currentCart(c);
    if (!cart) return c.redirect('/cart', 303);
    const user = c.get('user');
    const saved = user
      ? await db.selectFrom('user_addresses').selectAll().where('user_id', '=', user.id).orderBy('is_default_shipping', 'desc').orderBy('id').executeTakeFirst()
      : undefined;
    const failed = c.req.query('failed') === '1' ? { formError: 'The payment did not go through, so nothing was charged. Try again, or another card.' } : {};
    return page(c, cart, { email: user?.email ?? '', ...(saved ?? {}), country: saved?.country ?? config.STORE_COUNTRY }, failed);
  });

  app.get('/checkout/summary', async (c) => {
    c.set('pageCaching', 'no-store');
    const cart = await currentCart(c);
    if (!cart) return htmlResponse(c, '', 200);
    const country = (c.req.query('country') ?? '').toUpperCase();
    const totals = await pricingFor(c, cart, {
      country: isCountryCode(country) ? country : config.STORE_COUNTRY,
      state: (c.req.query('state') ?? '').slice(0, 100),
      shippingMethod: (c.req.query('shipping_method') ?? '').slice(0, 40),
    });
    return htmlResponse(c, CheckoutSummary({ cart, totals, currency: config.CURRENCY }) as string, 200);
  });

  /** The signed-in member's own address with that id, as checkout fields; undefined otherwise. */
  async function savedAddress(c: Context<AppEnv>, rawId: string): Promise<Record<string, string> | undefined> {
    const user = c.get('user');
    const id = /^\d{1,9}$/.test(rawId) ? Number(rawId) : undefined;
    if (!user || id === undefined) return undefined;
    return savedShippingAddress(db, user.id, id);
  }

  app.post('/checkout', async (c) => {
    const cartId = await currentCartId(deps, c);
    if (cartId === undefined) return redirectTo(c, '/cart');
    // The cart is read under its lock by placeOrder; only an answer that shows the form again
    // reads it here (an empty cart goes back to the cart page instead).
    const again = async (values: CheckoutValues, problems: Parameters<typeof page>[3], status: 409 | 422) => {
      const cart = await currentCart(c);
      return cart ? page(c, cart, values, problems, status) : redirectTo(c, '/cart');
    };
    const typed = await readForm(c);
    // A member may ship to one of their saved addresses by its id; someone else's id is refused.
    const saved = typed.address_id ? await savedAddress(c, typed.address_id) : undefined;
    if (typed.address_id && !saved) {
      const { card_number: _ignored, ...kept } = typed;
      return again(kept, { formError: 'Choose one of your own saved addresses.' }, 422);
    }
    const fields = saved ? { ...typed, ...saved } : typed;
    const { card_number: typedCard = '', address_id: _address, ...rest } = fields;
    const values: CheckoutValues = rest;
    const parsed = checkoutForm.safeParse(fields);
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
    // A card number belongs in the card field only: anywhere else it would be stored and shown.
    for (const name of fieldsHoldingCardNumbers(rest)) errors[name] = CARD_IN_FIELD_PROBLEM;
    if (payments.name === 'test' && !isTestCardNumber(typedCard)) errors.card_number = TEST_CARD_PROBLEM;
    const smsPhone = smsUpdatesPhone(typed.sms_updates === '1', parsed.success ? parsed.data.phone : undefined, Boolean(deps.sms));
    if (smsPhone === false) errors.phone ??= SMS_PHONE_PROBLEM;
    if (!parsed.success || Object.keys(errors).length) return again(values, { errors }, 422);

    const { email, shipping_method, card_number: _card, ...typedAddress } = parsed.data;
    const address = smsPhone ? { ...typedAddress, phone: smsPhone } : typedAddress;
    let order: Order;
    let items: PlacedOrder['items'];
    try {
      let superseded: string | undefined;
      ({ order, superseded, items } = await placeOrder(db, {
        cartId,
        userId: c.get('user')?.id ?? null,
        email,
        address,
        shippingMethodCode: shipping_method,
        paymentProvider: payments.name,
        holdMinutes: ORDER_HOLD_MINUTES,
        smsUpdates: Boolean(smsPhone),
        // The same pricing as the cart page: a coupon on a category covers the categories below it.
        pricing: await pricingContextFor(deps, c),
      }));
      if (superseded) await publishOrderChange(deps.live, superseded, 'cancelled');
    } catch (error) {
      if (error instanceof CheckoutError) return again(values, { formError: error.message }, error.status);
      throw error;
    }
    return pay(c, order, typedCard, (problems) => again(values, problems, 422), items);
  });

  /**
   * Charges the order; paid → the thank-you page, declined → the checkout again with the reason
   * (`again`), the cart intact.
   */
  async function pay(c: Context<AppEnv>, order: Order, cardNumber: string, again: (problems: { errors?: FieldErrors; formError?: string }) => Promise<Response>, items?: PlacedOrder['items']) {
    if (payments.name === 'stripe') {
      // One PaymentIntent per order (a deterministic idempotency key), then the card step.
      await startOrderPayment(db, payments, order);
      return redirectTo(c, `/checkout/pay/${order.number}?token=${orderLinkToken(order.number, config.APP_SECRET)}`);
    }
    let outcome;
    try {
      outcome = await payWithTestCard(db, payments, order, cardNumber, noticesFor(deps), items);
    } catch (error) {
      if (!(error instanceof CardNumberError)) throw error;
      if (await releaseUnpaidOrder(db, order.id, 'provider', 'no card number')) await publishOrderChange(deps.live, order.number, 'cancelled');
      return again({ errors: { card_number: error.message } });
    }
    if (!outcome.paid) {
      if (outcome.released) await publishOrderChange(deps.live, order.number, 'cancelled');
      return again({ formError: outcome.message });
    }
    if (outcome.changed) await publishOrderChange(deps.live, order.number, 'paid');
    return redirectTo(c, `${orderPath(order.number, config.APP_SECRET)}&thanks=1`);
  }

  app.get('/orders', requireUser(), async (c) => {
    const [layout, orders] = await Promise.all([layoutFor(deps, c), listOrdersForUser(db, c.get('user')!.id)]);
    return renderPage(c, { page: () => OrdersListPage({ layout, orders }) });
  });

  /** Stripe's card step for an order awaiting payment. */
  app.get('/checkout/pay/:number', async (c) => {
    c.set('pageCaching', 'no-store');
    const token = c.req.query('token');
    const { order } = await viewableOrder(c, token);
    if (payments.name !== 'stripe' || !order.payment_id) throw new NotFoundError();
    const back = orderPath(order.number, config.APP_SECRET);
    if (order.status !== 'pending') return c.redirect(back, 303);
    const payment = await payments.retrievePayment(order.payment_id);
    if (!payment.clientSecret || !payments.publishableKey) throw new Error('Stripe is missing its publishable key or the payment its client secret');
    const layout = await layoutFor(deps, c);
    const returnUrl = `${config.APP_URL}/checkout/return/${order.number}?token=${orderLinkToken(order.number, config.APP_SECRET)}`;
    return renderPage(c, {
      page: () =>
        StripePayPage({
          layout,
          orderNumber: order.number,
          totalCents: order.total_cents,
          currency: order.currency,
          publishableKey: payments.publishableKey!,
          clientSecret: payment.clientSecret!,
          returnUrl,
          scripts: ['https://js.stripe.com/v3/', deps.assets.url('stripe-checkout.js')],
        }),
    });
  });

  /**
   * Where Stripe sends the shopper back. The order's own PaymentIntent is asked how it went (the
   * query's ids are not trusted); this and the webhook may race, and only one of them marks the
   * order paid and queues the confirmation.
   */
  app.get('/checkout/return/:number', async (c) => {
    c.set('pageCaching', 'no-store');
    const { order } = await viewableOrder(c, c.req.query('token'));
    if (!order.payment_id) throw new NotFoundError();
    const payment = await payments.retrievePayment(order.payment_id);
    const back = orderPath(order.number, config.APP_SECRET);
    if (payment.status === 'succeeded' && payment.amountCents === order.total_cents && payment.currency === order.currency) {
      if (await markOrderPaid(db, order.id, { paymentId: payment.paymentId, actor: 'customer' }, noticesFor(deps))) await publishOrderChange(deps.live, order.number, 'paid');
      return c.redirect(`${back}&thanks=1`, 303);
    }
    if (payment.status === 'failed') {
      if (await releaseUnpaidOrder(db, order.id, 'provider', payment.failureMessage ?? 'payment failed')) await publishOrderChange(deps.live, order.number, 'cancelled');
      return c.redirect('/checkout?failed=1', 303);
    }
    return c.redirect(back, 303); // still processing: the webhook will settle it
  });

  /** The order the request may see: its owner's, staff's, or by the signed link's token. */
  async function viewableOrder(c: Context<AppEnv>, token: string | undefined) {
    const user = c.get('user');
    const detail = await findOrderForViewer(db, c.req.param('number') ?? '', {
      userId: user?.id ?? null,
      isAdmin: user?.role === 'admin',
      secret: config.APP_SECRET,
      ...(token ? { token } : {}),
    });
    if (!detail) throw new NotFoundError();
    return detail;
  }

  app.get('/orders/:number', async (c) => {
    c.set('pageCaching', 'no-store');
    const token = c.req.query('token');
    const detail = await viewableOrder(c, token);
    const layout = await layoutFor(deps, c);
    const notice = c.req.query('cancelled') === '1' ? 'Your order is cancelled.' : c.req.query('returned') === '1' ? 'We have your return request and will answer by e-mail.' : undefined;
    return renderPage(c, { page: () => OrderPage({ layout, detail, thankYou: c.req.query('thanks') === '1', ...(token ? { token } : {}), ...(notice ? { notice } : {}) }) });
  });

  app.post('/orders/:number/return', async (c) => {
    const form = await readForm(c);
    const detail = await viewableOrder(c, form.token);
    const items = new Map<number, number>();
    for (const [name, value] of Object.entries(form)) {
      const id = /^qty_(\d{1,9})$/.exec(name)?.[1];
      if (id && /^\d{1,4}$/.test(value)) items.set(Number(id), Number(value));
    }
    try {
      await requestReturn(db, detail.order, { reason: form.reason ?? '', items });
    } catch (error) {
      if (!(error instanceof ReturnError)) throw error;
      const layout = await layoutFor(deps, c);
      return renderPage(c, { page: () => OrderPage({ layout, detail, thankYou: false, error: error.message, ...(form.token ? { token: form.token } : {}) }) }, 422);
    }
    const number = detail.order.number;
    return redirectTo(c, form.token ? `${orderPath(number, config.APP_SECRET)}&returned=1` : `/orders/${number}?returned=1`);
  });

  app.post('/orders/:number/cancel', async (c) => {
    const token = (await readForm(c)).token;
    const detail = await viewableOrder(c, token);
    try {
      await cancelOrder(db, payments, detail.order, noticesFor(deps));
      await publishOrderChange(deps.live, detail.order.number, 'cancelled');
    } catch (error) {
      if (!(error instanceof CancelError)) throw error;
      const layout = await layoutFor(deps, c);
      return renderPage(c, { page: () => OrderPage({ layout, detail, thankYou: false, error: error.message, ...(token ? { token } : {}) }) }, 409);
    }
    const number = detail.order.number;
    return redirectTo(c, token ? `${orderPath(number, config.APP_SECRET)}&cancelled=1` : `/orders/${number}?cancelled=1`);
  });

  return app;
}
