import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/db/schema-accounts.js';
import { createSmtpMailer } from '../../../src/mail/mailer.js';
import { enqueueMessage } from '../../../src/mail/outbox.js';
import { StripePaymentProvider } from '../../../src/payments/index.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { signedWebhook, startFakeStripe, stripeEvent, type FakeStripe } from '../../support/fake-stripe.js';
import { htmlOf, textOf } from '../../support/html.js';
import { testOutboxWorker } from '../../support/outbox.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';

const WEBHOOK_SECRET = 'whsec_mail_delivery_test';
let ctx: TestContext;
let stripeCtx: TestContext;
let stripe: FakeStripe;
let sink: SmtpSink;
let admin: User;
let staff: string;
beforeAll(async () => {
  [ctx, sink, stripe] = await Promise.all([createTestApp(), startSmtpSink(), startFakeStripe()]);
  const payments = new StripePaymentProvider({ secretKey: stripe.secretKey, publishableKey: 'pk_test_mail', webhookSecret: WEBHOOK_SECRET, ...stripe.sdkOptions });
  stripeCtx = await createTestApp({ payments });
  ({ admin, cookie: staff } = await signInAdmin(ctx));
});
afterAll(async () => {
  await Promise.all([ctx.close(), stripeCtx.close(), sink.close(), stripe.close()]);
});
afterEach(async () => {
  sink.refuse(undefined);
  await sink.up();
});

const db = () => ctx.database.db;
const unique = (name: string) => `${name}.${randomBytes(4).toString('hex')}@example.test`;
const address = { full_name: 'Mary Jackson', address_line1: '3 Wind Tunnel Road', address_line2: '', city: 'Hampton', state: '', postal_code: '23666', country: 'US', phone: '' };
const worker = (context = ctx) => testOutboxWorker(context.database.db, { mailer: createSmtpMailer(sink.url, 'hyperstore <no-reply@localhost>') });
const confirmationsTo = (email: string) => sink.to(email).filter((message) => /^Your hyperstore order HS-/.test(message.parsed.subject ?? ''));
/** As if time passed: every waiting message is due now. */
const makeDue = (context = ctx) => context.database.db.updateTable('outbox_messages').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute();
const get = (path: string, headers: Record<string, string> = {}) => ctx.app.request(path, { headers: { Cookie: staff, ...headers } });

/** A guest's order, paid at checkout with the test provider. */
async function placePaidOrder(email: string) {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 3000, stock: 5 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
  return ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, sessionCookieFrom(added)!));
}

describe('delivery when the mail server fails', () => {
  it('SMTP down while an order is placed and paid: the order succeeds, and exactly one confirmation arrives when SMTP is back', async () => {
    await sink.down();
    const email = unique('patient');
    const placed = await placePaidOrder(email);
    expect(placed.status).toBe(303);
    const page = await htmlOf(await ctx.app.request(placed.headers.get('Location')!));
    expect(page.querySelector('[data-order-status]')?.getAttribute('data-order-status')).toBe('paid');

    expect(await worker().runOnce()).toMatchObject({ sent: 0, retrying: 1 });
    await makeDue();
    expect(await worker().runOnce()).toMatchObject({ sent: 0, retrying: 1 });
    const waiting = await db().selectFrom('outbox_messages').selectAll().where('recipient', '=', email).executeTakeFirstOrThrow();
    expect(waiting).toMatchObject({ kind: 'order.confirmation', status: 'pending', attempts: 2 });

    await sink.up();
    await worker().runOnce(); // not due yet: nothing goes before its time
    expect(confirmationsTo(email)).toEqual([]);
    await makeDue();
    await Promise.all([worker().runOnce(), worker().runOnce()]);
    await makeDue();
    await worker().runOnce();
    expect(confirmationsTo(email)).toHaveLength(1);
    expect(confirmationsTo(email)[0]!.parsed.subject).toContain(page.querySelector('[data-order-number]')!.text.trim());
  });

  it('the return URL and the webhook race: one paid order, one confirmation', async () => {
    const sdb = stripeCtx.database.db;
    const email = unique('race');
    const { variants } = await insertProduct(sdb, {}, [{ price_cents: 12_000, stock: 5 }]);
    const added = await stripeCtx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
    const placed = await stripeCtx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard' }, sessionCookieFrom(added)!));
    const payPath = placed.headers.get('Location')!;
    const order = await sdb.selectFrom('orders').selectAll().where('number', '=', payPath.match(/HS-[0-9A-Z]{8}/)![0]).executeTakeFirstOrThrow();
    const { body, signature } = signedWebhook(stripeEvent('payment_intent.succeeded', stripe.completePayment(order.payment_id!, 'succeeded')), WEBHOOK_SECRET);
    const hook = () => stripeCtx.app.request('/api/payments/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body });
    const answers = await Promise.all([stripeCtx.app.request(payPath.replace('/checkout/pay/', '/checkout/return/')), hook(), hook()]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 200, 200]);
    await Promise.all([worker(stripeCtx).runOnce(), worker(stripeCtx).runOnce()]);
    await worker(stripeCtx).runOnce();
    expect(confirmationsTo(email)).toHaveLength(1);
  });
});

describe('failed mail in the back office', () => {
  it('a recipient refused for good is failed and shown on /admin/mail, other mail goes; "send again" sends it, audited', async () => {
    const [refused, fine] = [unique('bounced'), unique('fine')];
    sink.refuse(550, refused);
    expect((await placePaidOrder(refused)).status).toBe(303);
    expect((await placePaidOrder(fine)).status).toBe(303);
    await worker().runOnce();
    expect(confirmationsTo(fine)).toHaveLength(1);
    expect(confirmationsTo(refused)).toEqual([]);
    const failed = await db().selectFrom('outbox_messages').selectAll().where('recipient', '=', refused).executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });

    const screen = await htmlOf(await get('/admin/mail'));
    const row = screen.querySelector(`[data-mail-row="${failed.id}"]`)!;
    expect(row.text).toContain(refused);
    expect(row.text).toContain('Order confirmation');
    expect(row.querySelector('[data-mail-state]')?.getAttribute('data-mail-state')).toBe('failed');
    expect(textOf(row, '[data-mail-error]')).toMatch(/550/);
    expect(screen.querySelector('main')!.text).not.toContain('Total:'); // subjects and recipients, never bodies
    expect(Number(textOf(screen, '[data-mail-count="failed"]'))).toBeGreaterThanOrEqual(1);
    expect(screen.querySelectorAll('[data-mail-row]').map((tr) => tr.getAttribute('data-mail-row'))).not.toContain(String((await db().selectFrom('outbox_messages').select('id').where('recipient', '=', fine).executeTakeFirstOrThrow()).id));

    sink.refuse(undefined, refused);
    const retried = await ctx.app.request(`/admin/mail/${failed.id}/retry`, form({}, staff));
    expect(retried.status).toBe(303);
    expect(await db().selectFrom('outbox_messages').select(['status', 'attempts']).where('id', '=', failed.id).executeTakeFirstOrThrow()).toEqual({ status: 'pending', attempts: 0 });
    const audit = await db().selectFrom('audit_events').selectAll().where('action', '=', 'mail.retried').where('entity_id', '=', String(failed.id)).execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: admin.id, entity_type: 'outbox_message', before: expect.objectContaining({ status: 'failed', attempts: 1 }), after: { status: 'pending', attempts: 0 } })]);
    expect(textOf(await htmlOf(await get('/admin/mail')), '[role=status]')).toContain(`Message #${failed.id} will be sent again`);
    await worker().runOnce();
    expect(confirmationsTo(refused)).toHaveLength(1);
  });

  it('send again refuses what it cannot do and changes nothing: a message that has not failed, an unknown id, a customer', async () => {
    const to = unique('sent');
    await enqueueMessage(db(), { kind: 'order.shipped', to, subject: 'Shipped', text: 'On its way.' });
    await worker().runOnce();
    const sent = await db().selectFrom('outbox_messages').selectAll().where('recipient', '=', to).executeTakeFirstOrThrow();
    const audits = async () => (await db().selectFrom('audit_events').select('id').where('action', '=', 'mail.retried').execute()).length;
    const before = await audits();
    expect((await ctx.app.request(`/admin/mail/${sent.id}/retry`, form({}, staff))).status).toBe(303);
    expect(textOf(await htmlOf(await get('/admin/mail')), '[role=status]')).toContain('had not failed');
    expect((await ctx.app.request('/admin/mail/999999999/retry', form({}, staff))).status).toBe(404);
    expect((await ctx.app.request('/admin/mail/abc/retry', form({}, staff))).status).toBe(404);
    const customer = await insertUser(db());
    expect((await ctx.app.request(`/admin/mail/${sent.id}/retry`, form({}, await logIn(ctx, customer.email)))).status).toBe(403);
    expect((await ctx.app.request('/admin/mail')).status).toBe(303);
    expect(await db().selectFrom('outbox_messages').selectAll().where('id', '=', sent.id).executeTakeFirstOrThrow()).toEqual(sent);
    expect(await audits()).toBe(before);
    expect(sink.to(to)).toHaveLength(1);
  });

  it('filters by status and kind, pages, and answers htmx with the results fragment only', async () => {
    const tag = randomBytes(3).toString('hex');
    for (let index = 0; index < 27; index++) await enqueueMessage(db(), { kind: 'cart.reminder', to: `page${index}.${tag}@example.test`, subject: 'Reminder', text: 'Your cart.' });
    await db().updateTable('outbox_messages').set({ status: 'failed', attempts: 8, last_error: 'gave up' }).where('recipient', 'like', `%.${tag}@example.test`).execute();
    const rowsOf = async (query: string) => (await htmlOf(await get(`/admin/mail?${query}`))).querySelectorAll('[data-mail-row]');
    const first = await rowsOf('status=failed&kind=cart.reminder');
    expect(first).toHaveLength(25);
    expect(first.every((row) => row.text.includes('Cart reminder'))).toBe(true);
    expect(await rowsOf('status=failed&kind=cart.reminder&page=2')).toHaveLength(2);
    expect(await rowsOf('status=sent&kind=cart.reminder')).toHaveLength(0);
    expect(await rowsOf('status=failed&kind=order.refunded')).toHaveLength(0);
    // A bad filter shows the default view rather than an error.
    expect((await get('/admin/mail?status=bogus&kind=%0d%0a&page=-3')).status).toBe(200);

    const fragment = await get('/admin/mail?status=failed&kind=cart.reminder&page=2', { 'HX-Request': 'true' });
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get('Vary')).toContain('HX-Request');
    const html = await fragment.text();
    expect(html.trimStart().startsWith('<div id="mail-results"')).toBe(true);
    expect(html).not.toContain('<html');
    const page = await htmlOf(await get('/admin/mail'));
    expect(page.querySelector('nav a[aria-current="page"][href="/admin/mail"]')).not.toBeNull();
  });
});
