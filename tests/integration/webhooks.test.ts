import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addToCart, createGuestCart } from '../../src/cart/carts.js';
import { placeOrder } from '../../src/orders/place-order.js';
import { StripePaymentProvider } from '../../src/payments/index.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { latestMailTo } from '../support/accounts.js';
import { insertProduct } from '../support/factories.js';
import { deliverOutbox } from '../support/outbox.js';
import { fakeCharge, fakeDispute, signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../support/fake-stripe.js';

const WEBHOOK_SECRET = 'whsec_test_secret_for_webhooks';
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
const address = { full_name: 'Dorothy Vaughan', address_line1: '2 Fortran Street', address_line2: '', city: 'Hampton', state: '', postal_code: '23666', country: 'US', phone: '' };

/** An order awaiting payment through Stripe, with its PaymentIntent on the fake. */
async function pendingOrder(email: string, stock = 5) {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 10_000, stock }]);
  const cartId = await createGuestCart(db());
  await addToCart(db(), cartId, variants[0]!.id, 1);
  const { order } = await placeOrder(db(), {
    cartId,
    userId: null,
    email,
    address,
    shippingMethodCode: 'standard',
    paymentProvider: 'stripe',
    holdMinutes: 30,
    pricing: { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids) => ids, now: new Date() },
  });
  const payment = await provider.createPayment({ orderNumber: order.number, amountCents: order.total_cents, currency: order.currency, idempotencyKey: `order-${order.number}-payment` });
  await db().updateTable('orders').set({ payment_id: payment.paymentId }).where('id', '=', order.id).execute();
  return { order, paymentId: payment.paymentId, variantId: variants[0]!.id };
}

const post = (body: string, signature?: string) =>
  ctx.app.request('/api/payments/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', ...(signature ? { 'Stripe-Signature': signature } : {}) }, body });
const deliver = (event: object) => {
  const { body, signature } = signedWebhook(event, WEBHOOK_SECRET);
  return post(body, signature);
};
const statusOf = async (orderId: number) => (await db().selectFrom('orders').select(['status', 'needs_review', 'refunded_cents']).where('id', '=', orderId).executeTakeFirstOrThrow());
const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;

describe('payment webhooks', () => {
  it('refuses unsigned, wrongly signed, altered and stale events with 400, changing nothing', async () => {
    const { order, paymentId } = await pendingOrder('refused@example.test');
    const event = stripeEvent('payment_intent.succeeded', stripe.completePayment(paymentId, 'succeeded'));
    const good = signedWebhook(event, WEBHOOK_SECRET);
    expect((await post(good.body)).status).toBe(400);
    expect((await post(good.body, signedWebhook(event, 'whsec_wrong').signature)).status).toBe(400);
    expect((await post(good.body.replace('"succeeded"', '"succeedee"'), good.signature)).status).toBe(400);
    const stale = signedWebhook(event, WEBHOOK_SECRET, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await post(stale.body, stale.signature)).status).toBe(400);
    expect((await statusOf(order.id)).status).toBe('pending');
  });

  it('pays the order once for the same event sent three times (also at once), with one confirmation', async () => {
    const email = 'once@example.test';
    const { order, paymentId } = await pendingOrder(email);
    const event = stripeEvent('payment_intent.succeeded', stripe.completePayment(paymentId, 'succeeded'));
    const responses = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await statusOf(order.id)).status).toBe('paid');
    const events = await db().selectFrom('order_events').select('to_status').where('order_id', '=', order.id).execute();
    expect(events.filter((row) => row.to_status === 'paid')).toHaveLength(1);
    await deliverOutbox(db());
    expect((await db().selectFrom('dev_mail').select('id').where('to_address', '=', email).execute()).length).toBe(1);
    expect((await latestMailTo(db(), email))?.subject).toContain(order.number);
    // A failure that arrives after the success never unpays the order.
    await deliver(stripeEvent('payment_intent.payment_failed', { ...stripe.paymentIntents.get(paymentId)!, status: 'requires_payment_method' }));
    expect((await statusOf(order.id)).status).toBe('paid');
  });

  it('a failed payment releases the stock of an order still waiting', async () => {
    const { order, paymentId, variantId } = await pendingOrder('failed@example.test');
    expect(await stockOf(variantId)).toBe(4);
    await deliver(stripeEvent('payment_intent.payment_failed', stripe.completePayment(paymentId, 'declined')));
    expect((await statusOf(order.id)).status).toBe('cancelled');
    expect(await stockOf(variantId)).toBe(5);
  });

  it('an amount that does not match the order is not accepted: the order stays unpaid and is flagged', async () => {
    const { order, paymentId } = await pendingOrder('mismatch@example.test');
    const intent = stripe.completePayment(paymentId, 'succeeded');
    await deliver(stripeEvent('payment_intent.succeeded', { ...intent, amount: 100, amount_received: 100 }));
    const row = await statusOf(order.id);
    expect(row.status).toBe('pending');
    expect(row.needs_review).toMatch(/does not match/);
  });

  it('records refunds (partial, then full, restocking unshipped goods) and flags disputes', async () => {
    const { order, paymentId, variantId } = await pendingOrder('refund@example.test');
    const intent = stripe.completePayment(paymentId, 'succeeded');
    await deliver(stripeEvent('payment_intent.succeeded', intent));
    await deliver(stripeEvent('charge.refunded', fakeCharge(intent, 1000)));
    expect(await statusOf(order.id)).toMatchObject({ status: 'partially_refunded', refunded_cents: 1000 });
    await deliver(stripeEvent('charge.refunded', fakeCharge(intent, order.total_cents)));
    expect(await statusOf(order.id)).toMatchObject({ status: 'refunded', refunded_cents: order.total_cents });
    expect(await stockOf(variantId)).toBe(5);
    await deliver(stripeEvent('charge.dispute.created', fakeDispute(intent)));
    expect((await statusOf(order.id)).needs_review).toMatch(/Dispute/);
  });
});
