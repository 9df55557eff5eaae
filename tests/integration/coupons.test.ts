import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewCoupon } from '../../src/db/schema-carts.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, logIn, sessionCookieFrom } from '../support/accounts.js';
import { insertCategory, insertProduct } from '../support/factories.js';
import { htmlOf, textOf } from '../support/html.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const DAY = 86_400_000;
const cents = (text: string) => Math.round(Number(text.replace(/[^0-9.]/g, '')) * 100);

async function insertCoupon(overrides: Partial<NewCoupon> = {}) {
  const code = `C${randomBytes(4).toString('hex').toUpperCase()}`;
  return ctx.database.db
    .insertInto('coupons')
    .values({ code, kind: 'percent', percent_basis_points: 1000, ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A cart holding `quantity` of a fresh $`price` product; returns the session cookie. */
async function cartWith(priceCents: number, quantity = 1, cookie?: string, overrides = {}): Promise<string> {
  const { variants } = await insertProduct(ctx.database.db, overrides, [{ price_cents: priceCents, stock: 50 }]);
  const response = await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: String(quantity) }, cookie));
  return cookie ?? sessionCookieFrom(response)!;
}

const apply = (code: string, cookie: string) => ctx.app.request('/cart/coupon', form({ code }, cookie));
const summary = async (cookie: string) => {
  const page = await htmlOf(await ctx.app.request('/cart', { headers: { Cookie: cookie } }));
  const read = (selector: string) => (page.querySelector(selector) ? cents(textOf(page, selector)) : 0);
  return {
    subtotal: read('[data-cart-subtotal]'),
    discount: read('[data-cart-discount]'),
    total: read('[data-cart-total]'),
    problem: page.querySelector('[data-coupon-problem]') ? textOf(page, '[data-coupon-problem]') : undefined,
  };
};
const refusal = async (response: Response) => textOf(await htmlOf(response), '[role=alert]');

describe('coupons', () => {
  it('takes a percentage off, whatever case the code is typed in, and comes off again', async () => {
    const coupon = await insertCoupon({ percent_basis_points: 2500 });
    const cookie = await cartWith(4000);
    expect((await apply(` ${coupon.code.toLowerCase()} `, cookie)).status).toBe(303);
    expect(await summary(cookie)).toMatchObject({ subtotal: 4000, discount: 1000, problem: undefined });
    await ctx.app.request('/cart/coupon', form({ _method: 'DELETE' }, cookie));
    expect((await summary(cookie)).discount).toBe(0);
  });

  it('refuses unknown, expired, not yet started and used-up coupons, and leaves the cart as it was', async () => {
    const cookie = await cartWith(4000);
    const expired = await insertCoupon({ starts_at: new Date(Date.now() - 10 * DAY), ends_at: new Date(Date.now() - DAY) });
    const future = await insertCoupon({ starts_at: new Date(Date.now() + DAY) });
    const usedUp = await insertCoupon({ usage_limit: 1 });
    await ctx.database.db.insertInto('coupon_redemptions').values({ coupon_id: usedUp.id, email: 'someone@example.test' }).execute();
    const inactive = await insertCoupon({ active: false });

    const cases: [string, RegExp][] = [
      ['NOSUCHCODE', /no coupon with that code/],
      ['%%%', /Enter a coupon code/],
      [expired.code, /expired on/],
      [future.code, /can be used from/],
      [usedUp.code, /used up/],
      [inactive.code, /no longer valid/],
    ];
    for (const [code, message] of cases) {
      const response = await apply(code, cookie);
      expect(response.status, code).toBe(422);
      expect(await refusal(response)).toMatch(message);
    }
    expect((await summary(cookie)).discount).toBe(0);
    const row = await ctx.database.db.selectFrom('carts').select('coupon_code').where('coupon_code', 'is not', null).execute();
    expect(row.filter((cart) => cases.some(([code]) => code === cart.coupon_code))).toEqual([]);
  });

  it('below its minimum it stays on the cart but gives nothing, and says what is needed', async () => {
    const coupon = await insertCoupon({ min_subtotal_cents: 5000 });
    const cookie = await cartWith(3000);
    expect((await apply(coupon.code, cookie)).status).toBe(303);
    const below = await summary(cookie);
    expect(below.discount).toBe(0);
    expect(below.problem).toBe('That coupon needs a subtotal of at least $50.00.');
    await cartWith(2500, 1, cookie);
    expect(await summary(cookie)).toMatchObject({ subtotal: 5500, discount: 550, problem: undefined });
  });

  it('counts uses per customer: one who used it is refused, another is not', async () => {
    const coupon = await insertCoupon({ per_customer_limit: 1 });
    const [used, fresh] = [await insertUser(ctx.database.db), await insertUser(ctx.database.db)];
    await ctx.database.db.insertInto('coupon_redemptions').values({ coupon_id: coupon.id, user_id: used.id, email: used.email }).execute();
    const usedCookie = await logIn(ctx, used.email);
    await cartWith(2000, 1, usedCookie);
    const refused = await apply(coupon.code, usedCookie);
    expect(refused.status).toBe(422);
    expect(await refusal(refused)).toBe('You have already used that coupon.');
    const freshCookie = await logIn(ctx, fresh.email);
    await cartWith(2000, 1, freshCookie);
    expect((await apply(coupon.code, freshCookie)).status).toBe(303);
    expect((await summary(freshCookie)).discount).toBe(200);
  });

  it('restricted to a category (and those below it), it discounts only those lines', async () => {
    const kitchen = await insertCategory(ctx.database.db, { name: 'Kitchen' });
    const knives = await insertCategory(ctx.database.db, { name: 'Knives', parent_id: kitchen.id });
    const coupon = await insertCoupon({ percent_basis_points: 5000, category_ids: [kitchen.id] });
    const cookie = await cartWith(2000, 1, undefined, { category_id: knives.id });
    await cartWith(3000, 1, cookie);
    await ctx.catalog.invalidate(); // the category tree is cached; these categories are new
    expect((await apply(coupon.code, cookie)).status).toBe(303);
    expect(await summary(cookie)).toMatchObject({ subtotal: 5000, discount: 1000 });
  });

  it('a fixed amount larger than the cart makes it free, never negative', async () => {
    const coupon = await insertCoupon({ kind: 'fixed', percent_basis_points: null, amount_cents: 10_000 });
    const cookie = await cartWith(300);
    await apply(coupon.code, cookie);
    const totals = await summary(cookie);
    expect(totals.discount).toBe(300);
    expect(totals.total).toBeGreaterThanOrEqual(0);
  });
});

describe('tax', () => {
  it('with prices that include tax, the cart shows the tax contained and the total does not grow', async () => {
    const inclusive = await createTestApp({ env: { PRICES_INCLUDE_TAX: 'true', STORE_COUNTRY: 'DE' } });
    try {
      await inclusive.database.db.insertInto('tax_rates').values({ country: 'DE', name: 'VAT', rate_basis_points: 1900 }).execute();
      const { variants } = await insertProduct(inclusive.database.db, {}, [{ price_cents: 11_900, stock: 5 }]);
      const added = await inclusive.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
      const page = await htmlOf(await inclusive.app.request('/cart', { headers: { Cookie: sessionCookieFrom(added)! } }));
      expect(textOf(page, '[data-cart-tax]')).toBe('$19.00');
      expect(page.querySelector('[data-cart-tax]')?.previousElementSibling?.text).toContain('Includes VAT (19 %)');
      // 119.00 with tax inside, free shipping over 75.00 in the default zone.
      expect(textOf(page, '[data-cart-total]')).toBe('$119.00');
    } finally {
      await inclusive.close();
    }
  });

  it('with prices before tax, the tax is added on top: 10.75 % on 3 × $0.10 + $19.99', async () => {
    const exclusive = await createTestApp({ env: { STORE_COUNTRY: 'US' } });
    try {
      await exclusive.database.db.insertInto('tax_rates').values({ country: 'US', name: 'Sales tax', rate_basis_points: 1075 }).execute();
      const dime = await insertProduct(exclusive.database.db, {}, [{ price_cents: 10, stock: 5 }]);
      const pricey = await insertProduct(exclusive.database.db, {}, [{ price_cents: 1999, stock: 5 }]);
      const added = await exclusive.app.request('/cart/items', form({ variant_id: String(dime.variants[0]!.id), quantity: '3' }));
      const cookie = sessionCookieFrom(added)!;
      await exclusive.app.request('/cart/items', form({ variant_id: String(pricey.variants[0]!.id), quantity: '1' }, cookie));
      const page = await htmlOf(await exclusive.app.request('/cart', { headers: { Cookie: cookie } }));
      // Per line, half up: 0.30 × 10.75 % = 0.03225 → 0.03; 19.99 × 10.75 % = 2.148925 → 2.15.
      expect(textOf(page, '[data-cart-tax]')).toBe('$2.18');
      // Standard shipping 5.99 (under the 75.00 threshold) is not taxed by default.
      expect(textOf(page, '[data-cart-total]')).toBe(`$${((30 + 1999 + 218 + 599) / 100).toFixed(2)}`);
    } finally {
      await exclusive.close();
    }
  });
});
