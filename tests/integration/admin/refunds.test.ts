import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import { formatMoney } from '../../../src/lib/money.js';
import { StripePaymentProvider, TestPaymentProvider, type RefundInput, type RefundResult } from '../../../src/payments/index.js';
import { form, latestMailTo, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { fakeCharge, signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../../support/fake-stripe.js';
import { htmlOf, textOf } from '../../support/html.js';

/** The test provider, recording every refund asked of it (and slow to answer, to let requests overlap). */
class RecordingProvider extends TestPaymentProvider {
  readonly refunds: RefundInput[] = [];
  override async refund(input: RefundInput): Promise<RefundResult> {
    this.refunds.push(input);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.refund(input);
  }
}

const address = { full_name: 'Dorothy Vaughan', address_line1: '2 Fortran Way', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };

function helpers(ctx: () => TestContext) {
  const db = () => ctx().database.db;
  return {
    db,
    orderRow: (number: string) => db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow(),
    refundsOf: (orderId: number) => db().selectFrom('order_refunds').selectAll().where('order_id', '=', orderId).orderBy('sequence').execute(),
    stockOf: async (variantId: number) => (await db().selectFrom('product_variants').select('stock').where('id', '=', variantId).executeTakeFirstOrThrow()).stock,
    async cart(priceCents: number, quantity: number) {
      const { variants } = await insertProduct(db(), { name: 'Abacus' }, [{ price_cents: priceCents, stock: 10 }]);
      const added = await ctx().app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: String(quantity) }));
      return { shopper: sessionCookieFrom(added)!, variantId: variants[0]!.id };
    },
  };
}

describe('refunds with the test provider', () => {
  let ctx: TestContext;
  let admin: User;
  let cookie: string;
  const payments = new RecordingProvider();
  beforeAll(async () => {
    ctx = await createTestApp({ payments });
    ({ admin, cookie } = await signInAdmin(ctx));
  });
  afterAll(() => ctx.close());
  const { db, orderRow, refundsOf, stockOf, cart } = helpers(() => ctx);
  const refund = (number: string, fields: Record<string, string>) => ctx.app.request(`/admin/orders/${number}/refund`, form(fields, cookie));

  /** A paid order of 100.00 (2 × 50.00, free shipping), through the real checkout. */
  async function paidOrder() {
    const email = `refund.${randomBytes(4).toString('hex')}@example.test`;
    const { shopper, variantId } = await cart(5000, 2);
    const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, shopper));
    expect(placed.status).toBe(303);
    const order = await orderRow(placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0]);
    expect(order.total_cents).toBe(10_000);
    return { order, number: order.number, email, variantId };
  }

  it('a partial refund with restock, then the remainder: partly refunded, then refunded; each one keyed, audited and e-mailed', async () => {
    const { order, number, email, variantId } = await paidOrder();
    expect(await stockOf(variantId)).toBe(8);
    const first = await refund(number, { amount: '30.50', reason: 'Scratched box', restock: '1', sequence: '1' });
    expect(first.status).toBe(303);
    expect(await orderRow(number)).toMatchObject({ status: 'partially_refunded', refunded_cents: 3050 });
    expect(await stockOf(variantId)).toBe(10);
    const movement = await db().selectFrom('stock_movements').selectAll().where('variant_id', '=', variantId).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(movement).toMatchObject({ delta: 2, reason: 'refund', note: number, actor_user_id: admin.id });
    expect((await latestMailTo(db(), email))?.text_body).toContain('Refunded: $30.50 (in all: $30.50 of $100.00)');

    const rest = await refund(number, { amount: '69.50', sequence: '2' });
    expect(rest.status).toBe(303);
    expect(await orderRow(number)).toMatchObject({ status: 'refunded', refunded_cents: 10_000 });
    expect(payments.refunds.filter((call) => call.paymentId === order.payment_id)).toEqual([
      { paymentId: order.payment_id, amountCents: 3050, idempotencyKey: `order-${number}-refund-1` },
      { paymentId: order.payment_id, amountCents: 6950, idempotencyKey: `order-${number}-refund-2` },
    ]);
    expect((await refundsOf(order.id)).map((row) => [row.sequence, row.amount_cents, row.status, row.restock, row.reason, row.actor_user_id])).toEqual([
      [1, 3050, 'succeeded', true, 'Scratched box', admin.id],
      [2, 6950, 'succeeded', false, '', admin.id],
    ]);
    const events = await db().selectFrom('order_events').selectAll().where('order_id', '=', order.id).orderBy('id').execute();
    expect(events.slice(-2).map((event) => [event.from_status, event.to_status, event.actor, event.actor_user_id, event.note])).toEqual([
      ['paid', 'partially_refunded', 'staff', admin.id, '$30.50 refunded'],
      ['partially_refunded', 'refunded', 'staff', admin.id, '$69.50 refunded'],
    ]);
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'order.refunded').where('entity_id', '=', String(order.id)).orderBy('id').execute();
    expect(audit.map((entry) => [entry.actor_user_id, entry.entity_type, entry.before, entry.after])).toEqual([
      [admin.id, 'order', { status: 'paid', refunded_cents: 0 }, { status: 'partially_refunded', refunded_cents: 3050 }],
      [admin.id, 'order', { status: 'partially_refunded', refunded_cents: 3050 }, { status: 'refunded', refunded_cents: 10_000 }],
    ]);
    const page = await htmlOf(await ctx.app.request(`/admin/orders/${number}`, { headers: { Cookie: cookie } }));
    expect(textOf(page, '[data-payment-field="Refunded so far"]')).toBe('$100.00');
    expect(textOf(page, '[data-timeline]')).toMatch(/Refund #1 of \$30\.50 made, by Grace Lovelace, goods restocked: Scratched box/);
  });

  it('refuses more than is left, bad amounts and a second restock, with a message per field, refunding nothing', async () => {
    const { order, number } = await paidOrder();
    expect((await refund(number, { amount: '40', restock: '1' })).status).toBe(303);
    const calls = payments.refunds.length;
    const before = await orderRow(number);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ amount: '60.01' }, '#field-amount-error', /At most \$60\.00 can still be refunded/],
      [{ amount: '0' }, '#field-amount-error', /above zero/],
      [{ amount: '-5' }, '#field-amount-error', /above zero/],
      [{ amount: '12.345' }, '#field-amount-error', /two decimals/],
      [{ amount: 'ten' }, '#field-amount-error', /above zero/],
      [{ amount: '1', restock: '1' }, '#field-restock-error', /already put back in stock/],
    ];
    for (const [fields, selector, message] of cases) {
      const response = await refund(number, fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      const page = await htmlOf(response);
      expect(textOf(page, selector), JSON.stringify(fields)).toMatch(message);
      expect(page.querySelector('#field-amount')?.getAttribute('value')).toBe(fields.amount);
    }
    expect(await orderRow(number)).toEqual(before);
    expect(payments.refunds.length).toBe(calls);
    expect(await refundsOf(order.id)).toHaveLength(1);
  });

  it('the same form sent twice (a double click) makes one refund; a stale form is refused', async () => {
    const { order, number } = await paidOrder();
    const [one, two] = await Promise.all([refund(number, { amount: '25', sequence: '1' }), refund(number, { amount: '25', sequence: '1' })]);
    expect([one.status, two.status]).toEqual([303, 303]);
    expect(await orderRow(number)).toMatchObject({ refunded_cents: 2500 });
    expect(payments.refunds.filter((call) => call.paymentId === order.payment_id)).toHaveLength(1);
    const stale = await refund(number, { amount: '10', sequence: '1' });
    expect(stale.status).toBe(409);
    expect(textOf(await htmlOf(stale), '[role=alert]')).toMatch(/Another refund was made/);
    expect(await refundsOf(order.id)).toHaveLength(1);
  });

  it('a provider refusal leaves the order as it was and the refund row failed, with a clear message', async () => {
    const { order, number } = await paidOrder();
    // Someone refunds 90.00 at the provider directly: it has less left than the store believes.
    await payments.refund({ paymentId: order.payment_id!, amountCents: 9000, idempotencyKey: 'outside-the-store' });
    const response = await refund(number, { amount: '50' });
    expect(response.status).toBe(409);
    expect(textOf(await htmlOf(response), '[role=alert]')).toMatch(/The refund was not made: the payment provider refused it.*The order is unchanged/);
    expect(await orderRow(number)).toMatchObject({ status: 'paid', refunded_cents: 0 });
    expect(await refundsOf(order.id)).toEqual([expect.objectContaining({ sequence: 1, status: 'failed', amount_cents: 5000 })]);
    expect(await db().selectFrom('audit_events').select('id').where('action', '=', 'order.refunded').where('entity_id', '=', String(order.id)).execute()).toEqual([]);
  });

  it('refuses a refund of an unpaid order', async () => {
    const { shopper } = await cart(1000, 1);
    const declined = await ctx.app.request('/checkout', form({ email: 'unpaid@example.test', ...address, shipping_method: 'standard', card_number: '4000 0000 0000 0002' }, shopper));
    expect(declined.status).toBe(422);
    const order = await db().selectFrom('orders').selectAll().where('email', '=', 'unpaid@example.test').executeTakeFirstOrThrow();
    const response = await refund(order.number, { amount: '1' });
    expect(response.status).toBe(409);
    expect(textOf(await htmlOf(response), '[role=alert]')).toMatch(/Only a paid order can be refunded/);
    expect(await refundsOf(order.id)).toEqual([]);
  });

  it.runIf(process.env.DATABASE_URL)('two staff refunding everything at once make exactly one refund (real Postgres)', async () => {
    const { order, number } = await paidOrder();
    const answers = await Promise.all([refund(number, { amount: '100' }), refund(number, { amount: '100' })]);
    // The other is refused: 422 while the first is still pending (nothing left to reserve), 409 once it made the order refunded.
    const [won, lost] = answers.map((answer) => answer.status).sort();
    expect(won).toBe(303);
    expect([409, 422]).toContain(lost);
    expect(await orderRow(number)).toMatchObject({ status: 'refunded', refunded_cents: 10_000 });
    expect(payments.refunds.filter((call) => call.paymentId === order.payment_id)).toHaveLength(1);
    expect((await refundsOf(order.id)).map((row) => row.status)).toEqual(['succeeded']);
  });
});

describe('refunds with Stripe (the real SDK against the fake API)', () => {
  const WEBHOOK_SECRET = 'whsec_admin_refunds';
  let stripe: FakeStripe;
  let ctx: TestContext;
  let cookie: string;
  beforeAll(async () => {
    stripe = await startFakeStripe();
    const payments = new StripePaymentProvider({ secretKey: stripe.secretKey, publishableKey: 'pk_test_refunds', webhookSecret: WEBHOOK_SECRET, ...stripe.sdkOptions });
    ctx = await createTestApp({ payments });
    ({ cookie } = await signInAdmin(ctx));
  });
  afterAll(async () => {
    await ctx.close();
    await stripe.close();
  });
  const { orderRow, refundsOf, cart } = helpers(() => ctx);
  const deliver = (event: Record<string, unknown>) => {
    const { body, signature } = signedWebhook(event, WEBHOOK_SECRET);
    return ctx.app.request('/api/payments/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body });
  };

  it('refunds through Stripe with the order’s key; the later charge.refunded webhook does not count it twice; a Stripe outage keeps it pending until the form is sent again', async () => {
    const { shopper } = await cart(12_000, 1);
    const placed = await ctx.app.request('/checkout', form({ email: 'stripe.refund@example.test', ...address, shipping_method: 'standard' }, shopper));
    const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const intent = stripe.completePayment((await orderRow(number)).payment_id!, 'succeeded');
    expect((await deliver(stripeEvent('payment_intent.succeeded', intent))).status).toBe(200);
    const order = await orderRow(number);
    expect(order.status).toBe('paid');

    const response = await ctx.app.request(`/admin/orders/${number}/refund`, form({ amount: '30.00', sequence: '1' }, cookie));
    expect(response.status).toBe(303);
    const calls = stripe.requests.filter((request) => request.path === '/v1/refunds');
    expect(calls.map((call) => [call.idempotencyKey, call.body])).toEqual([[`order-${number}-refund-1`, { payment_intent: intent.id, amount: '3000' }]]);
    expect((await refundsOf(order.id))[0]).toMatchObject({ status: 'succeeded', provider_refund_id: [...stripe.refunds.keys()][0] });

    expect((await deliver(stripeEvent('charge.refunded', fakeCharge(intent, 3000)))).status).toBe(200);
    expect(await orderRow(number)).toMatchObject({ status: 'partially_refunded', refunded_cents: 3000 });

    // Stripe answers 500: the outcome is unknown, so the refund stays pending (its amount held back).
    stripe.failNextRequests(1);
    const outage = await ctx.app.request(`/admin/orders/${number}/refund`, form({ amount: '20.00', sequence: '2' }, cookie));
    expect(outage.status).toBe(409);
    expect(textOf(await htmlOf(outage), '[role=alert]')).toMatch(/did not answer/);
    expect(await orderRow(number)).toMatchObject({ refunded_cents: 3000 });
    expect((await refundsOf(order.id)).map((row) => row.status)).toEqual(['succeeded', 'pending']);
    const page = await htmlOf(await ctx.app.request(`/admin/orders/${number}`, { headers: { Cookie: cookie } }));
    expect(textOf(page, '#field-amount-hint')).toBe(`At most ${formatMoney(order.total_cents - 5000, 'USD')}.`);
    // Sent again, the same refund is asked for with the same key, and made once.
    expect((await ctx.app.request(`/admin/orders/${number}/refund`, form({ amount: '20.00', sequence: '2' }, cookie))).status).toBe(303);
    expect(await orderRow(number)).toMatchObject({ refunded_cents: 5000 });
    expect(stripe.refunds.size).toBe(2);
    expect((await refundsOf(order.id)).map((row) => row.status)).toEqual(['succeeded', 'succeeded']);
    expect((await deliver(stripeEvent('charge.refunded', fakeCharge(intent, 5000)))).status).toBe(200);
    expect(await orderRow(number)).toMatchObject({ status: 'partially_refunded', refunded_cents: 5000 });
  });
});
