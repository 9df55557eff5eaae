import Stripe from 'stripe';
import { z } from 'zod';
import {
  assertAmount,
  normaliseCurrency,
  PaymentNotFoundError,
  PaymentProviderError,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookPayloadError,
  WebhookSignatureError,
  type CreatePaymentInput,
  type PaymentEvent,
  type PaymentResult,
  type PaymentStatus,
  type RefundInput,
  type RefundResult,
  type StripePaymentProviderApi,
} from './provider.js';
import { containsCardNumber } from './test-provider.js';

/**
 * Stripe through its own SDK: one PaymentIntent per order, created with the caller's
 * deterministic idempotency key, paid in the browser with the Payment Element (Stripe.js), so
 * no card data ever reaches this server. Nothing here logs anything.
 */

/** The events to enable on the Stripe webhook endpoint; any other is answered as `ignored`. */
export const STRIPE_WEBHOOK_EVENTS = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded', 'charge.dispute.created'] as const;

export interface StripeProviderOptions {
  secretKey: string;
  publishableKey?: string;
  /** `whsec_...`; without it every webhook is refused. */
  webhookSecret?: string;
  /** Where the API is: api.stripe.com over https by default; a local fake in tests. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** The SDK's retries of failed requests (same idempotency key); 2 by default. */
  maxNetworkRetries?: number;
  /** Per request, in milliseconds; 20 s by default (the SDK's is 80 s). */
  timeoutMs?: number;
  /** The clock webhook timestamps are checked against, in milliseconds (tests). */
  now?: () => number;
}

const paymentIdPattern = /^pi_[A-Za-z0-9_]{1,200}$/;

export class StripePaymentProvider implements StripePaymentProviderApi {
  readonly name = 'stripe' as const;
  readonly publishableKey: string | undefined;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string | undefined;
  readonly #now: () => number;

  constructor(options: StripeProviderOptions) {
    this.publishableKey = options.publishableKey;
    this.#webhookSecret = options.webhookSecret;
    this.#now = options.now ?? Date.now;
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 20_000,
      telemetry: false,
      appInfo: { name: 'hyperstore' },
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
    });
  }

  async createPayment(input: CreatePaymentInput): Promise<PaymentResult> {
    assertAmount(input.amountCents);
    const currency = normaliseCurrency(input.currency);
    if (!input.idempotencyKey) throw new PaymentProviderError('An idempotency key is required.', 'idempotency_key_missing');
    const metadata: Record<string, string> = { ...input.metadata, order_number: input.orderNumber };
    if (Object.values(metadata).some(containsCardNumber)) {
      throw new PaymentProviderError('Payment metadata must not hold a card number.', 'card_data_in_metadata');
    }
    const intent = await this.#call(undefined, () =>
      this.#stripe.paymentIntents.create(
        {
          amount: input.amountCents,
          currency: currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: `Order ${input.orderNumber}`,
          metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    // A replay answers the PaymentIntent as it was first created; ask for how it stands now.
    if (intent.lastResponse?.headers?.['idempotent-replayed'] === 'true') return this.retrievePayment(intent.id);
    return paymentResult(intent);
  }

  async retrievePayment(paymentId: string): Promise<PaymentResult> {
    const id = checkedPaymentId(paymentId);
    return paymentResult(await this.#call(id, () => this.#stripe.paymentIntents.retrieve(id)));
  }

  async cancelPayment(paymentId: string): Promise<PaymentResult> {
    const id = checkedPaymentId(paymentId);
    try {
      return paymentResult(await this.#call(id, () => this.#stripe.paymentIntents.cancel(id, { cancellation_reason: 'abandoned' })));
    } catch (error) {
      // Succeeded, processing or already canceled: it cannot be canceled, so say how it stands.
      if (error instanceof PaymentProviderError && error.code === 'payment_intent_unexpected_state') return this.retrievePayment(id);
      throw error;
    }
  }

  async refund(input: RefundInput): Promise<RefundResult> {
    assertAmount(input.amountCents);
    if (!input.idempotencyKey) throw new PaymentProviderError('An idempotency key is required.', 'idempotency_key_missing');
    const id = checkedPaymentId(input.paymentId);
    const refund = await this.#call(id, () =>
      this.#stripe.refunds.create({ payment_intent: id, amount: input.amountCents }, { idempotencyKey: input.idempotencyKey }),
    );
    return {
      refundId: refund.id,
      paymentId: id,
      status: refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' || refund.status === 'canceled' ? 'failed' : 'pending',
      amountCents: refund.amount,
      currency: refund.currency.toUpperCase(),
    };
  }

  async parseWebhook(rawBody: string | Uint8Array, signatureHeader: string | undefined): Promise<PaymentEvent> {
    if (!this.#webhookSecret) throw new WebhookSignatureError('STRIPE_WEBHOOK_SECRET is not set, so no webhook can be verified.');
    if (!signatureHeader) throw new WebhookSignatureError('The Stripe-Signature header is missing.');
    const now = this.#now();
    let event: unknown;
    try {
      event = await this.#stripe.webhooks.constructEventAsync(rawBody, signatureHeader, this.#webhookSecret, WEBHOOK_TOLERANCE_SECONDS, undefined, now);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new WebhookSignatureError(firstLine(error.message));
      throw new WebhookPayloadError('The webhook body is not JSON.');
    }
    // The SDK refuses signatures older than the tolerance; one from the future is refused here too.
    const timestamp = signedTimestamp(signatureHeader);
    if (timestamp === undefined || timestamp - Math.floor(now / 1000) > WEBHOOK_TOLERANCE_SECONDS) {
      throw new WebhookSignatureError('Timestamp outside the tolerance zone');
    }
    return stripeEventToPaymentEvent(event);
  }

  /** Runs one SDK call and turns Stripe's errors into the store's. */
  async #call<T>(paymentId: string | undefined, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw providerError(error, paymentId);
    }
  }
}

function checkedPaymentId(paymentId: string): string {
  if (!paymentIdPattern.test(paymentId)) throw new PaymentNotFoundError(paymentId);
  return paymentId;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() || 'Invalid signature';
}

function signedTimestamp(header: string): number | undefined {
  let timestamp: number | undefined;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't' && value !== undefined) timestamp = Number.parseInt(value, 10);
  }
  return timestamp === undefined || Number.isNaN(timestamp) ? undefined : timestamp;
}

function providerError(error: unknown, paymentId: string | undefined): Error {
  const errors = Stripe.errors;
  if (!(error instanceof errors.StripeError)) return error instanceof Error ? error : new Error(String(error));
  if (paymentId !== undefined && error.code === 'resource_missing') return new PaymentNotFoundError(paymentId);
  if (error instanceof errors.StripeIdempotencyError) {
    return new PaymentProviderError('This idempotency key was already used with other parameters.', 'idempotency_conflict');
  }
  const retryable =
    error instanceof errors.StripeConnectionError ||
    error instanceof errors.StripeAPIError ||
    error instanceof errors.StripeRateLimitError ||
    (error.statusCode ?? 0) >= 500;
  return new PaymentProviderError(`Stripe: ${firstLine(error.message)}`, error.code ?? error.type, retryable);
}

function mapStatus(intent: Stripe.PaymentIntent): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
    case 'requires_capture':
      return 'pending';
    case 'canceled':
      return 'failed';
    case 'requires_payment_method':
      // Back to asking for a payment method after an attempt failed: that attempt was declined.
      return intent.last_payment_error ? 'failed' : 'requires_action';
    default:
      return 'requires_action';
  }
}

function paymentResult(intent: Stripe.PaymentIntent): PaymentResult {
  const status = mapStatus(intent);
  const result: PaymentResult = {
    paymentId: intent.id,
    status,
    amountCents: intent.amount,
    currency: intent.currency.toUpperCase(),
  };
  const orderNumber = intent.metadata?.order_number;
  if (orderNumber) result.orderNumber = orderNumber;
  if (intent.client_secret && status !== 'succeeded') result.clientSecret = intent.client_secret;
  if (status === 'failed') {
    if (intent.status === 'canceled') {
      result.failureCode = 'canceled';
      result.failureMessage = 'This payment was canceled.';
    } else {
      const failure = intent.last_payment_error;
      result.failureCode = failure?.decline_code ?? failure?.code ?? 'payment_failed';
      result.failureMessage = failure?.message ?? 'The payment failed.';
    }
  }
  return result;
}

// Webhook payloads are read with schemas rather than trusted to the SDK's types: the endpoint's
// API version may differ from the SDK's, and a signed body can still lack what we need.

const idOf = z.union([z.string().min(1), z.object({ id: z.string().min(1) }).transform((object) => object.id)]);
const metadataSchema = z.record(z.string(), z.string()).nullish();
const amount = z.number().int().min(0);
const currencySchema = z.string().regex(/^[A-Za-z]{3}$/);

const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const intentSchema = z.object({
  id: z.string().min(1),
  amount,
  amount_received: amount.optional(),
  currency: currencySchema,
  metadata: metadataSchema,
  last_payment_error: z.object({ code: z.string().nullish(), decline_code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const chargeSchema = z.object({
  id: z.string().min(1),
  amount,
  amount_refunded: amount,
  currency: currencySchema,
  refunded: z.boolean().optional(),
  payment_intent: idOf.nullish(),
  metadata: metadataSchema,
});

const disputeSchema = z.object({
  id: z.string().min(1),
  amount,
  currency: currencySchema,
  reason: z.string().nullish(),
  payment_intent: idOf.nullish(),
  metadata: metadataSchema,
});

function parseObject<T>(schema: z.ZodType<T>, object: unknown, type: string): T {
  const parsed = schema.safeParse(object);
  if (!parsed.success) throw new WebhookPayloadError(`The ${type} event does not hold the fields the store needs.`);
  return parsed.data;
}

/**
 * Maps a verified Stripe event (its parsed JSON) to the store's PaymentEvent; throws
 * WebhookPayloadError when a handled event lacks its fields. Pure: exported for tests.
 */
export function stripeEventToPaymentEvent(event: unknown): PaymentEvent {
  const parsed = envelopeSchema.safeParse(event);
  if (!parsed.success) throw new WebhookPayloadError('The webhook body is not a Stripe event.');
  const { id, type, created, data } = parsed.data;
  const base = { id, providerType: type, createdAt: new Date(created * 1000) };
  const withOrder = (metadata: Record<string, string> | null | undefined) => (metadata?.order_number ? { orderNumber: metadata.order_number } : {});

  switch (type) {
    case 'payment_intent.succeeded': {
      const intent = parseObject(intentSchema, data.object, type);
      return {
        ...base,
        type: 'payment.succeeded',
        paymentId: intent.id,
        amountCents: intent.amount_received ?? intent.amount,
        currency: intent.currency.toUpperCase(),
        ...withOrder(intent.metadata),
      };
    }
    case 'payment_intent.payment_failed': {
      const intent = parseObject(intentSchema, data.object, type);
      const failure = intent.last_payment_error;
      return {
        ...base,
        type: 'payment.failed',
        paymentId: intent.id,
        amountCents: intent.amount,
        currency: intent.currency.toUpperCase(),
        ...withOrder(intent.metadata),
        ...(failure?.decline_code || failure?.code ? { failureCode: (failure.decline_code || failure.code) as string } : {}),
        ...(failure?.message ? { failureMessage: failure.message } : {}),
      };
    }
    case 'charge.refunded': {
      const charge = parseObject(chargeSchema, data.object, type);
      // A charge made without a PaymentIntent is none of the store's.
      if (!charge.payment_intent) return { type: 'ignored', id, providerType: type };
      return {
        ...base,
        type: 'refund.recorded',
        paymentId: charge.payment_intent,
        amountCents: charge.amount_refunded,
        paymentAmountCents: charge.amount,
        fullyRefunded: charge.refunded ?? charge.amount_refunded >= charge.amount,
        currency: charge.currency.toUpperCase(),
        ...withOrder(charge.metadata),
      };
    }
    case 'charge.dispute.created': {
      const dispute = parseObject(disputeSchema, data.object, type);
      if (!dispute.payment_intent) return { type: 'ignored', id, providerType: type };
      return {
        ...base,
        type: 'dispute.created',
        paymentId: dispute.payment_intent,
        amountCents: dispute.amount,
        currency: dispute.currency.toUpperCase(),
        disputeId: dispute.id,
        reason: dispute.reason ?? 'unknown',
        ...withOrder(dispute.metadata),
      };
    }
    default:
      return { type: 'ignored', id, providerType: type };
  }
}
