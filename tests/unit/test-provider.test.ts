import { describe, expect, it } from 'vitest';
import {
  CardNumberError,
  cardDigits,
  containsCardNumber,
  luhnValid,
  PaymentNotFoundError,
  PaymentProviderError,
  TEST_CARDS,
  TestPaymentProvider,
  WebhookSignatureError,
  type PaymentResult,
} from '../../src/payments/index.js';

const payment = (provider: TestPaymentProvider, number = 'HS-TEST2345', amountCents = 2599) =>
  provider.createPayment({ orderNumber: number, amountCents, currency: 'usd', idempotencyKey: `order-${number}-payment` });

/** Every string a value holds, an error's message and properties included. */
function everyText(value: unknown): string {
  if (value instanceof Error) return `${value.name} ${value.message} ${value.stack ?? ''} ${JSON.stringify({ ...value })}`;
  return JSON.stringify(value);
}

describe('card numbers', () => {
  it('ignores spaces and dashes, and accepts only 12 to 19 digits', () => {
    expect(cardDigits('4242 4242 4242 4242')).toBe('4242424242424242');
    expect(cardDigits(' 4000-0000-0000-0002 ')).toBe('4000000000000002');
    expect(cardDigits('4242 4242 4242 424x')).toBeNull();
    expect(cardDigits('42424242424')).toBeNull();
    expect(cardDigits('4'.repeat(20))).toBeNull();
    expect(cardDigits('')).toBeNull();
  });

  it('checks Luhn', () => {
    for (const valid of ['4242424242424242', '4000000000000002', '4000000000009995', '5555555555554444', '378282246310005', '79927398713']) {
      expect(luhnValid(valid)).toBe(true);
    }
    for (const invalid of ['4242424242424241', '4000000000000003', '1234567812345678', '79927398710', '', 'abc']) {
      expect(luhnValid(invalid)).toBe(false);
    }
  });

  it('finds a card number inside other text, and not phone numbers, postcodes or non-Luhn runs', () => {
    expect(containsCardNumber('my card is 4242 4242 4242 4242 thanks')).toBe(true);
    expect(containsCardNumber('4000-0000-0000-0002')).toBe(true);
    expect(containsCardNumber('5555555555554444')).toBe(true);
    expect(containsCardNumber('+1 (555) 123-4567')).toBe(false);
    expect(containsCardNumber('10115 Berlin, Unter den Linden 1')).toBe(false);
    expect(containsCardNumber('4242 4242 4242 4241')).toBe(false);
    expect(containsCardNumber('order HS-ABCD2345')).toBe(false);
  });
});

describe('test payment provider', () => {
  it('creates a payment awaiting a card, in upper-case currency', async () => {
    const provider = new TestPaymentProvider();
    const created = await payment(provider);
    expect(created).toMatchObject({ status: 'requires_action', amountCents: 2599, currency: 'USD', orderNumber: 'HS-TEST2345' });
    expect(created.paymentId).toMatch(/^tp_pay_[A-Za-z]{24}$/);
    expect(created.clientSecret).toBeUndefined();
    expect(await provider.retrievePayment(created.paymentId)).toEqual(created);
  });

  it('4242 4242 4242 4242 succeeds, keeping only the last four digits', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    const result = await provider.chargeCard({ paymentId, cardNumber: '4242 4242 4242 4242' });
    expect(result).toEqual({ paymentId, status: 'succeeded', amountCents: 2599, currency: 'USD', orderNumber: 'HS-TEST2345', cardLast4: '4242' });
    expect(await provider.retrievePayment(paymentId)).toEqual(result);
  });

  it('4000 0000 0000 0002 is declined, and the payment can be tried again', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    expect(await provider.chargeCard({ paymentId, cardNumber: '4000 0000 0000 0002' })).toMatchObject({
      status: 'failed',
      failureCode: 'card_declined',
      failureMessage: 'Your card was declined.',
      cardLast4: '0002',
    });
    expect(await provider.retrievePayment(paymentId)).toMatchObject({ status: 'failed' });
    const retried = await provider.chargeCard({ paymentId, cardNumber: '4242424242424242' });
    expect(retried).toMatchObject({ status: 'succeeded', cardLast4: '4242' });
    expect(retried.failureCode).toBeUndefined();
    expect(retried.failureMessage).toBeUndefined();
  });

  it('4000 0000 0000 9995 is declined for insufficient funds', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    expect(await provider.chargeCard({ paymentId, cardNumber: '4000-0000-0000-9995' })).toMatchObject({
      status: 'failed',
      failureCode: 'insufficient_funds',
      failureMessage: 'Your card has insufficient funds.',
    });
  });

  it('declines any other card number, saying which test card to use', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    for (const cardNumber of ['5555 5555 5555 4444', '3782 822463 10005', '4000 0000 0000 0069']) {
      const result = await provider.chargeCard({ paymentId, cardNumber });
      expect(result).toMatchObject({ status: 'failed', failureCode: 'unknown_test_card' });
      expect(result.failureMessage).toContain('4242 4242 4242 4242');
    }
  });

  it('refuses what is not a card number with CardNumberError, trying nothing', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    for (const cardNumber of ['', '   ', '4242 4242 4242 4241', '4242.4242.4242.4242', 'four two four two', '4242', '42424242424242424242']) {
      const error = await provider.chargeCard({ paymentId, cardNumber }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CardNumberError);
    }
    await expect(provider.chargeCard({ paymentId, cardNumber: '4242 4242 4242 4241' })).rejects.toThrow('That is not a card number');
    await expect(provider.chargeCard({ paymentId, cardNumber: '' })).rejects.toThrow('Enter a card number.');
    expect(await provider.retrievePayment(paymentId)).toMatchObject({ status: 'requires_action' });
  });

  it('never charges a paid payment again, whatever card comes next', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    const paid = await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.succeeds });
    expect(await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.declined })).toEqual(paid);
    const parallel = await Promise.all(Array.from({ length: 5 }, () => provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.succeeds })));
    for (const result of parallel) expect(result).toEqual(paid);
  });

  it('is idempotent by key: the same payment for the same key, a conflict for another order or amount', async () => {
    const provider = new TestPaymentProvider();
    const first = await payment(provider);
    const again = await payment(provider);
    expect(again).toEqual(first);
    const parallel = await Promise.all(Array.from({ length: 5 }, () => payment(provider, 'HS-PARA2345')));
    expect(new Set(parallel.map((result) => result.paymentId)).size).toBe(1);

    const conflict = await payment(provider, 'HS-TEST2345', 1).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(PaymentProviderError);
    expect(conflict).toMatchObject({ code: 'idempotency_conflict' });
    // Once paid, the same key answers the paid payment.
    await provider.chargeCard({ paymentId: first.paymentId, cardNumber: TEST_CARDS.succeeds });
    expect(await payment(provider)).toMatchObject({ paymentId: first.paymentId, status: 'succeeded' });
  });

  it('keeps payments per provider instance', async () => {
    const one = new TestPaymentProvider();
    const other = new TestPaymentProvider();
    const created = await payment(one);
    expect((await payment(other)).paymentId).not.toBe(created.paymentId);
    await expect(other.retrievePayment(created.paymentId)).rejects.toBeInstanceOf(PaymentNotFoundError);
  });

  it('answers a charge key again with its first result; the same key with another card is a conflict', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider);
    const declined = await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.declined, idempotencyKey: 'attempt-1' });
    expect(await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.declined, idempotencyKey: 'attempt-1' })).toEqual(declined);
    await expect(provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.succeeds, idempotencyKey: 'attempt-1' })).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    expect(await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.succeeds, idempotencyKey: 'attempt-2' })).toMatchObject({ status: 'succeeded' });
  });

  it('refunds a paid payment, once per key, up to what was paid', async () => {
    const provider = new TestPaymentProvider();
    const { paymentId } = await payment(provider, 'HS-REFU2345', 1000);
    await expect(provider.refund({ paymentId, amountCents: 100, idempotencyKey: 'refund-0' })).rejects.toMatchObject({ code: 'payment_not_succeeded' });
    await provider.chargeCard({ paymentId, cardNumber: TEST_CARDS.succeeds });

    const first = await provider.refund({ paymentId, amountCents: 600, idempotencyKey: 'refund-1' });
    expect(first).toMatchObject({ paymentId, status: 'succeeded', amountCents: 600, currency: 'USD' });
    expect(first.refundId).toMatch(/^tp_re_/);
    expect(await provider.refund({ paymentId, amountCents: 600, idempotencyKey: 'refund-1' })).toEqual(first);
    await expect(provider.refund({ paymentId, amountCents: 500, idempotencyKey: 'refund-1' })).rejects.toMatchObject({ code: 'idempotency_conflict' });
    await expect(provider.refund({ paymentId, amountCents: 401, idempotencyKey: 'refund-2' })).rejects.toMatchObject({ code: 'refund_too_large' });
    expect(await provider.refund({ paymentId, amountCents: 400, idempotencyKey: 'refund-3' })).toMatchObject({ status: 'succeeded', amountCents: 400 });
    await expect(provider.refund({ paymentId, amountCents: 1, idempotencyKey: 'refund-4' })).rejects.toMatchObject({ code: 'refund_too_large' });
  });

  it('cancels an unpaid payment for good, and leaves a paid one paid', async () => {
    const provider = new TestPaymentProvider();
    const unpaid = await payment(provider, 'HS-CANC2345');
    expect(await provider.cancelPayment(unpaid.paymentId)).toMatchObject({ status: 'failed', failureCode: 'canceled' });
    expect(await provider.chargeCard({ paymentId: unpaid.paymentId, cardNumber: TEST_CARDS.succeeds })).toMatchObject({ status: 'failed', failureCode: 'canceled' });

    const paid = await payment(provider, 'HS-PAID2345');
    await provider.chargeCard({ paymentId: paid.paymentId, cardNumber: TEST_CARDS.succeeds });
    expect(await provider.cancelPayment(paid.paymentId)).toMatchObject({ status: 'succeeded' });
  });

  it('refuses bad amounts, currencies and unknown payments with typed errors', async () => {
    const provider = new TestPaymentProvider();
    for (const amountCents of [0, -1, 1.5, Number.POSITIVE_INFINITY, Number.NaN]) {
      await expect(provider.createPayment({ orderNumber: 'HS-X', amountCents, currency: 'USD', idempotencyKey: `k-${amountCents}` })).rejects.toMatchObject({
        code: 'invalid_amount',
      });
    }
    await expect(provider.createPayment({ orderNumber: 'HS-X', amountCents: 100, currency: 'US', idempotencyKey: 'k' })).rejects.toMatchObject({ code: 'invalid_currency' });
    await expect(provider.createPayment({ orderNumber: 'HS-X', amountCents: 100, currency: 'USD', idempotencyKey: '' })).rejects.toMatchObject({
      code: 'idempotency_key_missing',
    });
    await expect(provider.retrievePayment('tp_pay_nope')).rejects.toBeInstanceOf(PaymentNotFoundError);
    await expect(provider.chargeCard({ paymentId: 'tp_pay_nope', cardNumber: TEST_CARDS.succeeds })).rejects.toBeInstanceOf(PaymentNotFoundError);
  });

  it('receives no webhooks', async () => {
    await expect(new TestPaymentProvider().parseWebhook('{}', 't=1,v1=abc')).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  it('puts no card number in any result or error, only the last four digits', async () => {
    const provider = new TestPaymentProvider();
    const seen: unknown[] = [];
    const cards = ['4242 4242 4242 4242', '4000000000000002', '4000-0000-0000-9995', '5555555555554444', '4242424242424241', '4242 4242 4242 424'];
    for (const cardNumber of cards) {
      const { paymentId } = await payment(provider, `HS-${cardNumber.replace(/\D/g, '').slice(-4)}X2345`);
      seen.push(await provider.chargeCard({ paymentId, cardNumber }).catch((error: unknown) => error));
      seen.push(await provider.chargeCard({ paymentId, cardNumber, idempotencyKey: `k-${paymentId}` }).catch((error: unknown) => error));
      seen.push(await provider.chargeCard({ paymentId, cardNumber: '4242424242424242', idempotencyKey: `k-${paymentId}` }).catch((error: unknown) => error));
      seen.push(await provider.retrievePayment(paymentId));
    }
    for (const value of seen) {
      // The one card number allowed is the test card that decline messages advertise.
      const text = everyText(value).replaceAll('use the test card 4242 4242 4242 4242', '');
      expect(containsCardNumber(text), text).toBe(false);
      for (const cardNumber of cards) expect(text).not.toContain(cardNumber.replace(/\D/g, ''));
    }
    const results = seen.filter((value): value is PaymentResult => !(value instanceof Error));
    expect(results.some((result) => result.cardLast4 === '4242')).toBe(true);
  });
});
