import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindIdleCarts } from '../../../src/cart/abandoned-carts.js';
import { addToCart, createGuestCart } from '../../../src/cart/carts.js';
import { createSmtpMailer, type Mailer } from '../../../src/mail/mailer.js';
import { applyPaymentEvent } from '../../../src/orders/payment-events.js';
import { placeOrder } from '../../../src/orders/place-order.js';
import { releaseUnpaidOrder } from '../../../src/orders/settle.js';
import { form, insertUser, logIn, sessionCookieFrom, STRONG_PASSWORD } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';
import { deliverOutbox, testNotices } from '../../support/outbox.js';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '../../support/smtp-sink.js';

let ctx: TestContext;
let sink: SmtpSink;
let mailer: Mailer;
let staff: string;
beforeAll(async () => {
  [ctx, sink] = await Promise.all([createTestApp(), startSmtpSink()]);
  mailer = createSmtpMailer(sink.url, 'hyperstore <no-reply@localhost>');
  staff = (await signInAdmin(ctx)).cookie;
});
afterAll(async () => {
  await Promise.all([ctx.close(), sink.close()]);
});

const db = () => ctx.database.db;
const APP_URL = 'http://localhost:3000';
const unique = (name: string) => `${name}.${randomBytes(4).toString('hex')}@example.test`;
const address = { full_name: 'Mary Jackson', address_line1: '3 Wind Tunnel Road', address_line2: 'Hangar 2', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };

/** Waits until work done after a response (a reset link, say) has queued a message to this address. */
async function queuedFor(to: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!(await db().selectFrom('outbox_messages').select('id').where('recipient', '=', to).executeTakeFirst())) {
    if (Date.now() > deadline) throw new Error(`nothing queued for ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Delivers the outbox through SMTP and returns the one new message to this address with this subject. */
async function mailTo(to: string, subject: string | RegExp): Promise<SinkMessage> {
  await deliverOutbox(db(), mailer);
  const matching = sink.to(to).filter((message) => (typeof subject === 'string' ? message.parsed.subject === subject : subject.test(message.parsed.subject ?? '')));
  expect(matching, `${String(subject)} to ${to}`).toHaveLength(1);
  return matching[0]!;
}

/**
 * What every message must be: to this one address only (envelope and header), from the store,
 * text and HTML parts, no images (so no tracking pixel), the store's name, and links that are
 * all absolute on APP_URL. Returns the text's links as paths, to open through the app.
 */
function checkMessage(message: SinkMessage, to: string): string[] {
  expect(message.envelope.to).toEqual([to]);
  expect(message.parsed.to && 'text' in message.parsed.to ? message.parsed.to.text : '').toBe(to);
  expect(message.parsed.cc).toBeUndefined();
  expect(message.parsed.bcc).toBeUndefined();
  expect(message.parsed.from?.text).toContain('hyperstore');
  expect(message.parsed.messageId).toMatch(/^<outbox-\d+@localhost>$/);
  const html = String(message.parsed.html);
  expect(html).toContain('hyperstore');
  expect(html).not.toMatch(/<img|<script/i);
  expect(message.parsed.text).toContain('hyperstore');
  const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));
  for (const href of hrefs) expect(href.startsWith(APP_URL), href).toBe(true);
  const links: string[] = message.parsed.text!.match(/https?:\/\/\S+/g) ?? [];
  for (const link of links) expect(link.startsWith(APP_URL), link).toBe(true);
  expect(hrefs.filter((href) => href !== APP_URL).every((href) => links.includes(href))).toBe(true);
  return links.filter((link) => link !== APP_URL).map((link) => link.slice(APP_URL.length));
}

const linkTo = (links: string[], path: string) => {
  const found = links.find((link) => link.startsWith(path));
  if (!found) throw new Error(`no ${path} link in ${links.join(', ')}`);
  return found;
};

describe('account messages', () => {
  it('registering: the verification link works, and using it sends a welcome once', async () => {
    const email = unique('new');
    expect((await ctx.app.request('/register', form({ email, password: STRONG_PASSWORD, first_name: 'Katherine', last_name: 'Johnson' }))).status).toBe(200);
    const verify = await mailTo(email, 'Confirm your e-mail address for hyperstore');
    const links = checkMessage(verify, email);
    expect(verify.parsed.text).toContain('Hello Katherine,');
    const path = linkTo(links, '/verify-email?token=');
    expect((await ctx.app.request(path)).status).toBe(200);
    expect((await ctx.app.request(path, { method: 'POST' })).status).toBe(200);
    expect((await db().selectFrom('users').select('email_verified_at').where('email', '=', email).executeTakeFirstOrThrow()).email_verified_at).toBeInstanceOf(Date);

    const welcome = await mailTo(email, 'Welcome to hyperstore');
    for (const link of checkMessage(welcome, email)) expect((await ctx.app.request(link)).status, link).toBeLessThan(400);
    // The link is used up, and a used link welcomes nobody again.
    expect((await ctx.app.request(path, { method: 'POST' })).status).toBe(400);
    await deliverOutbox(db(), mailer);
    expect(sink.to(email)).toHaveLength(2);
  });

  it('registering an address that has an account tells its owner, with a working reset link', async () => {
    const owner = await insertUser(db(), { firstName: 'Dorothy' });
    expect((await ctx.app.request('/register', form({ email: owner.email, password: STRONG_PASSWORD, first_name: 'Mallory', last_name: 'X' }))).status).toBe(200);
    await queuedFor(owner.email);
    const notice = await mailTo(owner.email, 'You already have a hyperstore account');
    expect(notice.parsed.text).toContain('Hello Dorothy,');
    expect((await ctx.app.request(linkTo(checkMessage(notice, owner.email), '/reset-password?token='))).status).toBe(200);
  });

  it('a password reset link works once', async () => {
    const user = await insertUser(db());
    await ctx.app.request('/forgot-password', form({ email: user.email.toUpperCase() }));
    await queuedFor(user.email);
    const reset = await mailTo(user.email, 'Reset your hyperstore password');
    const path = linkTo(checkMessage(reset, user.email), '/reset-password?token=');
    expect((await ctx.app.request(path)).status).toBe(200);
    expect((await ctx.app.request(path, form({ password: 'another long pass phrase' }))).status).toBe(200);
    expect((await ctx.app.request(path)).status).toBe(400);
    // Once sent, the outbox keeps no working copy of the link.
    const row = await db().selectFrom('outbox_messages').select(['text_body', 'html_body']).where('recipient', '=', user.email).where('kind', '=', 'account.password_reset').executeTakeFirstOrThrow();
    expect(row.text_body + row.html_body).not.toContain('token=');
  });

  it('changing the address tells the OLD address and sends the link to the new one', async () => {
    const user = await insertUser(db(), { firstName: 'Ada' });
    const cookie = await logIn(ctx, user.email);
    const newEmail = unique('moved');
    expect((await ctx.app.request('/account/email', form({ email: newEmail, current_password: STRONG_PASSWORD }, cookie))).status).toBe(303);
    const changed = await mailTo(user.email, 'Your hyperstore e-mail address was changed');
    checkMessage(changed, user.email);
    expect(changed.parsed.text).toContain(`changed to ${newEmail}`);
    const verify = await mailTo(newEmail, 'Confirm your e-mail address for hyperstore');
    expect((await ctx.app.request(linkTo(checkMessage(verify, newEmail), '/verify-email?token='))).status).toBe(200);
  });
});

describe('header injection and escaping', () => {
  it('a line break in a name adds no header or recipient; HTML in a name is escaped', async () => {
    const user = await insertUser(db(), { firstName: 'Eve\r\nBcc: evil@example.test\r\nX-Injected: 1' });
    await ctx.app.request('/forgot-password', form({ email: user.email }));
    await queuedFor(user.email);
    const reset = await mailTo(user.email, 'Reset your hyperstore password');
    checkMessage(reset, user.email);
    expect(reset.parsed.headers.has('x-injected')).toBe(false);
    const headerBlock = reset.raw.slice(0, reset.raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(reset.parsed.text).toMatch(/Hello Eve\s+Bcc: evil@example\.test\s+X-Injected: 1,/); // only ever in the body
    expect(sink.to('evil@example.test')).toEqual([]);

    const html = await insertUser(db(), { firstName: '<script>alert(1)</script><b>Bold</b>' });
    await ctx.app.request('/forgot-password', form({ email: html.email }));
    await queuedFor(html.email);
    const escaped = await mailTo(html.email, 'Reset your hyperstore password');
    // Kita escapes '<' and '&' (enough in text: no tag can open); the name never becomes markup.
    expect(String(escaped.parsed.html)).toContain('Hello &lt;script>alert(1)&lt;/script>&lt;b>Bold&lt;/b>,');
    expect(String(escaped.parsed.html)).not.toMatch(/<script|<b>/);
    expect(escaped.parsed.text).toContain('Hello <script>alert(1)</script><b>Bold</b>,');
  });

  it('an address with a line break is refused at the form and queues nothing', async () => {
    const before = await db().selectFrom('outbox_messages').select('id').execute();
    const injected = 'victim@example.test\r\nBcc: evil@example.test';
    expect((await ctx.app.request('/forgot-password', form({ email: injected }))).status).toBe(422);
    expect((await ctx.app.request('/register', form({ email: injected, password: STRONG_PASSWORD, first_name: 'A', last_name: 'B' }))).status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await db().selectFrom('outbox_messages').select('id').execute()).toEqual(before);
  });
});

/** A guest's order paid through checkout with the test provider; its signed link from the thank-you redirect. */
async function paidOrder(email: string, name = 'Star Chart') {
  const { variants } = await insertProduct(db(), { name }, [{ price_cents: 2500, stock: 10 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }));
  const shopper = sessionCookieFrom(added)!;
  const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, shopper));
  expect(placed.status).toBe(303);
  const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
  const order = await db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
  return { number, order, token: placed.headers.get('Location')!.match(/token=([\w-]+)/)![1]! };
}
const staffPost = (path: string, fields: Record<string, string>) => ctx.app.request(path, form(fields, staff));

describe('order messages', () => {
  it('the confirmation: items, totals, the address, and a signed link that opens the order for a guest', async () => {
    const email = unique('guest');
    const { number } = await paidOrder(email, 'Tea & <Biscuits>');
    const confirmation = await mailTo(email, `Your hyperstore order ${number}`);
    const links = checkMessage(confirmation, email);
    const text = confirmation.parsed.text!;
    expect(text).toContain('2 × Tea & <Biscuits>: $50.00');
    expect(text).toContain('Subtotal: $50.00');
    expect(text).toContain('Shipping (Standard (3–5 days)): $5.99');
    expect(text).toContain('Total: $55.99');
    expect(text).toContain('Ships to:\nMary Jackson\n3 Wind Tunnel Road\nHangar 2\n23666 Hampton\nVA\nUS');
    expect(String(confirmation.parsed.html)).toContain('2 × Tea &amp; &lt;Biscuits');
    expect(String(confirmation.parsed.html)).not.toContain('<Biscuits');
    const orderLink = linkTo(links, `/orders/${number}?token=`);
    const page = await ctx.app.request(orderLink);
    expect(page.status).toBe(200);
    expect(textOf(await htmlOf(page), '[data-order-number]')).toBe(number);
  });

  it('shipped (carrier and tracking), delivered, and an approved return, as staff move the order', async () => {
    const email = unique('journey');
    const { number, order, token } = await paidOrder(email);
    expect((await staffPost(`/admin/orders/${number}/status`, { status: 'processing' })).status).toBe(303);
    expect((await staffPost(`/admin/orders/${number}/status`, { status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA10123456784' })).status).toBe(303);
    const shipped = await mailTo(email, `Your order has shipped: ${number}`);
    expect(shipped.parsed.text).toContain('Carrier: UPS\nTracking number: 1Z999AA10123456784');
    expect((await ctx.app.request(linkTo(checkMessage(shipped, email), `/orders/${number}?token=`))).status).toBe(200);

    expect((await staffPost(`/admin/orders/${number}/status`, { status: 'delivered' })).status).toBe(303);
    const delivered = await mailTo(email, `Your order has been delivered: ${number}`);
    checkMessage(delivered, email);

    const item = await db().selectFrom('order_items').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect((await ctx.app.request(`/orders/${number}/return`, form({ token, reason: 'Too small', [`qty_${item.id}`]: '1' }))).status).toBe(303);
    const request = await db().selectFrom('return_requests').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect((await staffPost(`/admin/returns/${request.id}/decision`, { decision: 'approved' })).status).toBe(303);
    const approved = await mailTo(email, `Your return for order ${number} is approved`);
    checkMessage(approved, email);
    expect(approved.parsed.text).toContain('1 × Star Chart');
    // Each went out once, even with more runs of the worker.
    await deliverOutbox(db(), mailer);
    expect(sink.to(email).map((message) => message.parsed.subject)).toHaveLength(4);
  });

  it('a refund by staff, and a cancellation by the customer (refunded in full)', async () => {
    const refunded = unique('refund');
    const first = await paidOrder(refunded);
    expect((await staffPost(`/admin/orders/${first.number}/refund`, { amount: '10.00', reason: 'Scratched', sequence: '1' })).status).toBe(303);
    const refund = await mailTo(refunded, `Refund for your hyperstore order ${first.number}`);
    checkMessage(refund, refunded);
    expect(refund.parsed.text).toContain('Refunded: $10.00 (in all: $10.00 of $55.99)');

    const cancelled = unique('cancel');
    const second = await paidOrder(cancelled);
    expect((await ctx.app.request(`/orders/${second.number}/cancel`, form({ token: second.token }))).status).toBe(303);
    const notice = await mailTo(cancelled, `Your order ${second.number} is cancelled`);
    checkMessage(notice, cancelled);
    expect(notice.parsed.text).toContain(`Your order ${second.number} is cancelled and refunded.`);
    expect(notice.parsed.text).toContain('We have refunded $55.99.');
  });

  it('a failed payment: once per event, with the way back to the cart', async () => {
    const email = unique('declined');
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 4000, stock: 3 }]);
    const cartId = await createGuestCart(db());
    await addToCart(db(), cartId, variants[0]!.id, 1);
    const pricing = { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids: number[]) => ids, now: new Date() };
    const { order } = await placeOrder(db(), { cartId, userId: null, email, address, shippingMethodCode: 'standard', paymentProvider: 'stripe', holdMinutes: 30, pricing });
    await db().updateTable('orders').set({ payment_id: `pi_${order.number}` }).where('id', '=', order.id).execute();
    const event = { type: 'payment.failed' as const, id: `evt_${order.number}`, providerType: 'payment_intent.payment_failed', paymentId: `pi_${order.number}`, currency: 'USD', createdAt: new Date(), amountCents: order.total_cents, failureMessage: 'Your card was declined.' };
    expect(await applyPaymentEvent(db(), event, testNotices)).toMatchObject({ result: 'released' });
    expect(await applyPaymentEvent(db(), event, testNotices)).toMatchObject({ result: 'duplicate' });
    const failed = await mailTo(email, `Your payment for order ${order.number} did not go through`);
    expect(failed.parsed.text).toContain('did not go through: Your card was declined.');
    expect(failed.parsed.text).toContain('Nothing was charged');
    expect(linkTo(checkMessage(failed, email), '/cart')).toBe('/cart');

    // Released first by the shopper's return to the store, the failure is still told once;
    // a failure that arrives after the order was paid after all is not.
    const released = await placeOrder(db(), { cartId, userId: null, email: unique('returned'), address, shippingMethodCode: 'standard', paymentProvider: 'stripe', holdMinutes: 30, pricing });
    await db().updateTable('orders').set({ payment_id: `pi_${released.order.number}` }).where('id', '=', released.order.id).execute();
    await releaseUnpaidOrder(db(), released.order.id, 'provider', 'card declined');
    expect(await applyPaymentEvent(db(), { ...event, id: `evt_${released.order.number}`, paymentId: `pi_${released.order.number}` }, testNotices)).toMatchObject({ result: 'no_change' });
    await mailTo(released.order.email, `Your payment for order ${released.order.number} did not go through`);
    const paid = await paidOrder(unique('paid'));
    await db().updateTable('orders').set({ payment_id: `pi_${paid.number}` }).where('id', '=', paid.order.id).execute();
    expect(await applyPaymentEvent(db(), { ...event, id: `evt_${paid.number}`, paymentId: `pi_${paid.number}` }, testNotices)).toMatchObject({ result: 'no_change' });
    expect(await db().selectFrom('outbox_messages').select('kind').where('recipient', '=', paid.order.email).execute()).toEqual([{ kind: 'order.confirmation' }]);
  });
});

describe('the cart reminder', () => {
  it('lists the cart, links back to it, and unsubscribes in one click (List-Unsubscribe)', async () => {
    const member = await insertUser(db(), { firstName: 'Grace' });
    const { variants } = await insertProduct(db(), { name: 'Forgotten Teapot' }, [{ stock: 5 }]);
    const cookie = await logIn(ctx, member.email);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }, cookie));
    await db().updateTable('carts').set({ updated_at: new Date(Date.now() - 30 * 3_600_000) }).where('user_id', '=', member.id).execute();
    await remindIdleCarts(db(), { idleHours: 24, notices: testNotices });
    const reminder = await mailTo(member.email, 'You left something in your hyperstore cart');
    const links = checkMessage(reminder, member.email);
    expect(reminder.parsed.text).toContain('- 2 × Forgotten Teapot');
    expect(linkTo(links, '/cart')).toBe('/cart');
    const unsubscribe = linkTo(links, '/unsubscribe/cart-reminders?');
    const header = (name: string) => reminder.parsed.headerLines.find((line) => line.key === name)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${APP_URL}${unsubscribe}>`);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // A mail provider's one-click POST (RFC 8058) turns reminders off.
    const click = await ctx.app.request(unsubscribe, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(click.status).toBe(200);
    expect((await db().selectFrom('users').select('cart_reminders').where('id', '=', member.id).executeTakeFirstOrThrow()).cart_reminders).toBe(false);
  });
});
