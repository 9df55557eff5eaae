import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveEvent } from '../../../src/live/bus.js';
import { NEW_ORDERS_CHANNEL, orderChannel } from '../../../src/live/order-events.js';
import { addToCart, createGuestCart } from '../../../src/cart/carts.js';
import { placeOrder } from '../../../src/orders/place-order.js';
import { StripePaymentProvider } from '../../../src/payments/index.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { fakeCharge, signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../../support/fake-stripe.js';

/** What the payment provider's events announce, and that they announce it only once it is committed. */
const WEBHOOK_SECRET = 'whsec_live_updates';
let stripe: FakeStripe;
let provider: StripePaymentProvider;
let ctx: TestContext;
beforeAll(async () => {
  stripe = await startFakeStripe();
  provider = new StripePaymentProvider({ secretKey: stripe.secretKey, webhookSecret: WEBHOOK_SECRET, ...stripe.sdkOptions });
  ctx = await createTestApp({ payments: provider });
});
afterAll(async () => {
  await ctx.close();
  await stripe.close();
});

const db = () => ctx.database.db;
const address = { full_name: 'Katherine Johnson', address_line1: '1 Orbit Lane', address_line2: '', city: 'Hampton', state: '', postal_code: '23666', country: 'US', phone: '' };

async function pendingOrder() {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 5_000, stock: 5 }]);
  const cartId = await createGuestCart(db());
  await addToCart(db(), cartId, variants[0]!.id, 1);
  const { order } = await placeOrder(db(), {
    cartId,
    userId: null,
    email: 'katherine@example.test',
    address,
    shippingMethodCode: 'standard',
    paymentProvider: 'stripe',
    holdMinutes: 30,
    pricing: { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids) => ids, now: new Date() },
  });
  const payment = await provider.createPayment({ orderNumber: order.number, amountCents: order.total_cents, currency: order.currency, idempotencyKey: `order-${order.number}-payment` });
  await db().updateTable('orders').set({ payment_id: payment.paymentId }).where('id', '=', order.id).execute();
  return { order, paymentId: payment.paymentId };
}

const deliver = async (event: object) => {
  const { body, signature } = signedWebhook(event, WEBHOOK_SECRET);
  const response = await ctx.app.request('/api/payments/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body });
  expect(response.status).toBe(200);
};

/**
 * Listens on a channel; for each event, reads the order's status from the database as another
 * process would at that moment (so an event sent before its commit would show the old one).
 */
function listen(channel: string, orderNumber: string) {
  const heard: Array<{ event: LiveEvent; statusThen: Promise<string> }> = [];
  const unsubscribe = ctx.live.subscribe(channel, (event) => {
    heard.push({ event, statusThen: db().selectFrom('orders').select('status').where('number', '=', orderNumber).executeTakeFirstOrThrow().then((row) => row.status) });
  });
  return { heard, unsubscribe };
}

describe('payment events on the live bus', () => {
  it('a payment announces the order paid, to its page and the dashboard, once, after the commit', async () => {
    const { order, paymentId } = await pendingOrder();
    const page = listen(orderChannel(order.number), order.number);
    const dashboard = listen(NEW_ORDERS_CHANNEL, order.number);
    const event = stripeEvent('payment_intent.succeeded', stripe.completePayment(paymentId, 'succeeded'));
    await deliver(event);
    await vi.waitFor(() => expect(dashboard.heard).toHaveLength(1));
    expect(page.heard.map((entry) => entry.event)).toEqual([{ number: order.number, status: 'paid' }]);
    expect(await page.heard[0]!.statusThen).toBe('paid');
    expect(dashboard.heard[0]!.event).toEqual({ number: order.number });

    await deliver(event); // redelivered: nothing changed, nothing said
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(page.heard).toHaveLength(1);
    expect(dashboard.heard).toHaveLength(1);

    await deliver(stripeEvent('charge.refunded', fakeCharge(stripe.paymentIntents.get(paymentId)!, 1_000)));
    await vi.waitFor(() => expect(page.heard).toHaveLength(2));
    expect(page.heard[1]!.event).toEqual({ number: order.number, status: 'partially_refunded' });
    expect(dashboard.heard).toHaveLength(1); // not a new order
    page.unsubscribe();
    dashboard.unsubscribe();
  });

  it('a failed payment announces the order cancelled; a paid order is not told it failed', async () => {
    const { order, paymentId } = await pendingOrder();
    const page = listen(orderChannel(order.number), order.number);
    await deliver(stripeEvent('payment_intent.payment_failed', stripe.completePayment(paymentId, 'declined')));
    await vi.waitFor(() => expect(page.heard).toHaveLength(1));
    expect(page.heard[0]!.event).toEqual({ number: order.number, status: 'cancelled' });
    expect(await page.heard[0]!.statusThen).toBe('cancelled');
    page.unsubscribe();

    const paid = await pendingOrder();
    const after = listen(orderChannel(paid.order.number), paid.order.number);
    await deliver(stripeEvent('payment_intent.succeeded', stripe.completePayment(paid.paymentId, 'succeeded')));
    await vi.waitFor(() => expect(after.heard).toHaveLength(1));
    expect(after.heard[0]!.event).toEqual({ number: paid.order.number, status: 'paid' });
    await deliver(stripeEvent('payment_intent.payment_failed', { ...stripe.paymentIntents.get(paid.paymentId)!, status: 'requires_payment_method' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing after the payment's own announcement: a paid order is not told it failed.
    expect(after.heard).toHaveLength(1);
    after.unsubscribe();
  });
});
