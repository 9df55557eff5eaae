import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { issueTokens } from '../../../src/accounts/api-tokens.js';
import { encryptTotpKey } from '../../../src/accounts/mfa.js';
import { createTotpKey } from '../../../src/accounts/totp.js';
import { addToCart, createGuestCart } from '../../../src/cart/carts.js';
import type { User } from '../../../src/db/schema-accounts.js';
import { orderChannel } from '../../../src/live/order-events.js';
import { placeOrder } from '../../../src/orders/place-order.js';
import { apiClient, type ApiClient } from '../../support/api.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../../support/accounts.js';
import { createTestApp, testConfig, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';

let ctx: TestContext;
let api: ApiClient;
let staff: User;
let staffToken: string;
let customerToken: string;
let customer: User;

const db = () => ctx.database.db;
const meta = { userAgent: 'test', ip: '127.0.0.1' };
const address = { full_name: 'Katherine Johnson', address_line1: '1 Orbit Lane', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };
const orderRow = (number: string) => db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
const auditFor = (type: string, id: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', type).where('entity_id', '=', String(id)).orderBy('id').execute();
const outboxCount = async () => Number((await db().selectFrom('outbox_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** Staff as the back office requires them: the admin role and a second factor set up. */
async function insertStaff(withMfa = true): Promise<User> {
  const user = await insertUser(db(), { role: 'admin', firstName: 'Grace' });
  if (withMfa) await db().updateTable('users').set({ totp_key_encrypted: encryptTotpKey(createTotpKey(), testConfig().APP_SECRET) }).where('id', '=', user.id).execute();
  return user;
}

/** A paid order placed through the shop's own checkout with the test provider. */
async function paidOrder(email = `buyer.${randomBytes(4).toString('hex')}@example.test`) {
  const { variants } = await insertProduct(db(), { name: 'Star Chart' }, [{ price_cents: 4000, stock: 10 }]);
  const added = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }));
  const placed = await ctx.app.request('/checkout', form({ email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, sessionCookieFrom(added)!));
  expect(placed.status).toBe(303);
  return placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
}

/** An order awaiting payment, placed directly (the test provider pays at once through checkout). */
async function pendingOrder(email = `waiting.${randomBytes(4).toString('hex')}@example.test`) {
  const { variants } = await insertProduct(db(), {}, [{ price_cents: 1500, stock: 5 }]);
  const cartId = await createGuestCart(db());
  await addToCart(db(), cartId, variants[0]!.id, 2);
  const pricing = { settings: { pricesIncludeTax: false, taxShipping: false }, currency: 'USD', expandCategories: (ids: number[]) => ids, now: new Date() };
  const { order } = await placeOrder(db(), { cartId, userId: null, email, address, shippingMethodCode: 'standard', paymentProvider: 'test', holdMinutes: 30, pricing });
  return order.number;
}

beforeAll(async () => {
  ctx = await createTestApp();
  api = apiClient(ctx);
  staff = await insertStaff();
  staffToken = (await issueTokens(db(), staff, meta)).accessToken;
  customer = await insertUser(db(), { firstName: 'Ada' });
  customerToken = (await issueTokens(db(), customer, meta)).accessToken;
});
afterAll(() => ctx.close());

describe('who may use the staff endpoints', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/admin/orders'],
    ['GET', '/admin/orders/HS-AAAAAAAA'],
    ['POST', '/admin/orders/HS-AAAAAAAA/status', { status: 'processing' }],
    ['GET', '/admin/users'],
    ['POST', '/admin/users/1/status', { active: false }],
  ];

  it('refuses a request without a token (401), a customer, staff without a second factor and an API key (403)', async () => {
    const noMfa = (await issueTokens(db(), await insertStaff(false), meta)).accessToken;
    const { key } = await createApiKey(db(), { name: 'Feed', createdBy: staff.id });
    const before = await db().selectFrom('users').select(['id', 'active']).orderBy('id').execute();
    for (const [method, path, json] of routes) {
      const call = (token?: string) => api.call(method, path, { ...(token ? { token } : {}), ...(json ? { json } : {}) });
      const anonymous = await call();
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      expect(anonymous.headers.get('Content-Type')).toMatch(/^application\/problem\+json/);
      expect((await call(customerToken)).body).toMatchObject({ status: 403, detail: 'This is for staff only.' });
      expect((await call(noMfa)).body.detail).toMatch(/two-factor/);
      expect((await call(key)).body).toMatchObject({ status: 403, detail: 'An API key can only read the catalog.' });
    }
    expect(await db().selectFrom('users').select(['id', 'active']).orderBy('id').execute()).toEqual(before);
  });
});

describe('GET /admin/orders', () => {
  it('filters by status, dates, flag and search, newest first, a page at a time', async () => {
    const tag = randomBytes(3).toString('hex');
    const first = await paidOrder(`Ann.${tag}@Example.test`);
    const second = await paidOrder(`bob.${tag}@example.test`);
    const third = await pendingOrder(`cy.${tag}@example.test`);
    const placeAt = (number: string, at: string) => sql`UPDATE orders SET placed_at = ${new Date(at)} WHERE number = ${number}`.execute(db());
    await placeAt(first, '2026-01-10T12:00:00Z');
    await placeAt(second, '2026-02-10T12:00:00Z');
    await placeAt(third, '2026-03-10T12:00:00Z');
    await db().updateTable('orders').set({ needs_review: 'Dispute opened' }).where('number', '=', second).execute();
    const numbers = async (query: string) => {
      const answer = await api.get(`/admin/orders?${query}`, { token: staffToken });
      expect(answer.status, query).toBe(200);
      return answer.body.items.map((item: { number: string }) => item.number);
    };
    expect(await numbers(`q=${tag.toUpperCase()}`)).toEqual([third, second, first]);
    expect(await numbers(`q=${tag}&status=paid`)).toEqual([second, first]);
    expect(await numbers(`q=${tag}&from=2026-02-01&to=2026-02-28`)).toEqual([second]);
    expect(await numbers(`q=${tag}&to=2026-01-10`)).toEqual([first]);
    expect(await numbers(`q=${tag}&flagged=true`)).toEqual([second]);
    expect(await numbers(`q=${first}`)).toEqual([first]);

    const page = await api.get(`/admin/orders?q=${tag}&limit=2&page=2`, { token: staffToken });
    expect(page.body).toMatchObject({ page: 2, limit: 2, total: 3, totalPages: 2 });
    expect(page.body.items.map((item: { number: string }) => item.number)).toEqual([first]);
    const flagged = (await api.get(`/admin/orders?q=${second}`, { token: staffToken })).body.items[0];
    expect(flagged).toMatchObject({ status: 'paid', total: { amount: expect.any(Number), currency: 'USD' }, refunded: { amount: 0, currency: 'USD' }, units: 2, needsReview: 'Dispute opened' });
    expect(flagged.total.amount).toBe((await orderRow(second)).total_cents);
  });

  it('refuses filters it cannot read with 400 and names them', async () => {
    for (const [query, field] of [
      ['status=lost', 'query.status'],
      ['from=10/01/2026', 'query.from'],
      ['from=2026-02-30', 'query.from'],
      ['from=2026-03-01&to=2026-02-01', 'query.to'],
      ['limit=101', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['page=0', 'query.page'],
      ['page=two', 'query.page'],
      ['flagged=yes', 'query.flagged'],
    ]) {
      const answer = await api.get(`/admin/orders?${query}`, { token: staffToken });
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors.map((error: { field: string }) => error.field), query).toContain(field);
    }
  });
});

describe('GET /admin/orders/{number}', () => {
  it('shows one order with its lines, buyer and history', async () => {
    const number = await paidOrder();
    const answer = await api.get(`/admin/orders/${number}`, { token: staffToken });
    expect(answer.status).toBe(200);
    const order = await orderRow(number);
    expect(answer.body).toMatchObject({
      number,
      status: 'paid',
      email: order.email,
      total: { amount: order.total_cents, currency: 'USD' },
      subtotal: { amount: 8000, currency: 'USD' },
      shippingAddress: { fullName: 'Katherine Johnson', city: 'Hampton', country: 'US' },
      customer: null,
      items: [{ productName: 'Star Chart', quantity: 2, unitPrice: { amount: 4000, currency: 'USD' } }],
    });
    expect(answer.body.timeline.at(-1)).toMatchObject({ kind: 'status', to: 'paid' });
  });

  it('answers 404 for an unknown number and 400 for one that is not an order number', async () => {
    expect((await api.get('/admin/orders/HS-ZZZZZZZZ', { token: staffToken })).status).toBe(404);
    const malformed = await api.get('/admin/orders/12345', { token: staffToken });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('path.number');
  });
});

describe('POST /admin/orders/{number}/status', () => {
  const move = (number: string, json: unknown) => api.post(`/admin/orders/${number}/status`, json, { token: staffToken });

  it('moves an order through the state machine as the back office does: event, audit, customer message and live update', async () => {
    const number = await paidOrder();
    const order = await orderRow(number);
    const seen: unknown[] = [];
    const stop = ctx.live.subscribe(orderChannel(number), (event) => seen.push(event));
    await ctx.live.ready();
    try {
      const processing = await move(number, { status: 'processing' });
      expect(processing.status).toBe(200);
      expect(processing.body.status).toBe('processing');
      const mailBefore = await outboxCount();
      const shipped = await move(number, { status: 'shipped', carrier: 'UPS', trackingNumber: '1Z 999/AA-1' });
      expect(shipped.body).toMatchObject({ status: 'shipped', carrier: 'UPS', trackingNumber: '1Z 999/AA-1', shippedAt: expect.any(String) });
      expect(await outboxCount()).toBe(mailBefore + 1);
      await expect.poll(() => seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
    expect(seen.at(-1)).toMatchObject({ number, status: 'shipped' });
    const audit = await auditFor('order', order.id);
    expect(audit.map((row) => [row.action, row.actor_user_id, (row.after as { status: string }).status])).toEqual([
      ['order.status_changed', staff.id, 'processing'],
      ['order.status_changed', staff.id, 'shipped'],
    ]);
    const events = await db().selectFrom('order_events').selectAll().where('order_id', '=', order.id).orderBy('id').execute();
    expect(events.at(-1)).toMatchObject({ to_status: 'shipped', actor: 'staff', actor_user_id: staff.id, note: 'UPS, tracking number 1Z 999/AA-1' });
  });

  it('refuses a move the state machine does not allow with 409 and the domain’s message, and changes nothing', async () => {
    const number = await paidOrder();
    await move(number, { status: 'processing' });
    const refused = await move(number, { status: 'processing' });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/transition-refused$/);
    expect(refused.body.detail).toBeTruthy();
    const pending = await pendingOrder();
    const delivered = await move(pending, { status: 'delivered' });
    expect(delivered.status).toBe(409);
    expect((await orderRow(pending)).status).toBe('pending');
    expect((await orderRow(number)).status).toBe('processing');
  });

  it.runIf(process.env.DATABASE_URL)('two staff moving one order at once make one move: one 200, one 409, one audit row (real Postgres)', async () => {
    const number = await paidOrder();
    const other = (await issueTokens(db(), await insertStaff(), meta)).accessToken;
    const answers = await Promise.all([move(number, { status: 'processing' }), api.post(`/admin/orders/${number}/status`, { status: 'processing' }, { token: other })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const order = await orderRow(number);
    expect(order.status).toBe('processing');
    expect((await auditFor('order', order.id)).filter((row) => row.action === 'order.status_changed')).toHaveLength(1);
  });

  it('cancels an unpaid order', async () => {
    const number = await pendingOrder();
    const answer = await move(number, { status: 'cancelled' });
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('cancelled');
    expect((await orderRow(number)).status).toBe('cancelled');
  });

  it('refuses bad bodies with 400 or 422 and changes nothing', async () => {
    const number = await paidOrder();
    const before = await orderRow(number);
    const auditBefore = (await auditFor('order', before.id)).length;
    const noCarrier = await move(number, { status: 'shipped' });
    expect(noCarrier.status).toBe(422);
    expect(noCarrier.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['body.carrier', 'body.trackingNumber']);
    const badTracking = await move(number, { status: 'shipped', carrier: 'UPS', trackingNumber: '<script>' });
    expect(badTracking.status).toBe(422);
    expect(badTracking.body.errors[0].field).toBe('body.trackingNumber');
    for (const json of [{ status: 'paid' }, { status: 'refunded' }, { status: 7 }, {}, { status: 'processing', price: 1 }, { status: 'shipped', carrier: 5, trackingNumber: 'X' }]) {
      expect((await move(number, json)).status, JSON.stringify(json)).toBe(400);
    }
    const unknownField = await move(number, { status: 'processing', note: 'x' });
    expect(unknownField.body.errors[0].message).toMatch(/Unknown field/);
    const malformed = await api.call('POST', `/admin/orders/${number}/status`, { token: staffToken, raw: '{', headers: { 'Content-Type': 'application/json' } });
    expect(malformed.status).toBe(400);
    const formPost = await api.call('POST', `/admin/orders/${number}/status`, { token: staffToken, raw: 'status=processing', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(formPost.status).toBe(415);
    expect((await move('HS-ZZZZZZZZ', { status: 'processing' })).status).toBe(404);
    expect((await move('nope', { status: 'processing' })).status).toBe(400);
    expect(await orderRow(number)).toEqual(before);
    expect((await auditFor('order', before.id)).length).toBe(auditBefore);
  });
});

describe('GET /admin/users', () => {
  it('filters by search, role and status, newest first, a page at a time', async () => {
    const tag = randomBytes(3).toString('hex');
    const ann = await insertUser(db(), { email: `ann.${tag}@example.test` });
    const bob = await insertUser(db(), { email: `bob.${tag}@example.test`, role: 'admin' });
    const cy = await insertUser(db(), { email: `cy.${tag}@example.test` });
    await db().updateTable('users').set({ active: false }).where('id', '=', cy.id).execute();
    const ids = async (query: string) => {
      const answer = await api.get(`/admin/users?${query}`, { token: staffToken });
      expect(answer.status, query).toBe(200);
      return answer.body.items.map((item: { id: number }) => item.id);
    };
    expect((await ids(`q=${tag.toUpperCase()}`)).sort()).toEqual([ann.id, bob.id, cy.id].sort());
    expect(await ids(`q=${tag}&role=admin`)).toEqual([bob.id]);
    expect((await ids(`q=${tag}&status=active`)).sort()).toEqual([ann.id, bob.id].sort());
    expect(await ids(`q=${tag}&status=inactive`)).toEqual([cy.id]);
    const page = await api.get(`/admin/users?q=${tag}&limit=1&page=3`, { token: staffToken });
    expect(page.body).toMatchObject({ page: 3, limit: 1, total: 3, totalPages: 3 });
    const row = (await api.get(`/admin/users?q=ann.${tag}`, { token: staffToken })).body.items[0];
    expect(row).toEqual({ id: ann.id, email: ann.email, firstName: ann.first_name, lastName: ann.last_name, role: 'customer', active: true, createdAt: expect.any(String), orders: 0 });
    expect(JSON.stringify(page.body)).not.toMatch(/password|totp/i);
  });

  it('refuses filters it cannot read with 400', async () => {
    for (const query of ['role=owner', 'status=gone', 'limit=500', 'page=-1']) {
      expect((await api.get(`/admin/users?${query}`, { token: staffToken })).status, query).toBe(400);
    }
  });
});

describe('POST /admin/users/{id}/status', () => {
  const setActive = (id: number | string, json: unknown, token = staffToken) => api.post(`/admin/users/${id}/status`, json, { token });

  it('deactivates an account as the back office does: audit row, sessions and API tokens ended; reactivates it', async () => {
    const target = await insertUser(db());
    const cookie = await logIn(ctx, target.email);
    const targetToken = (await issueTokens(db(), target, meta)).accessToken;
    expect((await ctx.app.request('/account', { headers: { Cookie: cookie } })).status).toBe(200);

    const answer = await setActive(target.id, { active: false });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: target.id, email: target.email, active: false, role: 'customer' });
    expect((await ctx.app.request('/account', { headers: { Cookie: cookie } })).status).toBe(303);
    expect((await api.get('/admin/users', { token: targetToken })).status).toBe(401);
    const audit = await auditFor('user', target.id);
    expect(audit.map((row) => [row.action, row.actor_user_id, row.subject_user_id])).toEqual([['user.deactivated', staff.id, target.id]]);

    const again = await setActive(target.id, { active: true });
    expect(again.body.active).toBe(true);
    expect((await auditFor('user', target.id)).map((row) => row.action)).toEqual(['user.deactivated', 'user.reactivated']);
  });

  it('does not let staff change their own account (409), and changes nothing', async () => {
    const answer = await setActive(staff.id, { active: false });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe('You cannot change your own role or status; ask another admin.');
    expect((await db().selectFrom('users').select('active').where('id', '=', staff.id).executeTakeFirstOrThrow()).active).toBe(true);
    expect((await api.get('/admin/users', { token: staffToken })).status).toBe(200);
  });

  it('answers 404 for an unknown account and 400 for a bad id or body, changing nothing', async () => {
    expect((await setActive(999_999, { active: false })).status).toBe(404);
    for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
      const answer = await setActive(id, { active: false });
      expect(answer.status, id).toBe(400);
      expect(answer.body.errors[0].field).toBe('path.id');
    }
    const target = await insertUser(db());
    for (const json of [{}, { active: 'no' }, { active: false, role: 'admin' }, { active: null }]) {
      expect((await setActive(target.id, json)).status, JSON.stringify(json)).toBe(400);
    }
    expect((await api.call('POST', `/admin/users/${target.id}/status`, { token: staffToken, raw: '{"active":', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    expect((await db().selectFrom('users').select(['active', 'role']).where('id', '=', target.id).executeTakeFirstOrThrow())).toEqual({ active: true, role: 'customer' });
    expect(await auditFor('user', target.id)).toEqual([]);
  });
});

describe('the staff endpoints with a customer’s order', () => {
  it('shows the buyer’s account on an order placed while signed in', async () => {
    const cookie = await logIn(ctx, customer.email);
    const { variants } = await insertProduct(db(), {}, [{ price_cents: 1200, stock: 3 }]);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }, cookie));
    const placed = await ctx.app.request('/checkout', form({ email: customer.email, ...address, shipping_method: 'standard', card_number: '4242 4242 4242 4242' }, cookie));
    const number = placed.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const answer = await api.get(`/admin/orders/${number}`, { token: staffToken });
    expect(answer.body.customer).toEqual({ id: customer.id, email: customer.email, firstName: 'Ada', lastName: customer.last_name });
    const listed = await api.get(`/admin/users?q=${encodeURIComponent(customer.email)}`, { token: staffToken });
    expect(listed.body.items[0].orders).toBe(1);
  });
});
