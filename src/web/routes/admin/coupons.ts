import type { Context } from 'hono';
import { Hono } from 'hono';
import { CouponFormPage, type CouponFormProps } from '../../../../views/admin/coupon-form.js';
import { CouponResults, CouponsPage } from '../../../../views/admin/coupons.js';
import { createCoupon, expireCoupon, findCouponDetail, listCoupons, updateCoupon } from '../../../cart/coupon-admin.js';
import { couponFormValues, parseCouponForm, type CouponFormValues } from '../../../cart/coupon-form.js';
import { adminLayoutFor, flash, idParam, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { redirectTo, renderPage } from '../../render.js';

const FIELDS = ['code', 'kind', 'value', 'min_subtotal', 'starts_at', 'ends_at', 'usage_limit', 'per_customer_limit', 'products', 'categories', 'active'] as const;

/** Only the form's own fields, as typed, to parse and to show again. */
async function couponFields(c: Context<AppEnv>): Promise<CouponFormValues> {
  const form = await readForm(c);
  return Object.fromEntries(FIELDS.filter((name) => form[name] !== undefined).map((name) => [name, form[name]]));
}

export function adminCouponRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  const renderForm = async (c: Context<AppEnv>, props: Omit<CouponFormProps, 'layout'>, status: 200 | 422 = 200) =>
    renderPage(c, { page: async () => CouponFormPage({ layout: await adminLayoutFor(deps, c), ...props }) }, status);

  app.get('/admin/coupons', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 40);
    const { page, perPage, offset } = pageParams(c, 25);
    const [layout, { items, total }] = await Promise.all([adminLayoutFor(deps, c), listCoupons(deps.db, { q, offset, limit: perPage, now: new Date() })]);
    const props = { layout, q, items, total, page, perPage };
    return renderPage(c, { page: () => CouponsPage(props), fragment: () => CouponResults(props) });
  });

  app.get('/admin/coupons/new', (c) => renderForm(c, { values: { kind: 'percent', active: 'on' }, errors: {} }));

  app.post('/admin/coupons', async (c) => {
    const values = await couponFields(c);
    const parsed = parseCouponForm(values);
    if (!parsed.ok) return renderForm(c, { values, errors: parsed.errors }, 422);
    const saved = await createCoupon(deps.db, parsed.draft, staffActor(deps, c));
    if (!saved.ok) return renderForm(c, { values, errors: saved.errors }, 422);
    await flash(deps, c, `Coupon ${parsed.draft.code} created.`);
    return redirectTo(c, `/admin/coupons/${saved.id}`);
  });

  app.get('/admin/coupons/:id', async (c) => {
    const detail = await findCouponDetail(deps.db, idParam(c), new Date());
    if (!detail) throw new NotFoundError();
    return renderForm(c, { values: couponFormValues(detail.coupon, detail), errors: {}, detail });
  });

  app.post('/admin/coupons/:id', async (c) => {
    const id = idParam(c);
    const detail = await findCouponDetail(deps.db, id, new Date());
    if (!detail) throw new NotFoundError();
    // The code is fixed once made (coupon-admin.ts); the form does not send it.
    const values = { ...(await couponFields(c)), code: detail.coupon.code };
    const parsed = parseCouponForm(values);
    const saved = parsed.ok ? await updateCoupon(deps.db, id, parsed.draft, staffActor(deps, c)) : parsed;
    if (!saved) throw new NotFoundError();
    if (!saved.ok) return renderForm(c, { values, errors: saved.errors, detail }, 422);
    await flash(deps, c, `Coupon ${detail.coupon.code} saved.`);
    return redirectTo(c, `/admin/coupons/${id}`);
  });

  app.post('/admin/coupons/:id/expire', async (c) => {
    const id = idParam(c);
    const result = await expireCoupon(deps.db, id, staffActor(deps, c), new Date());
    if (result === 'not_found') throw new NotFoundError();
    await flash(deps, c, result === 'expired' ? 'The coupon has expired; checkout no longer accepts it.' : 'The coupon had already expired.');
    return redirectTo(c, `/admin/coupons/${id}`);
  });
  return app;
}
