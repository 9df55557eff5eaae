import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findMemberCartId } from '../../cart/carts.js';
import type { User } from '../../db/schema-accounts.js';
import { publishOrderChange } from '../../live/order-events.js';
import { isTestCardNumber, TEST_CARD_PROBLEM } from '../../orders/checkout-rules.js';
import { payWithTestCard, startOrderPayment } from '../../orders/pay-order.js';
import { placeOrder } from '../../orders/place-order.js';
import { statusLabels } from '../../orders/status.js';
import { TEST_CARDS } from '../../payments/index.js';
import type { Order as OrderRow } from '../../db/schema-orders.js';
import type { AppDeps } from '../../web/context.js';
import { noticesFor } from '../../web/order-mail.js';
import { pricingContextForUser } from '../../web/pricing-context.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { refusalsAsProblems } from '../domain-errors.js';
import { ApiProblem, conflict, notFound, problemResponses, unprocessable } from '../problem.js';
import { CheckoutInput, IdempotencyHeader, Order, OrderNumberParam, orderJson, PaymentIntent, TestPaymentInput } from '../schemas/orders.js';
import { checkoutOrderInput } from './checkout-input.js';
import { ownOrder } from './orders.js';
import { idempotentCheckouts } from './checkout-idempotency.js';
import { jsonAnswer, jsonBody } from '../content.js';

const common = { tags: ['Checkout'], security: userSecurity, middleware: requireUser() };

const routes = {
  place: createRoute({
    ...common,
    method: 'post',
    path: '/checkout/orders',
    summary: 'Turn the cart into an order awaiting payment',
    description:
      'Prices, stock, shipping, tax and the coupon are the server’s, checked again as the order is placed; the stock is held for 30 minutes. Idempotency-Key is required: the same key again (within 24 hours) answers the same order with Idempotent-Replayed: true, and the same key with another body is refused with 422. An order whose payment was declined is cancelled: place a new one, with a new key.',
    operationId: 'placeOrder',
    request: { headers: IdempotencyHeader, body: jsonBody(CheckoutInput) },
    responses: { 201: jsonAnswer('The order, awaiting payment', Order), ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503) },
  }),
  intent: createRoute({
    ...common,
    method: 'post',
    path: '/checkout/orders/{number}/payment-intent',
    summary: 'What the app needs to pay an order',
    description: 'Stripe: the PaymentIntent’s id and client secret and the publishable key, for the Payment Sheet; the webhook then marks the order paid. The test provider: where to post a test card number. Asking again gives the same payment.',
    operationId: 'createPaymentIntent',
    request: { params: OrderNumberParam },
    responses: { 200: jsonAnswer('How to pay', PaymentIntent), ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
  }),
  testPayment: createRoute({
    ...common,
    method: 'post',
    path: '/checkout/orders/{number}/test-payment',
    summary: 'Pay with a test card (test provider only)',
    description: `Only while the store runs the built-in test provider (404 otherwise): ${TEST_CARDS.succeeds} pays, ${TEST_CARDS.declined} is declined, ${TEST_CARDS.insufficientFunds} is declined for insufficient funds. A decline (422) cancels the order, releases its stock and leaves the cart as it was.`,
    operationId: 'payWithTestCard',
    request: { params: OrderNumberParam, body: jsonBody(TestPaymentInput) },
    responses: { 200: jsonAnswer('The paid order', Order), ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503) },
  }),
};

/** Checkout through the same commands as the shop's checkout page: placeOrder, then the payment step. */
export function registerCheckoutRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, payments } = deps;
  const me = (c: Context<ApiEnv>) => c.get('apiUser') as User;
  const replays = idempotentCheckouts(deps.store);

  api.openapi(routes.place, async (c) => {
    const user = me(c);
    const key = c.req.valid('header')['idempotency-key'];
    const body = c.req.valid('json');
    const earlier = await replays.find(user.id, key, body);
    if (earlier) {
      c.header('Idempotent-Replayed', 'true');
      return c.json(orderJson(await ownOrder(deps, user, earlier)), 201);
    }
    const input = await checkoutOrderInput(deps, user, body);
    const cartId = await findMemberCartId(db, user.id);
    if (cartId === undefined) throw unprocessable('Your cart is empty.');
    const { order, superseded } = await refusalsAsProblems(async () => placeOrder(db, { ...input, cartId, userId: user.id, paymentProvider: payments.name, pricing: await pricingContextForUser(deps, user) }));
    if (superseded) await publishOrderChange(deps.live, superseded, 'cancelled');
    await replays.remember(user.id, key, body, order.number);
    c.header('Location', `/api/v1/orders/${order.number}`);
    return c.json(orderJson(await ownOrder(deps, user, order.number)), 201);
  });

  api.openapi(routes.intent, async (c) => {
    const { order } = await ownOrder(deps, me(c), c.req.valid('param').number);
    assertAwaitingPayment(order);
    const payment = await refusalsAsProblems(() => startOrderPayment(db, payments, order));
    const base = { orderNumber: order.number, amount: { amount: order.total_cents, currency: order.currency }, paymentId: payment.paymentId };
    if (payments.name === 'test') {
      return c.json({ ...base, provider: 'test' as const, testPayment: { path: `/api/v1/checkout/orders/${order.number}/test-payment`, cards: TEST_CARDS } }, 200);
    }
    const clientSecret = payment.clientSecret ?? (await refusalsAsProblems(() => payments.retrievePayment(payment.paymentId))).clientSecret;
    if (!clientSecret || !payments.publishableKey) throw new ApiProblem(503, 'unavailable', 'Temporarily unavailable', 'Card payments are not set up on this store yet.');
    return c.json({ ...base, provider: 'stripe' as const, clientSecret, publishableKey: payments.publishableKey }, 200);
  });

  api.openapi(routes.testPayment, async (c) => {
    if (payments.name !== 'test') throw notFound('A test payment (this store takes real payments)');
    const { order } = await ownOrder(deps, me(c), c.req.valid('param').number);
    const { cardNumber } = c.req.valid('json');
    if (!isTestCardNumber(cardNumber)) throw unprocessable(TEST_CARD_PROBLEM, [{ field: 'body.cardNumber', message: TEST_CARD_PROBLEM }]);
    assertAwaitingPayment(order);
    const outcome = await refusalsAsProblems(() => payWithTestCard(db, payments, order, cardNumber, noticesFor(deps)));
    if (!outcome.paid) {
      if (outcome.released) await publishOrderChange(deps.live, order.number, 'cancelled');
      throw unprocessable(outcome.message, undefined, 'payment-declined');
    }
    if (outcome.changed) await publishOrderChange(deps.live, order.number, 'paid');
    return c.json(orderJson(await ownOrder(deps, me(c), order.number)), 200);
  });
}

function assertAwaitingPayment(order: OrderRow): void {
  if (order.status !== 'pending') throw conflict(`This order is ${statusLabels[order.status].toLowerCase()}: there is nothing to pay.`);
}
