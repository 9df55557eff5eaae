import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateHOTP } from '@oslojs/otp';
import { parse } from 'node-html-parser';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRedisPrefix, scratchRedisPrefix } from '../../scripts/support/scratch-redis.js';
import { childEnv, startServer, type RunningServer } from '../../scripts/support/start-server.js';
import { encryptTotpKey } from '../../src/accounts/mfa.js';
import { createTotpKey, totpStepAt } from '../../src/accounts/totp.js';
import { projectRoot } from '../../src/lib/paths.js';
import { orderLinkToken } from '../../src/orders/orders.js';
import { openEventStream, type EventStream } from '../integration/live/sse-client.js';
import { adminQuery, databaseUrlFor } from '../support/postgres-admin.js';

/**
 * Two real store processes on two ports, one fresh Postgres database and the real Redis, as
 * behind a load balancer without sticky sessions: what one process does, the other sees. The
 * two-apps-in-one-process version of the live bus is tests/integration/live/scale-out.test.ts;
 * this one is about separate processes (their own memory, their own job timers).
 */
const serverUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const admin = { email: 'scale-owner@example.test', password: 'two processes passphrase' };
// A secret of this run's own: rate-limit keys are derived from it, so runs sharing a Redis never count each other's hits.
const appSecret = randomBytes(24).toString('hex');
const RATE_LIMIT_MAX = 40;
const address = { full_name: 'Katherine Johnson', address_line1: '1 Langley Road', address_line2: '', city: 'Hampton', state: 'VA', postal_code: '23666', country: 'US', phone: '' };

describe.runIf(serverUrl && redisUrl)('two store processes sharing Postgres and Redis', () => {
  const database = `hs_scale_${randomBytes(4).toString('hex')}`;
  // Both processes share this run's own keys on the shared Redis, removed at the end.
  const redisPrefix = scratchRedisPrefix('scale');
  const dataDirs: string[] = [];
  const streams: EventStream[] = [];
  let a: RunningServer;
  let b: RunningServer;
  let client: pg.Client;
  let staffCookie: string;

  beforeAll(async () => {
    await adminQuery(serverUrl!, `CREATE DATABASE ${database}`);
    const url = databaseUrlFor(serverUrl!, database);
    const envFor = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-scale-'));
      dataDirs.push(dataDir);
      return childEnv({
        NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: url, REDIS_URL: redisUrl, REDIS_PREFIX: redisPrefix, APP_SECRET: appSecret,
        RATE_LIMIT_MAX: String(RATE_LIMIT_MAX), ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, SMTP_URL: undefined,
      });
    };
    // Both start at once on an empty database: each migrates at start, under Kysely's migration lock.
    [a, b] = await Promise.all([startServer(envFor()), startServer(envFor())]);
    execFileSync(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'seed.js')], { env: envFor(), stdio: ['ignore', 'ignore', 'inherit'] });
    client = new pg.Client({ connectionString: url });
    await client.connect();
    staffCookie = await signInAdmin(a.url);
  });
  afterAll(async () => {
    await Promise.all(streams.map((stream) => stream.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    await client?.end();
    await adminQuery(serverUrl!, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await dropRedisPrefix(redisUrl!, redisPrefix);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The admin made from ADMIN_EMAIL, given a second factor in the database, signed in through /login's two steps. */
  async function signInAdmin(base: string): Promise<string> {
    const key = createTotpKey();
    await client.query('UPDATE users SET totp_key_encrypted = $1 WHERE email = $2', [encryptTotpKey(key, appSecret), admin.email]);
    const passwordStep = await post(base, '/login', { email: admin.email, password: admin.password });
    expect(passwordStep.status).toBe(200);
    const pending = cookieNamed(passwordStep, 'login-pending');
    const codeStep = await post(base, '/login', { code: generateHOTP(key, BigInt(totpStepAt(new Date())), 6) }, pending);
    expect(codeStep.status).toBe(303);
    return cookieNamed(codeStep, 'session');
  }

  it('a session made on A is signed in on B; a visitor without it is sent to sign in', async () => {
    const onB = await fetch(`${b.url}/account`, { headers: { Cookie: staffCookie }, redirect: 'manual' });
    expect(onB.status).toBe(200);
    expect(textOf(await onB.text())).toContain(admin.email);
    const stranger = await fetch(`${b.url}/account`, { redirect: 'manual' });
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('Location')).toMatch(/^\/login/);
  });

  it('a stock change in A’s back office shows on B’s product page at once', async () => {
    const { rows } = await client.query<{ slug: string; variant_id: number }>(
      `SELECT p.slug, min(v.id) AS variant_id FROM products p JOIN product_variants v ON v.product_id = p.id
       GROUP BY p.slug HAVING count(*) = 1 AND min(v.stock) > 5 ORDER BY p.slug DESC LIMIT 1`,
    );
    const { slug, variant_id: variantId } = rows[0]!;
    const stockStatus = async () => parse(await (await fetch(`${b.url}/products/${slug}`)).text()).querySelector('[data-stock-status]')?.getAttribute('data-stock-status');
    // Stores share cache keys on one Redis (earlier runs of this test too), so start from a
    // generation of the cache that only this run has filled: any adjustment retires the old one.
    const restocked = await post(a.url, `/admin/inventory/${variantId}/adjust`, { mode: 'change', quantity: '1', reason: 'received', note: 'scale-out test' }, staffCookie);
    expect(restocked.status).toBe(303);
    expect(await stockStatus()).toBe('in'); // B now holds the page in the shared cache
    expect(await stockStatus()).toBe('in');
    const adjusted = await post(a.url, `/admin/inventory/${variantId}/adjust`, { mode: 'count', quantity: '0', reason: 'correction', note: 'scale-out test' }, staffCookie);
    expect(adjusted.status).toBe(303);
    expect((await client.query('SELECT stock FROM product_variants WHERE id = $1', [variantId])).rows[0].stock).toBe(0);
    expect(await stockStatus()).toBe('out');
  });

  it('staff ship an order on A; the guest’s order page streaming from B hears it', async () => {
    const { number } = await guestCheckout(a.url, `annie.${randomBytes(3).toString('hex')}@example.test`, '4242 4242 4242 4242');
    const stream = await openEventStream(`${b.url}/orders/${number}/events?token=${orderLinkToken(number, appSecret)}`);
    streams.push(stream);
    expect(stream.response.status).toBe(200);
    expect((await post(a.url, `/admin/orders/${number}/status`, { status: 'processing' }, staffCookie)).status).toBe(303);
    const message = await stream.next((m) => m.data?.includes('data-order-status="processing"') ?? false, 10_000);
    expect(message.data).toContain(number);
  });

  it('a queued mail is sent once, though both processes run the outbox', async () => {
    const email = `dorothy.${randomBytes(3).toString('hex')}@example.test`;
    await guestCheckout(b.url, email, '4242 4242 4242 4242');
    await waitFor(async () => (await client.query(`SELECT 1 FROM outbox_messages WHERE recipient = $1 AND status = 'sent'`, [email])).rowCount! > 0, 20_000);
    await sleep(4_000); // a few more ticks of both workers: a second send would land now
    const queued = await client.query(`SELECT status FROM outbox_messages WHERE recipient = $1`, [email]);
    const sent = await client.query(`SELECT subject FROM dev_mail WHERE to_address = $1`, [email]);
    expect(queued.rows.every((row: { status: string }) => row.status === 'sent')).toBe(true);
    expect(sent.rowCount).toBe(queued.rowCount);
  });

  it('an unpaid order past its hold is expired once, though both processes run the expiry job', { timeout: 100_000 }, async () => {
    const paid = await guestCheckout(a.url, `mary.${randomBytes(3).toString('hex')}@example.test`, '4242 4242 4242 4242');
    const { orderId, variantId, stockBefore } = await pendingCopyOf(paid.number);
    expect((await client.query('SELECT stock FROM product_variants WHERE id = $1', [variantId])).rows[0].stock).toBe(stockBefore - 1);
    // The job runs every minute in each process, both timers started with their servers.
    await waitFor(async () => (await client.query('SELECT status FROM orders WHERE id = $1', [orderId])).rows[0].status === 'cancelled', 90_000);
    await sleep(2_000);
    const events = await client.query(`SELECT actor FROM order_events WHERE order_id = $1 AND to_status = 'cancelled'`, [orderId]);
    expect(events.rows).toEqual([{ actor: 'system' }]);
    expect((await client.query('SELECT stock FROM product_variants WHERE id = $1', [variantId])).rows[0].stock).toBe(stockBefore); // given back once
  });

  /**
   * The test card settles at once, so an order still awaiting payment is made here: a copy of a
   * paid one, pending, its hold already over, holding one unit as checkout would.
   */
  async function pendingCopyOf(number: string): Promise<{ orderId: number; variantId: number; stockBefore: number }> {
    const copyNumber = `HS-${randomBytes(4).toString('hex').toUpperCase()}`;
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO orders (number, email, status, currency, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, prices_include_tax,
         shipping_method_code, shipping_method_name, full_name, address_line1, address_line2, city, state, postal_code, country, phone, payment_provider, expires_at)
       SELECT $1, email, 'pending', currency, subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, prices_include_tax,
         shipping_method_code, shipping_method_name, full_name, address_line1, address_line2, city, state, postal_code, country, phone, payment_provider, now() - interval '1 minute'
       FROM orders WHERE number = $2 RETURNING id`,
      [copyNumber, number],
    );
    const orderId = rows[0]!.id;
    await client.query(
      `INSERT INTO order_items (order_id, variant_id, product_slug, product_name, sku, options, unit_price_cents, quantity, discount_cents, tax_cents, total_cents)
       SELECT $1, variant_id, product_slug, product_name, sku, options, unit_price_cents, quantity, discount_cents, tax_cents, total_cents
       FROM order_items WHERE order_id = (SELECT id FROM orders WHERE number = $2)`,
      [orderId, number],
    );
    const held = await client.query<{ id: number; stock: number }>(
      `UPDATE product_variants v SET stock = v.stock - i.quantity FROM order_items i WHERE i.order_id = $1 AND i.variant_id = v.id RETURNING v.id, v.stock`,
      [orderId],
    );
    await client.query('COMMIT');
    return { orderId, variantId: held.rows[0]!.id, stockBefore: held.rows[0]!.stock + 1 };
  }

  // Last: it spends the shared per-IP budget of the sign-in pages.
  it('a rate limit counts hits on both processes together', async () => {
    const answers: number[] = [];
    for (let hit = 0; hit < RATE_LIMIT_MAX * 2 && !answers.includes(429); hit++) {
      const response = await fetch(`${hit % 2 ? b.url : a.url}/login`);
      await response.body?.cancel();
      answers.push(response.status);
    }
    expect(answers.at(-1)).toBe(429);
    // Counted per process, both would have allowed RATE_LIMIT_MAX each before refusing.
    expect(answers.filter((status) => status === 200).length).toBeLessThanOrEqual(RATE_LIMIT_MAX);
    const other = await fetch(`${answers.length % 2 ? b.url : a.url}/login`);
    expect(other.status).toBe(429);
  });
});

function post(base: string, path: string, fields: Record<string, string>, cookie = ''): Promise<Response> {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

function cookieNamed(response: Response, name: string): string {
  const header = response.headers.getSetCookie().find((cookie) => new RegExp(`^(__Host-)?${name}=`).test(cookie));
  if (!header) throw new Error(`no ${name} cookie in the answer (${response.status})`);
  return header.split(';')[0]!;
}

function textOf(html: string): string {
  return parse(html).textContent.replace(/\s+/g, ' ');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** A guest buys the first in-stock demo variant through the real cart and checkout forms. */
async function guestCheckout(base: string, email: string, card: string): Promise<{ number: string }> {
  const listing = parse(await (await fetch(`${base}/products?in_stock=1`)).text());
  const productPath = listing.querySelector('[data-product-card] a')!.getAttribute('href')!;
  const product = parse(await (await fetch(base + productPath)).text());
  const variantId = product.querySelector('input[name="variant_id"]')!.getAttribute('value')!;
  const added = await post(base, '/cart/items', { variant_id: variantId, quantity: '1' });
  expect(added.status).toBe(303);
  const cart = cookieNamed(added, 'session');
  const placed = await post(base, '/checkout', { email, ...address, shipping_method: 'standard', card_number: card }, cart);
  const number = placed.headers.get('Location')?.match(/HS-[0-9A-Z]{8}/)?.[0] ?? '';
  if (card.startsWith('4242')) expect(placed.status).toBe(303);
  return { number };
}
