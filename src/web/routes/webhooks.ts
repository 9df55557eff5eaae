import { Hono } from 'hono';
import { applyPaymentEvent } from '../../orders/payment-events.js';
import { WebhookError } from '../../payments/index.js';
import type { AppDeps, AppEnv } from '../context.js';
import { noticesFor } from '../order-mail.js';
import { publishOrderChangeById } from '../../live/order-events.js';

/**
 * `POST /api/payments/webhook`: the provider's events. The signature is checked on the raw body
 * (a parsed and re-serialised body would not match); a bad one is a 400 and changes nothing.
 * An event already seen answers 200, so the provider stops sending it.
 */
export function webhookRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post('/api/payments/webhook', async (c) => {
    c.set('pageCaching', 'no-store');
    const raw = await c.req.text();
    let event;
    try {
      event = await deps.payments.parseWebhook(raw, c.req.header('Stripe-Signature'));
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      c.get('log').warn({ reason: error.message }, 'webhook refused');
      return c.json({ error: 'invalid webhook' }, 400);
    }
    // The confirmation (or failure notice) is queued in the event's own transaction.
    const outcome = await applyPaymentEvent(deps.db, event, noticesFor(deps));
    if (outcome.result === 'paid' || outcome.result === 'released' || outcome.result === 'refunded') await publishOrderChangeById(deps.db, deps.live, outcome.orderId);
    if (outcome.result === 'flagged') c.get('log').warn({ event: event.id, order: outcome.orderId }, 'order flagged for staff by a payment event');
    return c.json({ received: true, result: outcome.result });
  });
  return app;
}
