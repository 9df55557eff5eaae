import { randomBytes } from 'node:crypto';
import {
  assertAmount,
  CardNumberError,
  normaliseCurrency,
  PaymentNotFoundError,
  PaymentProviderError,
  WebhookSignatureError,
  type ChargeCardInput,
  type CreatePaymentInput,
  type PaymentEvent,
  type PaymentResult,
  type RefundInput,
  type RefundResult,
  type TestPaymentProviderApi,
} from './provider.js';

/**
 * The built-in test provider of CONTRACT.md, for when no Stripe keys are set: the checkout
 * form takes a card number and no real payment is taken.
 *
 * - `4242 4242 4242 4242` succeeds;
 * - `4000 0000 0000 0002` is declined ("Your card was declined.");
 * - `4000 0000 0000 9995` is declined for insufficient funds;
 * - any other card number is declined, saying which card to use;
 * - text that is not a card number (wrong length, other characters, failing the Luhn check)
 *   throws CardNumberError and tries nothing.
 *
 * Payments live in this instance's memory, which is enough for one process. The card number is
 * never kept, logged or returned: only its last four digits.
 */

export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

/** The card's digits with spaces and dashes taken out, or null when the text is not 12 to 19 digits. */
export function cardDigits(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{12,19}$/.test(digits) ? digits : null;
}

/** The Luhn (mod 10) check every card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Whether a text holds something that looks like a card number: a run of 13 to 19 digits
 * (single spaces or dashes between them allowed) that passes the Luhn check. For refusing card
 * numbers typed into fields that must not hold one (names, addresses, notes, metadata).
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(/\d(?:[ -]?\d)+/g)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

interface StoredPayment {
  result: PaymentResult;
  /** What createPayment was called with, to spot an idempotency key reused for another payment. */
  fingerprint: string;
  refundedCents: number;
  canceled: boolean;
}

interface Outcome {
  status: 'succeeded' | 'failed';
  failureCode?: string;
  failureMessage?: string;
}

function outcomeFor(digits: string): Outcome {
  switch (digits) {
    case TEST_CARDS.succeeds:
      return { status: 'succeeded' };
    case TEST_CARDS.declined:
      return { status: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' };
    case TEST_CARDS.insufficientFunds:
      return { status: 'failed', failureCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.' };
    default:
      return {
        status: 'failed',
        failureCode: 'unknown_test_card',
        failureMessage: 'Your card was declined. This store takes no real payments: use the test card 4242 4242 4242 4242.',
      };
  }
}

/** Letters only, so an id can never look like a card number. */
function randomLetters(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function copy(result: PaymentResult): PaymentResult {
  return { ...result };
}

export interface TestPaymentProviderOptions {
  /** Makes payment and refund ids; random by default. */
  newId?: (kind: 'payment' | 'refund') => string;
}

export class TestPaymentProvider implements TestPaymentProviderApi {
  readonly name = 'test' as const;
  readonly #payments = new Map<string, StoredPayment>();
  readonly #paymentIdsByKey = new Map<string, string>();
  readonly #charges = new Map<string, { paymentId: string; last4: string; result: PaymentResult }>();
  readonly #refunds = new Map<string, { fingerprint: string; result: RefundResult }>();
  readonly #newId: (kind: 'payment' | 'refund') => string;

  constructor(options: TestPaymentProviderOptions = {}) {
    this.#newId = options.newId ?? ((kind) => `${kind === 'payment' ? 'tp_pay' : 'tp_re'}_${randomLetters(24)}`);
  }

  async createPayment(input: CreatePaymentInput): Promise<PaymentResult> {
    assertAmount(input.amountCents);
    const currency = normaliseCurrency(input.currency);
    if (!input.idempotencyKey) throw new PaymentProviderError('An idempotency key is required.', 'idempotency_key_missing');
    const fingerprint = JSON.stringify([input.orderNumber, input.amountCents, currency]);
    const existingId = this.#paymentIdsByKey.get(input.idempotencyKey);
    if (existingId !== undefined) {
      const existing = this.#stored(existingId);
      if (existing.fingerprint !== fingerprint) {
        throw new PaymentProviderError('This idempotency key was already used for another payment.', 'idempotency_conflict');
      }
      return copy(existing.result);
    }
    const paymentId = this.#newId('payment');
    const result: PaymentResult = { paymentId, status: 'requires_action', amountCents: input.amountCents, currency, orderNumber: input.orderNumber };
    this.#payments.set(paymentId, { result, fingerprint, refundedCents: 0, canceled: false });
    this.#paymentIdsByKey.set(input.idempotencyKey, paymentId);
    return copy(result);
  }

  async chargeCard(input: ChargeCardInput): Promise<PaymentResult> {
    const payment = this.#stored(input.paymentId);
    if (input.cardNumber.trim() === '') throw new CardNumberError('Enter a card number.');
    const digits = cardDigits(input.cardNumber);
    if (digits === null || !luhnValid(digits)) throw new CardNumberError('That is not a card number. Check the digits and try again.');
    const last4 = digits.slice(-4);

    if (input.idempotencyKey !== undefined) {
      const earlier = this.#charges.get(input.idempotencyKey);
      if (earlier) {
        if (earlier.paymentId !== input.paymentId || earlier.last4 !== last4) {
          throw new PaymentProviderError('This idempotency key was already used for another card or payment.', 'idempotency_conflict');
        }
        return copy(earlier.result);
      }
    }

    // Paid is final: a second submit, with any card, answers the payment that succeeded.
    if (payment.result.status !== 'succeeded' && !payment.canceled) {
      const outcome = outcomeFor(digits);
      payment.result = {
        paymentId: payment.result.paymentId,
        status: outcome.status,
        amountCents: payment.result.amountCents,
        currency: payment.result.currency,
        orderNumber: payment.result.orderNumber,
        cardLast4: last4,
        ...(outcome.failureCode === undefined ? {} : { failureCode: outcome.failureCode, failureMessage: outcome.failureMessage }),
      };
    }
    const result = copy(payment.result);
    if (input.idempotencyKey !== undefined) this.#charges.set(input.idempotencyKey, { paymentId: input.paymentId, last4, result });
    return copy(result);
  }

  async retrievePayment(paymentId: string): Promise<PaymentResult> {
    return copy(this.#stored(paymentId).result);
  }

  async cancelPayment(paymentId: string): Promise<PaymentResult> {
    const payment = this.#stored(paymentId);
    if (payment.result.status !== 'succeeded' && !payment.canceled) {
      payment.canceled = true;
      payment.result = {
        paymentId,
        status: 'failed',
        amountCents: payment.result.amountCents,
        currency: payment.result.currency,
        orderNumber: payment.result.orderNumber,
        failureCode: 'canceled',
        failureMessage: 'This payment was canceled.',
      };
    }
    return copy(payment.result);
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    assertAmount(input.amountCents);
    if (!input.idempotencyKey) throw new PaymentProviderError('An idempotency key is required.', 'idempotency_key_missing');
    const fingerprint = JSON.stringify([input.paymentId, input.amountCents]);
    const earlier = this.#refunds.get(input.idempotencyKey);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new PaymentProviderError('This idempotency key was already used for another refund.', 'idempotency_conflict');
      }
      return { ...earlier.result };
    }
    const payment = this.#stored(input.paymentId);
    if (payment.result.status !== 'succeeded') {
      throw new PaymentProviderError('Only a payment that succeeded can be refunded.', 'payment_not_succeeded');
    }
    const left = payment.result.amountCents - payment.refundedCents;
    if (input.amountCents > left) {
      throw new PaymentProviderError(`At most ${left} (minor units) of this payment can still be refunded.`, 'refund_too_large');
    }
    payment.refundedCents += input.amountCents;
    const result: RefundResult = {
      refundId: this.#newId('refund'),
      paymentId: input.paymentId,
      status: 'succeeded',
      amountCents: input.amountCents,
      currency: payment.result.currency,
    };
    this.#refunds.set(input.idempotencyKey, { fingerprint, result });
    return { ...result };
  }

  /** The test provider answers every payment at once, so it never sends webhooks: any is refused. */
  async parseWebhook(_rawBody: string | Uint8Array, _signatureHeader: string | undefined): Promise<PaymentEvent> {
    throw new WebhookSignatureError('The test payment provider sends no webhooks.');
  }

  #stored(paymentId: string): StoredPayment {
    const payment = this.#payments.get(paymentId);
    if (!payment) throw new PaymentNotFoundError(paymentId);
    return payment;
  }
}
