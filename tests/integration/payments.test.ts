import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  containsCardNumber,
  createPaymentProvider,
  PaymentNotFoundError,
  PaymentProviderError,
  paymentProviderName,
  StripePaymentProvider,
  stripeEventToPaymentEvent,
  TestPaymentProvider,
  WebhookPayloadError,
  WebhookSignatureError,
} from '../../src/payments/index.js';
import { fakeCharge, fakeDispute, signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../support/fake-stripe.js';

const webhookSecret = 'whsec_test_payments_integration';

let fake: FakeStripe;
let provider: StripePaymentProvider;

beforeAll(async () => {
  fake = await startFakeStripe();
  provider = new StripePaymentProvider({ secretKey: fake.secretKey, publishableKey: 'pk_test_fake', webhookSecret, ...fake.sdkOptions });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

const order = (number: string, amountCents = 4599) => ({
  orderNumber: number,
  amountCents,
  currency: 'USD',
  idempotencyKey: `order-${number}-payment`,
  customerEmail: 'shopper@example.com',
});

describe('Stripe provider against a fake Stripe API (the real SDK over HTTP)', () => {
  it('creates one PaymentIntent per order with the idempotency key, automatic payment methods and the order number', async () => {
    const payment = await provider.createPayment(order('HS-AAAA2222'));
    expect(payment).toMatchObject({ status: 'requires_action', amountCents: 4599, currency: 'USD', orderNumber: 'HS-AAAA2222' });
    expect(payment.paymentId).toMatch(/^pi_/);
    expect(payment.clientSecret).toMatch(new RegExp(`^${payment.paymentId}_secret_`));

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/payment_intents', idempotencyKey: 'order-HS-AAAA2222-payment', authorization: `Bearer ${fake.secretKey}` });
    expect(request?.body).toEqual({
      amount: '4599',
      currency: 'usd',
      automatic_payment_methods: { enabled: 'true' },
      description: 'Order HS-AAAA2222',
      metadata: { order_number: 'HS-AAAA2222' },
    });
    // The e-mail is not sent to Stripe (it would send its own receipt).
    expect(request?.rawBody).not.toContain('shopper');
  });

  it('gives the same PaymentIntent for the same key, as it stands now, and refuses the key for another amount', async () => {
    const first = await provider.createPayment(order('HS-BBBB3333'));
    const again = await provider.createPayment(order('HS-BBBB3333'));
    expect(again.paymentId).toBe(first.paymentId);
    expect(fake.paymentIntents.size).toBe(1);

    // Paid in the browser meanwhile: a replayed create answers the current state, not the stale first answer.
    fake.completePayment(first.paymentId, 'succeeded');
    const afterPaying = await provider.createPayment(order('HS-BBBB3333'));
    expect(afterPaying).toMatchObject({ paymentId: first.paymentId, status: 'succeeded' });
    expect(afterPaying.clientSecret).toBeUndefined();
    expect(fake.paymentIntents.size).toBe(1);

    const conflict = await provider.createPayment(order('HS-BBBB3333', 100)).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(PaymentProviderError);
    expect(conflict).toMatchObject({ code: 'idempotency_conflict', retryable: false });
    expect(fake.paymentIntents.size).toBe(1);
  });

  it('parallel creates with one key make one PaymentIntent', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => provider.createPayment(order('HS-CCCC4444'))));
    expect(new Set(results.map((result) => result.paymentId)).size).toBe(1);
    expect(fake.paymentIntents.size).toBe(1);
  });

  it('retries a failed request with the same idempotency key', async () => {
    const retrying = new StripePaymentProvider({ secretKey: fake.secretKey, ...fake.sdkOptions, maxNetworkRetries: 1 });
    fake.failNextRequests(1);
    const payment = await retrying.createPayment(order('HS-DDDD5555'));
    expect(fake.requests.map((request) => request.idempotencyKey)).toEqual(['order-HS-DDDD5555-payment', 'order-HS-DDDD5555-payment']);
    expect(fake.paymentIntents.size).toBe(1);
    expect(payment.status).toBe('requires_action');
  });

  it('reports a failure without retries as retryable', async () => {
    fake.failNextRequests(1);
    const error = await provider.createPayment(order('HS-EEEE6666')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentProviderError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('retrieves a payment as it stands: succeeded, declined (failed with the reason), processing', async () => {
    const payment = await provider.createPayment(order('HS-FFFF7777'));
    expect(await provider.retrievePayment(payment.paymentId)).toMatchObject({ status: 'requires_action', orderNumber: 'HS-FFFF7777' });

    fake.completePayment(payment.paymentId, 'insufficient_funds');
    expect(await provider.retrievePayment(payment.paymentId)).toMatchObject({
      status: 'failed',
      failureCode: 'insufficient_funds',
      failureMessage: 'Your card has insufficient funds.',
    });
    fake.completePayment(payment.paymentId, 'processing');
    expect(await provider.retrievePayment(payment.paymentId)).toMatchObject({ status: 'pending' });
    fake.completePayment(payment.paymentId, 'succeeded');
    expect(await provider.retrievePayment(payment.paymentId)).toMatchObject({ status: 'succeeded', amountCents: 4599, currency: 'USD' });
    expect(fake.requests.filter((request) => request.method === 'GET').map((request) => request.path)).toEqual(
      Array.from({ length: 4 }, () => `/v1/payment_intents/${payment.paymentId}`),
    );
  });

  it('refuses unknown and malformed payment ids with PaymentNotFoundError, never calling Stripe with a foreign path', async () => {
    await expect(provider.retrievePayment('pi_doesnotexist')).rejects.toBeInstanceOf(PaymentNotFoundError);
    const before = fake.requests.length;
    for (const id of ['../v1/refunds', 'pi_1/../../x', 'tp_pay_123', '']) {
      await expect(provider.retrievePayment(id)).rejects.toBeInstanceOf(PaymentNotFoundError);
    }
    expect(fake.requests.length).toBe(before);
  });

  it('cancels an unpaid payment, and answers a paid one as succeeded instead', async () => {
    const unpaid = await provider.createPayment(order('HS-GGGG8888'));
    expect(await provider.cancelPayment(unpaid.paymentId)).toMatchObject({ status: 'failed', failureCode: 'canceled' });
    expect(fake.paymentIntents.get(unpaid.paymentId)?.status).toBe('canceled');

    const paid = await provider.createPayment(order('HS-HHHH9999'));
    fake.completePayment(paid.paymentId, 'succeeded');
    expect(await provider.cancelPayment(paid.paymentId)).toMatchObject({ status: 'succeeded' });
    expect(fake.paymentIntents.get(paid.paymentId)?.status).toBe('succeeded');
  });

  it('refunds with the idempotency key: once per key, never more than was paid', async () => {
    const payment = await provider.createPayment(order('HS-JJJJ2345', 5000));
    fake.completePayment(payment.paymentId, 'succeeded');

    const refund = { paymentId: payment.paymentId, amountCents: 2000, idempotencyKey: 'order-HS-JJJJ2345-refund-1' };
    const first = await provider.refund(refund);
    expect(first).toMatchObject({ paymentId: payment.paymentId, status: 'succeeded', amountCents: 2000, currency: 'USD' });
    expect(first.refundId).toMatch(/^re_/);
    expect(await provider.refund(refund)).toEqual(first);
    expect(fake.refunds.size).toBe(1);

    const refundRequests = fake.requests.filter((request) => request.path === '/v1/refunds');
    expect(refundRequests.map((request) => [request.idempotencyKey, request.body])).toEqual([
      ['order-HS-JJJJ2345-refund-1', { payment_intent: payment.paymentId, amount: '2000' }],
      ['order-HS-JJJJ2345-refund-1', { payment_intent: payment.paymentId, amount: '2000' }],
    ]);

    const tooMuch = await provider.refund({ ...refund, amountCents: 3001, idempotencyKey: 'order-HS-JJJJ2345-refund-2' }).catch((error: unknown) => error);
    expect(tooMuch).toMatchObject({ code: 'amount_too_large' });
    expect(await provider.refund({ ...refund, amountCents: 3000, idempotencyKey: 'order-HS-JJJJ2345-refund-3' })).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a refund of an unpaid or unknown payment and bad amounts before calling Stripe', async () => {
    const unpaid = await provider.createPayment(order('HS-KKKK2345'));
    await expect(provider.refund({ paymentId: unpaid.paymentId, amountCents: 100, idempotencyKey: 'r-1' })).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
    await expect(provider.refund({ paymentId: 'pi_missing', amountCents: 100, idempotencyKey: 'r-2' })).rejects.toBeInstanceOf(PaymentNotFoundError);
    const before = fake.requests.length;
    for (const amountCents of [0, -5, 10.5, Number.NaN]) {
      await expect(provider.refund({ paymentId: unpaid.paymentId, amountCents, idempotencyKey: 'r-3' })).rejects.toMatchObject({ code: 'invalid_amount' });
    }
    await expect(provider.createPayment({ ...order('HS-KKKK2345'), currency: 'dollars' })).rejects.toMatchObject({ code: 'invalid_currency' });
    expect(fake.requests.length).toBe(before);
  });

  it('never sends card data or the e-mail: metadata with a card number is refused before any request', async () => {
    await expect(provider.createPayment({ ...order('HS-LLLL2345'), metadata: { note: 'card 4242 4242 4242 4242' } })).rejects.toMatchObject({
      code: 'card_data_in_metadata',
    });
    expect(fake.requests).toHaveLength(0);
    const payment = await provider.createPayment({ ...order('HS-LLLL2345'), metadata: { cart_id: '42' } });
    fake.completePayment(payment.paymentId, 'succeeded');
    await provider.refund({ paymentId: payment.paymentId, amountCents: 100, idempotencyKey: 'order-HS-LLLL2345-refund-1' });
    for (const request of fake.requests) {
      expect(containsCardNumber(request.rawBody)).toBe(false);
      expect(request.rawBody).not.toContain('example.com');
    }
  });

  it('a wrong secret key is a provider error, not a crash', async () => {
    const wrongKey = new StripePaymentProvider({ secretKey: 'sk_test_wrong', ...fake.sdkOptions });
    await expect(wrongKey.createPayment(order('HS-MMMM2345'))).rejects.toBeInstanceOf(PaymentProviderError);
  });
});

describe('Stripe webhooks', () => {
  async function paidIntent(number: string) {
    const payment = await provider.createPayment(order(number));
    return fake.completePayment(payment.paymentId, 'succeeded');
  }

  it('maps payment_intent.succeeded, with the amount received, the upper-case currency and the order number', async () => {
    const intent = await paidIntent('HS-NNNN2345');
    const event = stripeEvent('payment_intent.succeeded', intent, { id: 'evt_paid', created: 1_790_000_000 });
    const { body, signature } = signedWebhook(event, webhookSecret);
    expect(await provider.parseWebhook(body, signature)).toEqual({
      id: 'evt_paid',
      type: 'payment.succeeded',
      providerType: 'payment_intent.succeeded',
      paymentId: intent.id,
      amountCents: 4599,
      currency: 'USD',
      orderNumber: 'HS-NNNN2345',
      createdAt: new Date(1_790_000_000 * 1000),
    });
    // The raw bytes work as well as the string.
    expect(await provider.parseWebhook(new TextEncoder().encode(body), signature)).toMatchObject({ id: 'evt_paid', type: 'payment.succeeded' });
  });

  it('maps payment_intent.payment_failed with the decline', async () => {
    const payment = await provider.createPayment(order('HS-PPPP2345'));
    const intent = fake.completePayment(payment.paymentId, 'declined');
    const { body, signature } = signedWebhook(stripeEvent('payment_intent.payment_failed', intent), webhookSecret);
    expect(await provider.parseWebhook(body, signature)).toMatchObject({
      type: 'payment.failed',
      paymentId: intent.id,
      amountCents: 4599,
      currency: 'USD',
      orderNumber: 'HS-PPPP2345',
      failureCode: 'generic_decline',
      failureMessage: 'Your card was declined.',
    });
  });

  it('maps charge.refunded to the total refunded so far', async () => {
    const intent = await paidIntent('HS-QQQQ2345');
    const partial = signedWebhook(stripeEvent('charge.refunded', fakeCharge(intent, 1000)), webhookSecret);
    expect(await provider.parseWebhook(partial.body, partial.signature)).toMatchObject({
      type: 'refund.recorded',
      paymentId: intent.id,
      amountCents: 1000,
      paymentAmountCents: 4599,
      fullyRefunded: false,
      currency: 'USD',
      orderNumber: 'HS-QQQQ2345',
    });
    const full = signedWebhook(stripeEvent('charge.refunded', fakeCharge(intent, 4599)), webhookSecret);
    expect(await provider.parseWebhook(full.body, full.signature)).toMatchObject({ type: 'refund.recorded', amountCents: 4599, fullyRefunded: true });
  });

  it('maps charge.dispute.created', async () => {
    const intent = await paidIntent('HS-RRRR2345');
    const dispute = fakeDispute(intent, 'fraudulent');
    const { body, signature } = signedWebhook(stripeEvent('charge.dispute.created', dispute), webhookSecret);
    expect(await provider.parseWebhook(body, signature)).toMatchObject({
      type: 'dispute.created',
      paymentId: intent.id,
      amountCents: 4599,
      currency: 'USD',
      disputeId: dispute.id,
      reason: 'fraudulent',
    });
  });

  it('answers other events, and charges without a PaymentIntent, as ignored', async () => {
    const intent = await paidIntent('HS-SSSS2345');
    for (const event of [
      stripeEvent('payment_intent.created', intent, { id: 'evt_other' }),
      stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }, { id: 'evt_other' }),
      stripeEvent('charge.refunded', { ...fakeCharge(intent, 10), payment_intent: null }, { id: 'evt_other' }),
    ]) {
      const { body, signature } = signedWebhook(event, webhookSecret);
      expect(await provider.parseWebhook(body, signature)).toEqual({ type: 'ignored', id: 'evt_other', providerType: event.type });
    }
  });

  it('reads an expanded payment_intent on a charge', () => {
    const event = stripeEvent('charge.refunded', { id: 'ch_1', amount: 500, amount_refunded: 500, currency: 'eur', payment_intent: { id: 'pi_x' } });
    expect(stripeEventToPaymentEvent(event)).toMatchObject({ paymentId: 'pi_x', currency: 'EUR', fullyRefunded: true });
  });

  describe('refuses with WebhookSignatureError', () => {
    const event = () => stripeEvent('payment_intent.succeeded', { id: 'pi_sig', amount: 100, amount_received: 100, currency: 'usd', metadata: {} });
    const nowSeconds = () => Math.floor(Date.now() / 1000);

    it('an unsigned request', async () => {
      const { body } = signedWebhook(event(), webhookSecret);
      await expect(provider.parseWebhook(body, undefined)).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(body, '')).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(body, 'garbage')).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(body, `t=${nowSeconds()}`)).rejects.toBeInstanceOf(WebhookSignatureError);
    });

    it('a signature made with another secret', async () => {
      const { body, signature } = signedWebhook(event(), 'whsec_someone_else');
      await expect(provider.parseWebhook(body, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(body, signature)).rejects.toThrow(/No signatures found matching/);
    });

    it('a body with one byte changed', async () => {
      const { body, signature } = signedWebhook(event(), webhookSecret);
      const changed = body.replace('"amount": 100', '"amount": 900');
      expect(changed).not.toBe(body);
      await expect(provider.parseWebhook(changed, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
      const lastByte = `${body.slice(0, -1)} `;
      await expect(provider.parseWebhook(lastByte, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
    });

    it('a timestamp more than 300 seconds old, or ahead', async () => {
      const stale = signedWebhook(event(), webhookSecret, { timestamp: nowSeconds() - 301 });
      await expect(provider.parseWebhook(stale.body, stale.signature)).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(stale.body, stale.signature)).rejects.toThrow(/tolerance/);
      const ahead = signedWebhook(event(), webhookSecret, { timestamp: nowSeconds() + 400 });
      await expect(provider.parseWebhook(ahead.body, ahead.signature)).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(provider.parseWebhook(ahead.body, ahead.signature)).rejects.toThrow(/tolerance/);
      const recent = signedWebhook(event(), webhookSecret, { timestamp: nowSeconds() - 240 });
      await expect(provider.parseWebhook(recent.body, recent.signature)).resolves.toMatchObject({ type: 'payment.succeeded' });
    });

    it('the tolerance follows the clock it is given', async () => {
      const signedAt = 1_800_000_000;
      const { body, signature } = signedWebhook(event(), webhookSecret, { timestamp: signedAt });
      const at = (seconds: number) => new StripePaymentProvider({ secretKey: fake.secretKey, webhookSecret, ...fake.sdkOptions, now: () => seconds * 1000 });
      await expect(at(signedAt + 300).parseWebhook(body, signature)).resolves.toMatchObject({ type: 'payment.succeeded' });
      await expect(at(signedAt + 301).parseWebhook(body, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
      await expect(at(signedAt - 301).parseWebhook(body, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
    });

    it('every webhook when no webhook secret is configured', async () => {
      const noSecret = new StripePaymentProvider({ secretKey: fake.secretKey, ...fake.sdkOptions });
      const { body, signature } = signedWebhook(event(), webhookSecret);
      await expect(noSecret.parseWebhook(body, signature)).rejects.toBeInstanceOf(WebhookSignatureError);
    });
  });

  it('refuses a signed body that is not a usable event with WebhookPayloadError', async () => {
    for (const payload of ['not json', JSON.stringify({ hello: 'world' }), JSON.stringify(stripeEvent('payment_intent.succeeded', { id: 'pi_1', currency: 'usd' }))]) {
      const { body, signature } = signedWebhook(payload, webhookSecret);
      await expect(provider.parseWebhook(body, signature)).rejects.toBeInstanceOf(WebhookPayloadError);
    }
  });
});

describe('createPaymentProvider', () => {
  const none = { STRIPE_SECRET_KEY: undefined, STRIPE_PUBLISHABLE_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined, PAYMENTS: undefined };

  it('chooses the test provider without a Stripe key, or with PAYMENTS=test', () => {
    expect(createPaymentProvider(none)).toBeInstanceOf(TestPaymentProvider);
    expect(createPaymentProvider({ ...none, STRIPE_SECRET_KEY: 'sk_test_x', PAYMENTS: 'test' })).toBeInstanceOf(TestPaymentProvider);
    expect(paymentProviderName({ ...none, PAYMENTS: 'test' })).toBe('test');
  });

  it('chooses Stripe with a key, and refuses PAYMENTS=stripe without one', () => {
    const stripe = createPaymentProvider({ ...none, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_PUBLISHABLE_KEY: 'pk_test_x' });
    expect(stripe).toBeInstanceOf(StripePaymentProvider);
    expect(stripe.name).toBe('stripe');
    expect(stripe.name === 'stripe' && stripe.publishableKey).toBe('pk_test_x');
    expect(() => createPaymentProvider({ ...none, PAYMENTS: 'stripe' })).toThrow(/STRIPE_SECRET_KEY/);
  });

  it('passes the fake API location and the webhook secret through to the Stripe provider', async () => {
    const stripe = createPaymentProvider(
      { ...none, STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret },
      { stripe: fake.sdkOptions },
    );
    const payment = await stripe.createPayment(order('HS-TTTT2345'));
    expect(fake.paymentIntents.has(payment.paymentId)).toBe(true);
    const { body, signature } = signedWebhook(stripeEvent('payment_intent.succeeded', fake.completePayment(payment.paymentId, 'succeeded')), webhookSecret);
    expect(await stripe.parseWebhook(body, signature)).toMatchObject({ type: 'payment.succeeded', paymentId: payment.paymentId });
  });
});
