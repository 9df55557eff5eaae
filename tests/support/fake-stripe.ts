import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * The parts of Stripe's API the store uses, served on 127.0.0.1 for the real SDK to talk to
 * (its `host`/`port`/`protocol` options): PaymentIntents (create, retrieve, cancel) and refunds,
 * with Stripe's idempotency (the same key and parameters replay the first answer with
 * `Idempotent-Replayed: true`; the same key with other parameters is a 400 idempotency_error).
 * Every request is recorded, so tests can check keys, amounts and that no card data was sent.
 */

export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** The form body decoded into nested objects (`metadata[order_number]` → `metadata.order_number`). */
  body: Record<string, unknown>;
  rawBody: string;
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  automatic_payment_methods: { enabled: boolean } | null;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  latest_charge: string | null;
  cancellation_reason: string | null;
  created: number;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  charge: string | null;
  status: 'succeeded';
  created: number;
}

/** What the shopper's browser does with Stripe.js, decided by the test. */
export type FakeOutcome = 'succeeded' | 'declined' | 'insufficient_funds' | 'processing' | 'requires_action';

export interface FakeStripe {
  readonly secretKey: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  readonly requests: FakeStripeRequest[];
  readonly paymentIntents: Map<string, FakePaymentIntent>;
  readonly refunds: Map<string, FakeRefund>;
  /** host/port/protocol for StripeProviderOptions (retries off, so a failure shows at once). */
  readonly sdkOptions: { host: string; port: number; protocol: 'http'; maxNetworkRetries: number };
  /** Moves a PaymentIntent as a confirmation in the browser would. */
  completePayment(paymentId: string, outcome: FakeOutcome): FakePaymentIntent;
  /** The next `count` requests answer 500 (before anything is done or recorded as an idempotent answer). */
  failNextRequests(count: number): void;
  reset(): void;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);
// Letters and digits like Stripe's ids; without long digit runs that could pass for a card number.
const newId = (prefix: string) => `${prefix}_${randomBytes(40).toString('base64url').replace(/[^A-Za-z]/g, '').slice(0, 24)}`;

/** Decodes Stripe's form encoding (`a[b][c]=v`) into nested objects; indexes stay object keys. */
export function decodeStripeForm(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let target = result;
    path.forEach((part, index) => {
      if (index === path.length - 1) {
        target[part] = value;
      } else {
        target[part] ??= {};
        target = target[part] as Record<string, unknown>;
      }
    });
  }
  return result;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; code?: string; message: string; param?: string },
  ) {
    super(body.message);
  }
}

export async function startFakeStripe(options: { secretKey?: string } = {}): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? `sk_test_fake_${randomBytes(8).toString('hex')}`;
  const requests: FakeStripeRequest[] = [];
  const paymentIntents = new Map<string, FakePaymentIntent>();
  const refunds = new Map<string, FakeRefund>();
  const refundedByIntent = new Map<string, number>();
  const idempotent = new Map<string, { rawBody: string; status: number; body: unknown }>();
  let failures = 0;

  function route(method: string, path: string, body: Record<string, unknown>): unknown {
    if (method === 'POST' && path === '/v1/payment_intents') {
      const amount = Number(body.amount);
      const currency = String(body.currency ?? '');
      if (!Number.isInteger(amount) || amount <= 0) throw new ApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid integer' });
      if (!/^[a-z]{3}$/.test(currency)) throw new ApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid_string', param: 'currency', message: 'Invalid currency' });
      if ('payment_method_data' in body || 'card' in body) throw new ApiError(400, { type: 'invalid_request_error', message: 'Raw card data is not accepted by this fake.' });
      const id = newId('pi');
      const automatic = body.automatic_payment_methods as { enabled?: string } | undefined;
      const intent: FakePaymentIntent = {
        id,
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency,
        status: 'requires_payment_method',
        client_secret: `${id}_secret_${newId('s').slice(2)}`,
        description: typeof body.description === 'string' ? body.description : null,
        metadata: { ...((body.metadata as Record<string, string> | undefined) ?? {}) },
        automatic_payment_methods: automatic ? { enabled: automatic.enabled === 'true' } : null,
        last_payment_error: null,
        latest_charge: null,
        cancellation_reason: null,
        created: now(),
        livemode: false,
      };
      paymentIntents.set(id, intent);
      return intent;
    }
    const intentMatch = /^\/v1\/payment_intents\/([^/]+)(\/cancel)?$/.exec(path);
    if (intentMatch) {
      const id = decodeURIComponent(intentMatch[1] as string);
      const intent = paymentIntents.get(id);
      if (!intent) throw new ApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'intent', message: `No such payment_intent: '${id}'` });
      if (method === 'GET' && !intentMatch[2]) return intent;
      if (method === 'POST' && intentMatch[2]) {
        if (intent.status === 'succeeded' || intent.status === 'canceled' || intent.status === 'processing') {
          throw new ApiError(400, {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
          });
        }
        intent.status = 'canceled';
        intent.cancellation_reason = typeof body.cancellation_reason === 'string' ? body.cancellation_reason : null;
        return intent;
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const id = String(body.payment_intent ?? '');
      const intent = paymentIntents.get(id);
      if (!intent) throw new ApiError(400, { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_intent', message: `No such payment_intent: '${id}'` });
      if (intent.status !== 'succeeded') {
        throw new ApiError(400, { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'This PaymentIntent does not have a successful charge to refund.' });
      }
      const refunded = refundedByIntent.get(id) ?? 0;
      const amount = body.amount === undefined ? intent.amount_received - refunded : Number(body.amount);
      if (!Number.isInteger(amount) || amount <= 0) throw new ApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount', message: 'Invalid integer' });
      if (refunded >= intent.amount_received) throw new ApiError(400, { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'Charge has already been refunded.' });
      if (refunded + amount > intent.amount_received) {
        throw new ApiError(400, { type: 'invalid_request_error', code: 'amount_too_large', param: 'amount', message: 'Refund amount is greater than the unrefunded amount on the charge.' });
      }
      refundedByIntent.set(id, refunded + amount);
      const refund: FakeRefund = { id: newId('re'), object: 'refund', amount, currency: intent.currency, payment_intent: id, charge: intent.latest_charge, status: 'succeeded', created: now() };
      refunds.set(refund.id, refund);
      return refund;
    }
    throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
  }

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), ...headers });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://fake-stripe');
    const method = request.method ?? 'GET';
    const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
    const authorization = request.headers.authorization;
    const body = decodeStripeForm(method === 'GET' ? url.search.slice(1) : rawBody);
    requests.push({ method, path: url.pathname, idempotencyKey, authorization, body, rawBody });

    if (failures > 0) {
      failures--;
      send(response, 500, { error: { type: 'api_error', message: 'Something went wrong on the fake.' } });
      return;
    }
    if (authorization !== `Bearer ${secretKey}`) {
      send(response, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      return;
    }
    const replayKey = idempotencyKey && method === 'POST' ? `${method} ${url.pathname} ${idempotencyKey}` : undefined;
    if (replayKey) {
      const earlier = idempotent.get(replayKey);
      if (earlier) {
        if (earlier.rawBody !== rawBody) {
          send(response, 400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          });
          return;
        }
        send(response, earlier.status, earlier.body, { 'idempotency-key': idempotencyKey as string, 'idempotent-replayed': 'true' });
        return;
      }
    }
    let status = 200;
    let answer: unknown;
    try {
      // A snapshot: later changes to the object must not change a replayed answer.
      answer = structuredClone(route(method, url.pathname, body));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      answer = { error: error.body };
    }
    if (replayKey && status < 500) idempotent.set(replayKey, { rawBody, status, body: answer });
    send(response, status, answer, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { error: { type: 'api_error', message: error instanceof Error ? error.message : 'fake failure' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    secretKey,
    host: '127.0.0.1',
    port,
    protocol: 'http',
    requests,
    paymentIntents,
    refunds,
    sdkOptions: { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 },
    completePayment(paymentId, outcome) {
      const intent = paymentIntents.get(paymentId);
      if (!intent) throw new Error(`No fake PaymentIntent ${paymentId}`);
      intent.last_payment_error = null;
      if (outcome === 'succeeded') {
        intent.status = 'succeeded';
        intent.amount_received = intent.amount;
        intent.latest_charge = newId('ch');
      } else if (outcome === 'declined' || outcome === 'insufficient_funds') {
        intent.status = 'requires_payment_method';
        intent.last_payment_error = {
          type: 'card_error',
          code: 'card_declined',
          decline_code: outcome === 'declined' ? 'generic_decline' : 'insufficient_funds',
          message: outcome === 'declined' ? 'Your card was declined.' : 'Your card has insufficient funds.',
        };
      } else {
        intent.status = outcome;
      }
      return intent;
    },
    failNextRequests(count) {
      failures = count;
    },
    reset() {
      requests.length = 0;
      paymentIntents.clear();
      refunds.clear();
      refundedByIntent.clear();
      idempotent.clear();
      failures = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A Stripe event envelope around an API object, as webhooks deliver it. */
export function stripeEvent(type: string, object: object, options: { id?: string; created?: number } = {}): Record<string, unknown> {
  return {
    id: options.id ?? newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: options.created ?? now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** A Charge of a (succeeded) fake PaymentIntent, with `amountRefunded` of it refunded so far. */
export function fakeCharge(intent: FakePaymentIntent, amountRefunded = 0): Record<string, unknown> {
  return {
    id: intent.latest_charge ?? newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: intent.amount,
    amount_refunded: amountRefunded,
    currency: intent.currency,
    paid: true,
    refunded: amountRefunded >= intent.amount,
    payment_intent: intent.id,
    metadata: { ...intent.metadata },
    status: 'succeeded',
    created: now(),
  };
}

/** A Dispute of a fake PaymentIntent's charge. */
export function fakeDispute(intent: FakePaymentIntent, reason = 'fraudulent'): Record<string, unknown> {
  return {
    id: newId('dp'),
    object: 'dispute',
    amount: intent.amount,
    currency: intent.currency,
    charge: intent.latest_charge ?? newId('ch'),
    payment_intent: intent.id,
    reason,
    status: 'needs_response',
    metadata: {},
    created: now(),
  };
}

/**
 * A webhook request body and its Stripe-Signature header, signed with the SDK's own
 * `stripe.webhooks.generateTestHeaderString`. `timestamp` is in seconds (now by default).
 */
export function signedWebhook(event: object | string, secret: string, options: { timestamp?: number } = {}): { body: string; signature: string } {
  const body = typeof event === 'string' ? event : JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return { body, signature };
}
