import { randomBytes } from 'node:crypto';
import type { HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/database.js';
import type { OrderStatus } from '../../../src/orders/status.js';
import { LATEST_ORDERS_ID } from '../../../views/admin/dashboard.js';
import { insertUser, logIn } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

const DAY = 86_400_000;

interface OrderSpec {
  status: OrderStatus;
  daysAgo: number;
  totalCents: number;
  refundedCents?: number;
  currency?: string;
  items: { slug: string; name: string; quantity: number; totalCents: number }[];
}

/** An order as the database holds it, placed `daysAgo` days before now (0: just now). */
async function insertOrder(db: Db, spec: OrderSpec) {
  const number = `HS-${randomBytes(4).toString('hex').toUpperCase()}`;
  const order = await db
    .insertInto('orders')
    .values({
      number,
      user_id: null,
      cart_id: null,
      email: `buyer-${number.toLowerCase()}@example.test`,
      status: spec.status,
      currency: spec.currency ?? 'USD',
      subtotal_cents: spec.totalCents,
      total_cents: spec.totalCents,
      refunded_cents: spec.refundedCents ?? 0,
      shipping_method_code: 'standard',
      shipping_method_name: 'Standard',
      full_name: 'Ada Lovelace',
      address_line1: '1 Analytical Way',
      city: 'London',
      postal_code: 'N1 1AA',
      country: 'GB',
      payment_provider: 'test',
      placed_at: new Date(Date.now() - spec.daysAgo * DAY),
    })
    .returning(['id', 'number'])
    .executeTakeFirstOrThrow();
  await db
    .insertInto('order_items')
    .values(
      spec.items.map((item) => ({
        order_id: order.id,
        variant_id: null,
        product_slug: item.slug,
        product_name: item.name,
        sku: `SKU-${item.slug}`,
        options: '{}',
        unit_price_cents: Math.floor(item.totalCents / item.quantity),
        quantity: item.quantity,
        total_cents: item.totalCents,
      })),
    )
    .execute();
  return order;
}

const alpha = (quantity: number, totalCents: number) => ({ slug: 'alpha-lamp', name: 'Alpha <Lamp>', quantity, totalCents });
const beta = { slug: 'beta-chair', name: 'Beta Chair', quantity: 1, totalCents: 5000 };
const gamma = { slug: 'gamma-desk', name: 'Gamma Desk', quantity: 1, totalCents: 4000 };

let ctx: TestContext;
let cookie: string;
let page: HTMLElement;
let lowSku: string;
let plentySku: string;
let newest: { number: string };

beforeAll(async () => {
  ctx = await createTestApp();
  const db = ctx.database.db;
  ({ cookie } = await signInAdmin(ctx));
  // Counted: paid, partly refunded, delivered and fully refunded orders within 30 days.
  await insertOrder(db, { status: 'partially_refunded', daysAgo: 3, totalCents: 5000, refundedCents: 1000, items: [beta] });
  await insertOrder(db, { status: 'delivered', daysAgo: 10, totalCents: 3000, items: [alpha(1, 3000)] });
  await insertOrder(db, { status: 'refunded', daysAgo: 5, totalCents: 4000, refundedCents: 4000, items: [gamma] });
  // Not sales: awaiting payment, cancelled, older than 30 days, another currency.
  await insertOrder(db, { status: 'cancelled', daysAgo: 2, totalCents: 2000, items: [beta] });
  await insertOrder(db, { status: 'paid', daysAgo: 40, totalCents: 9999, items: [alpha(5, 9999)] });
  await insertOrder(db, { status: 'paid', daysAgo: 1, totalCents: 8000, currency: 'EUR', items: [gamma] });
  await insertOrder(db, { status: 'pending', daysAgo: 0, totalCents: 7000, items: [beta] });
  newest = await insertOrder(db, { status: 'paid', daysAgo: 0, totalCents: 10000, items: [alpha(2, 10000)] });
  const low = await insertProduct(db, { name: 'Nearly Gone Vase' }, [{ stock: 2 }]);
  const plenty = await insertProduct(db, { name: 'Plenty Bowl' }, [{ stock: 50 }]);
  lowSku = low.variants[0]!.sku;
  plentySku = plenty.variants[0]!.sku;
  const response = await ctx.app.request('/admin', { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  page = await htmlOf(response);
});
afterAll(() => ctx.close());

const stat = (name: string) => textOf(page, `[data-stat="${name}"]`);

describe('the dashboard', () => {
  it('adds up sales for today, 7 and 30 days, net of refunds, in the store currency only', () => {
    expect(page.querySelector('h1[data-admin-home]')).toBeTruthy();
    expect([stat('today-revenue'), stat('today-orders')]).toEqual(['$100.00', '1']);
    // 7 days: today's $100, the partly refunded $50 − $10, the fully refunded $0.
    expect([stat('week-revenue'), stat('week-orders')]).toEqual(['$140.00', '3']);
    expect([stat('month-revenue'), stat('month-orders')]).toEqual(['$170.00', '4']);
    expect(stat('average')).toBe('$42.50');
  });

  it('counts every order of the last 30 days by status', () => {
    const counts = Object.fromEntries(page.querySelectorAll('[data-status-count]').map((node) => [node.getAttribute('data-status-count'), Number(node.text)]));
    expect(counts).toEqual({ cancelled: 1, delivered: 1, paid: 2, partially_refunded: 1, pending: 1, refunded: 1 });
  });

  it('ranks the top products by units, then revenue, escaping their names', () => {
    const rows = page.querySelectorAll('[data-top-product]').map((row) => [row.getAttribute('data-top-product'), textOf(row, '[data-units]'), textOf(row, '[data-revenue]')]);
    expect(rows).toEqual([
      ['alpha-lamp', '3', '$130.00'],
      ['beta-chair', '1', '$50.00'],
      ['gamma-desk', '1', '$40.00'],
    ]);
    const html = page.toString();
    expect(html.includes('Alpha &lt;Lamp')).toBe(true);
    expect(html.includes('Alpha <Lamp>')).toBe(false);
  });

  it('draws one bar per day for 30 days, with a title, a description and the same figures as a table', () => {
    const svg = page.querySelector('svg[data-sales-chart]')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-labelledby')).toBe('sales-chart-title sales-chart-desc');
    expect(textOf(svg, 'title#sales-chart-title')).toBe('Revenue per day, last 30 days');
    expect(textOf(svg, 'desc')).toContain('$170.00 from 4 orders');
    const bars = svg.querySelectorAll('rect[data-chart-bar]');
    expect(bars).toHaveLength(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(bars.at(-1)!.getAttribute('data-chart-bar')).toBe(today);
    expect(bars.at(-1)!.text).toContain('$100.00, 1 order');
    const heights = bars.map((bar) => Number(bar.getAttribute('height')));
    expect(heights.filter((height) => height > 0)).toHaveLength(3); // today, 3 and 10 days ago (the refunded day nets 0)
    const table = page.querySelector('details table[data-sales-table]')!;
    expect(table.querySelectorAll('tbody tr')).toHaveLength(30);
    expect(table.querySelectorAll('tbody tr')[0]!.querySelectorAll('td').slice(1).map((cell) => cell.text)).toEqual(['1', '$100.00']);
  });

  it('lists low-stock variants on sale, with their thresholds', () => {
    const skus = page.querySelectorAll('[data-low-stock]').map((row) => row.getAttribute('data-low-stock'));
    expect(skus).toContain(lowSku);
    expect(skus).not.toContain(plentySku);
  });

  it('shows the latest orders, newest first, kept fresh by the event stream (tests/integration/live)', async () => {
    const list = page.querySelector(`#${LATEST_ORDERS_ID}`)!;
    expect(list.parentNode!.getAttribute('hx-sse:connect')).toMatch(/^\/admin\/events\?since=/);
    expect(list.querySelectorAll('[data-latest-order]')[0]!.getAttribute('data-latest-order')).toBe(newest.number);

    const fresh = await insertOrder(ctx.database.db, { status: 'pending', daysAgo: 0, totalCents: 1234, items: [beta] });
    const again = await htmlOf(await ctx.app.request('/admin', { headers: { Cookie: cookie } }));
    const orders = again.querySelectorAll(`#${LATEST_ORDERS_ID} [data-latest-order]`).map((row) => row.getAttribute('data-latest-order'));
    expect(orders.slice(0, 2)).toEqual([fresh.number, newest.number]);
    expect(again.querySelector(`#${LATEST_ORDERS_ID}`)!.text).toContain('$12.34');
  });

  it('refuses a customer, page and fragment alike', async () => {
    const customer = await insertUser(ctx.database.db);
    const customerCookie = await logIn(ctx, customer.email);
    expect((await ctx.app.request('/admin', { headers: { Cookie: customerCookie } })).status).toBe(403);
    expect((await ctx.app.request('/admin', { headers: { Cookie: customerCookie, 'HX-Request': 'true' } })).status).toBe(403);
  });
});
