import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripePaymentProvider } from '../../src/payments/index.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, sessionCookieFrom } from '../support/accounts.js';
import { insertProduct } from '../support/factories.js';
import { signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../support/fake-stripe.js';
import { htmlOf } from '../support/html.js';
import { deliverOutbox } from '../support/outbox.js';

const WEBHOOK_SECRET = 'whsec_stripe_checkout_test';
let stripe: FakeStripe;
let ctx: TestContext;
beforeAll(async () => {
  stripe = await startFakeStripe();
  const payments = new StripePaymentProvider({ secretKey: stripe.secretKey, publishableKey: 'pk_test_checkout', webhookSecret: WEBHOOK_SECRET, ...stripe.sdkOptions });
  ctx = await createTestApp({ payments });
});
afterAll(async () => {
  await ctx.close();
  await stripe.close();
});

const db = () => ctx.database.db;
const address = { full_name: 'Mary Jackson', address_line1: '3 Wind Tunnel Road', address_line2: '', city: 'Hampton', state: '', postal_code: '23666', country: 'US', phone: '' };
const stockOf = async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock;

/** A guest who placed an order and was sent to Stripe's card step; returns where they were sent. */
async function placeWithStripe(email: string) {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 12_000, stock: 5 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
  const cookie = sessionCookieFrom(added)!;
  const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard' }, cookie));
  expect(placed.status).toBe(303);
  const payPath = placed.headers.get('Location')!;
  expect(payPath).toMatch(/^\/checkout\/pay\/HS-[0-9A-Z]{8}\?token=[\w-]+$/);
  const number = payPath.match(/HS-[0-9A-Z]{8}/)![0];
  const order = await db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  return { cookie, payPath, number, order, variantId: variants[0]!.id, returnPath: payPath.replace('/checkout/pay/', '/checkout/return/') };
}

describe('checkout with Stripe', () => {
  it('creates one PaymentIntent per order, and only the card step’s page lets Stripe.js in', async () => {
    const { payPath, order } = await placeWithStripe('csp@example.test');
    const intents = stripe.requests.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents');
    expect(intents.at(-1)?.idempotencyKey).toBe(`order-${order.number}-payment`);
    expect(intents.at(-1)?.rawBody).not.toMatch(/4242/);
    const page = await ctx.app.request(payPath);
    expect(page.status).toBe(200);
    const csp = page.headers.get('Content-Security-Policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' https:\/\/js\.stripe\.com/);
    expect(csp).toMatch(/frame-src 'self' https:\/\/js\.stripe\.com/);
    const html = await htmlOf(page);
    expect(html.querySelector('#payment-element')?.getAttribute('data-client-secret')).toMatch(/^pi_/);
    expect(html.querySelector('script[src="https://js.stripe.com/v3/"]')).not.toBeNull();
    const elsewhere = (await ctx.app.request('/products')).headers.get('Content-Security-Policy')!;
    expect(elsewhere).not.toContain('stripe.com');
  });

  it('the return URL and the webhook race: one paid order, one confirmation', async () => {
    const email = 'race@example.test';
    const { returnPath, order } = await placeWithStripe(email);
    const intent = stripe.completePayment(order.payment_id!, 'succeeded');
    const { body, signature } = signedWebhook(stripeEvent('payment_intent.succeeded', intent), WEBHOOK_SECRET);
    const [back, hook] = await Promise.all([
      ctx.app.request(returnPath),
      ctx.app.request('/api/payments/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body }),
    ]);
    expect(back.status).toBe(303);
    expect(back.headers.get('Location')).toMatch(/&thanks=1$/);
    expect(hook.status).toBe(200);
    const paid = await db().selectFrom('order_events').select('to_status').where('order_id', '=', order.id).where('to_status', '=', 'paid').execute();
    expect(paid).toHaveLength(1);
    // Both queued in the transaction that paid (or tried to pay) the order; the dedupe key and the conditional move keep it to one.
    await deliverOutbox(db());
    expect(await db().selectFrom('dev_mail').select('id').where('to_address', '=', email).execute()).toHaveLength(1);
  });

  it('a declined card at Stripe sends the shopper back to checkout, the order cancelled and its stock returned', async () => {
    const { returnPath, order, variantId, cookie } = await placeWithStripe('declined@example.test');
    expect(await stockOf(variantId)).toBe(4);
    stripe.completePayment(order.payment_id!, 'declined');
    const back = await ctx.app.request(returnPath);
    expect(back.headers.get('Location')).toBe('/checkout?failed=1');
    expect((await db().selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
    expect(await stockOf(variantId)).toBe(5);
    const again = await htmlOf(await ctx.app.request('/checkout?failed=1', { headers: { Cookie: cookie } }));
    expect(again.querySelector('[role=alert]')?.text).toMatch(/did not go through/);
  });

  it('a tampered return (another order’s token, a made-up number) shows nothing', async () => {
    const first = await placeWithStripe('one@example.test');
    const second = await placeWithStripe('two@example.test');
    const crossed = first.returnPath.replace(first.number, second.number);
    expect((await ctx.app.request(crossed)).status).toBe(404);
    expect((await ctx.app.request('/checkout/return/HS-AAAAAAAA?token=x')).status).toBe(404);
    expect((await db().selectFrom('orders').select('status').where('id', '=', second.order.id).executeTakeFirstOrThrow()).status).toBe('pending');
  });
});
