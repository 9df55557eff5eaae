/**
 * What every payment provider does for the store, in the store's own terms.
 *
 * Conventions, the same for every provider:
 * - Amounts are integers in the currency's minor unit (cents; yen for JPY), as Stripe counts them.
 * - Currencies are accepted in any case and always returned UPPER-case (ISO 4217, as the store's
 *   CURRENCY setting and the orders table keep them), so `event.currency === order.currency`.
 * - Every call that moves money takes the caller's idempotency key, derived from the order
 *   (`order-HS-ABCD2345-payment`): the same key always gives the same payment or refund, so a
 *   retried or doubled request can never charge or refund twice.
 * - No card number is ever stored, logged, sent to Stripe by this server, or put in a result or
 *   an error: at most its last four digits.
 */

export type PaymentProviderName = 'stripe' | 'test';

/**
 * - `requires_action`: the shopper still has to act (enter a card, pass 3-D Secure).
 * - `pending`: submitted, the outcome is not known yet (bank debits; an authorised but uncaptured card).
 * - `succeeded`: the money is taken.
 * - `failed`: declined or canceled; `failureMessage` says why. A declined payment can be tried
 *   again with another card (Stripe's PaymentIntent returns to `requires_payment_method`).
 */
export type PaymentStatus = 'requires_action' | 'pending' | 'succeeded' | 'failed';

export interface CreatePaymentInput {
  /** The order's number, kept with the payment (Stripe: `metadata.order_number`). */
  orderNumber: string;
  /** A positive integer in minor units. */
  amountCents: number;
  /** ISO 4217, any case. */
  currency: string;
  /** Deterministic per order, e.g. `order-${orderNumber}-payment`. */
  idempotencyKey: string;
  /**
   * The shopper's e-mail. Not sent to Stripe (it would send its own receipt next to the
   * store's confirmation); kept for providers that need it.
   */
  customerEmail?: string;
  /** Extra metadata (Stripe allows 50 keys, 40-character keys, 500-character values); `order_number` is always ours. */
  metadata?: Record<string, string>;
}

export interface PaymentResult {
  paymentId: string;
  status: PaymentStatus;
  amountCents: number;
  /** UPPER-case ISO 4217. */
  currency: string;
  orderNumber?: string;
  /** Stripe only: what the Payment Element needs (`stripe.confirmPayment`). Never log it. */
  clientSecret?: string;
  /** A provider code when `failed`: `card_declined`, `insufficient_funds`, `canceled`, ... */
  failureCode?: string;
  /** A sentence for the shopper when `failed`. */
  failureMessage?: string;
  /** The last four digits of the card tried, when the provider knows them (test provider). */
  cardLast4?: string;
}

export interface RefundInput {
  paymentId: string;
  /** A positive integer in minor units, at most what is left unrefunded. */
  amountCents: number;
  /** Deterministic per refund, e.g. `order-${orderNumber}-refund-${refundNumber}`. */
  idempotencyKey: string;
}

export interface RefundResult {
  refundId: string;
  paymentId: string;
  /** Stripe refunds of some payment methods stay `pending` for a while; `charge.refunded` then follows. */
  status: 'succeeded' | 'pending' | 'failed';
  amountCents: number;
  /** UPPER-case ISO 4217. */
  currency: string;
}

interface PaymentEventBase {
  /** The provider's event id (Stripe: `evt_...`): process each one once. */
  id: string;
  /** The provider's own name of the event (`payment_intent.succeeded`), for logs. */
  providerType: string;
  paymentId: string;
  /** UPPER-case ISO 4217. */
  currency: string;
  /** From the payment's metadata when present; find the order by `paymentId` first. */
  orderNumber?: string;
  createdAt: Date;
}

/** The money was taken. Check `amountCents` and `currency` against the order before marking it paid. */
export interface PaymentSucceededEvent extends PaymentEventBase {
  type: 'payment.succeeded';
  /** What was received (Stripe: `amount_received`). */
  amountCents: number;
}

/** An attempt failed. It must never unpay a paid order; the shopper may still try again. */
export interface PaymentFailedEvent extends PaymentEventBase {
  type: 'payment.failed';
  /** What the payment asked for. */
  amountCents: number;
  failureCode?: string;
  failureMessage?: string;
}

/**
 * Money went back. `amountCents` is the TOTAL refunded on the payment so far (Stripe:
 * `charge.amount_refunded`), not this refund's share: record it as "refunded at least this
 * much", which is harmless when events come twice or out of order.
 */
export interface RefundRecordedEvent extends PaymentEventBase {
  type: 'refund.recorded';
  amountCents: number;
  /** What the payment took. */
  paymentAmountCents: number;
  fullyRefunded: boolean;
}

/** The shopper's bank disputes the payment: flag the order for staff. */
export interface DisputeCreatedEvent extends PaymentEventBase {
  type: 'dispute.created';
  /** The disputed amount. */
  amountCents: number;
  disputeId: string;
  reason: string;
}

/** Any other event: answer 200 and do nothing. */
export interface IgnoredPaymentEvent {
  type: 'ignored';
  id: string;
  providerType: string;
}

export type PaymentEvent = PaymentSucceededEvent | PaymentFailedEvent | RefundRecordedEvent | DisputeCreatedEvent | IgnoredPaymentEvent;

export interface PaymentProviderBase {
  readonly name: PaymentProviderName;
  /**
   * Starts the payment of one order. The same idempotency key gives the same payment; the same
   * key with another amount, currency or order number throws PaymentProviderError
   * (`idempotency_conflict`).
   */
  createPayment(input: CreatePaymentInput): Promise<PaymentResult>;
  /** The payment as it stands now; throws PaymentNotFoundError for an id the provider does not know. */
  retrievePayment(paymentId: string): Promise<PaymentResult>;
  /**
   * Cancels a payment that has not succeeded (an order that expired unpaid), so it can no
   * longer be paid. Answers the payment as it stands afterwards: when that is `succeeded`
   * (the shopper paid just in time) or `pending`, the order must not be expired.
   */
  cancelPayment(paymentId: string): Promise<PaymentResult>;
  /** Refunds part or all of a succeeded payment. */
  refund(input: RefundInput): Promise<RefundResult>;
  /**
   * Checks a webhook's signature on the raw body, exactly as received, with a tolerance of 300
   * seconds either way, and maps the event. Throws WebhookSignatureError for a missing, invalid
   * or stale signature (or when no webhook secret is configured) and WebhookPayloadError for a
   * signed body that is not a usable event: answer both with 400.
   */
  parseWebhook(rawBody: string | Uint8Array, signatureHeader: string | undefined): Promise<PaymentEvent>;
}

export interface ChargeCardInput {
  paymentId: string;
  /** As typed: spaces and dashes are ignored. */
  cardNumber: string;
  /**
   * Optional, per attempt (`order-HS-ABCD2345-charge-2`): the same key answers the first
   * attempt's result again without trying the card; the same key with a card of other last
   * four digits throws PaymentProviderError (`idempotency_conflict`). A payment that has
   * succeeded is never charged again, whatever the key.
   */
  idempotencyKey?: string;
}

/** The built-in test provider of CONTRACT.md: the server takes a test card number. */
export interface TestPaymentProviderApi extends PaymentProviderBase {
  readonly name: 'test';
  /**
   * Charges a payment created by createPayment with a test card. A decline is a result
   * (`status: 'failed'`), not an error; the payment can be tried again. Throws CardNumberError
   * when the text is not a card number at all (nothing was tried), PaymentNotFoundError for an
   * unknown payment.
   */
  chargeCard(input: ChargeCardInput): Promise<PaymentResult>;
}

/** Stripe: the card is collected by Stripe.js (the Payment Element), never by this server. */
export interface StripePaymentProviderApi extends PaymentProviderBase {
  readonly name: 'stripe';
  /** For Stripe.js on the payment page; undefined when STRIPE_PUBLISHABLE_KEY is not set. */
  readonly publishableKey: string | undefined;
}

export type PaymentProvider = TestPaymentProviderApi | StripePaymentProviderApi;

/** The provider refused or failed (network, API error, idempotency conflict, refund too large). */
export class PaymentProviderError extends Error {
  override name = 'PaymentProviderError';
  constructor(
    message: string,
    /** `idempotency_conflict`, `refund_too_large`, `payment_not_succeeded`, `invalid_amount`, a Stripe error code, ... */
    readonly code: string,
    /** True for failures worth retrying later with the same idempotency key (network, rate limit, Stripe 5xx). */
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** No payment with that id (a tampered return URL, another provider's id). */
export class PaymentNotFoundError extends PaymentProviderError {
  override name = 'PaymentNotFoundError';
  constructor(paymentId: string) {
    super(`No payment ${JSON.stringify(paymentId.slice(0, 80))}.`, 'payment_not_found');
  }
}

/** The test provider's card field holds something that is not a card number; nothing was tried. */
export class CardNumberError extends Error {
  override name = 'CardNumberError';
  constructor(message: string) {
    super(message);
  }
}

/** A webhook request to refuse with 400. */
export class WebhookError extends Error {
  override name = 'WebhookError';
}

/** Missing, invalid or stale signature, or no webhook secret configured. */
export class WebhookSignatureError extends WebhookError {
  override name = 'WebhookSignatureError';
}

/** Correctly signed, but not an event this store can read. */
export class WebhookPayloadError extends WebhookError {
  override name = 'WebhookPayloadError';
}

/** Webhook signatures older (or further in the future) than this are refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Upper-cases and checks an ISO 4217 code; throws PaymentProviderError (`invalid_currency`). */
export function normaliseCurrency(currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new PaymentProviderError('The currency must be an ISO 4217 code such as USD.', 'invalid_currency');
  return code;
}

/** Throws PaymentProviderError (`invalid_amount`) unless the amount is a positive safe integer. */
export function assertAmount(amountCents: number): void {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new PaymentProviderError('The amount must be a positive whole number of minor units (cents).', 'invalid_amount');
  }
}
