import type { CouponDetail } from '../../src/cart/coupon-admin.js';
import type { CouponErrors, CouponFormValues } from '../../src/cart/coupon-form.js';
import { Field } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { CouponStatePill, couponValueText, usageText } from './coupons.js';

/** An input's error, tied to it by id (aria-describedby): for the controls Field does not draw. */
export function ErrorText({ id, error }: { id: string; error: string | undefined }): JSX.Element {
  return error ? (
    <p id={`${id}-error`} class="field-error" safe>
      {error}
    </p>
  ) : (
    ''
  );
}

export function errorAttrs(id: string, error: string | undefined, hasHint = false): Record<string, string | undefined> {
  const describedBy = [hasHint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy || undefined };
}

export interface CouponFormProps {
  layout: AdminLayoutProps;
  values: CouponFormValues;
  errors: CouponErrors;
  /** The saved coupon when editing; absent for a new one. */
  detail?: CouponDetail;
}

export function CouponFormPage(props: CouponFormProps): JSX.Element {
  const { detail } = props;
  const title = detail ? `Coupon ${detail.coupon.code}` : 'New coupon';
  return (
    <AdminLayout layout={props.layout} section="coupons" title={title}>
      <p class="mb-2 text-sm">
        <a class="text-link" href="/admin/coupons">
          Coupons
        </a>
      </p>
      <h1 class="page-title mb-4 flex flex-wrap items-center gap-3">
        <span safe>{title}</span>
        {detail ? <CouponStatePill state={detail.state} /> : ''}
      </h1>
      <div class="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <CouponForm {...props} />
        {detail ? <CouponUsage detail={detail} currency={props.layout.currency} /> : ''}
      </div>
    </AdminLayout>
  );
}

function CouponForm({ values, errors, detail, layout }: CouponFormProps): JSX.Element {
  const action = detail ? `/admin/coupons/${detail.coupon.id}` : '/admin/coupons';
  const failed = Object.keys(errors).length > 0;
  return (
    <form method="post" action={action} class="panel" novalidate>
      {failed ? (
        <p class="notice notice-error" role="alert">
          The coupon was not saved. Check the fields marked below.
        </p>
      ) : (
        ''
      )}
      {detail ? (
        <p class="field text-sm text-slate-700">
          Code <strong class="font-mono" safe>{detail.coupon.code}</strong>
          <span class="block text-xs text-slate-600">A code cannot change: carts that hold it would lose it.</span>
        </p>
      ) : (
        <Field name="code" label="Code" value={values.code ?? ''} errors={errors} hint="What shoppers type; case does not matter. Letters, digits, - and _." maxlength={40} />
      )}
      <fieldset class="field" {...errorAttrs('field-kind', errors.kind)}>
        <legend class="label">Discount</legend>
        <div class="flex flex-wrap gap-4 text-sm">
          <label class="flex items-center gap-2">
            <input type="radio" name="kind" value="percent" checked={values.kind !== 'fixed'} /> Percentage off
          </label>
          <label class="flex items-center gap-2">
            <input type="radio" name="kind" value="fixed" checked={values.kind === 'fixed'} /> Fixed amount off
          </label>
        </div>
        <ErrorText id="field-kind" error={errors.kind} />
      </fieldset>
      <Field name="value" label="Value" value={values.value ?? ''} errors={errors} hint={`A percentage (15 or 12.5), or an amount in ${layout.currency} (5 or 4.99).`} inputmode="text" maxlength={20} />
      <Field name="min_subtotal" label="Minimum subtotal (optional)" value={values.min_subtotal ?? ''} errors={errors} required={false} hint={`In ${layout.currency}; empty for none.`} maxlength={20} />
      <div class="grid gap-x-4 sm:grid-cols-2">
        <DateTimeField name="starts_at" label="Starts (optional, UTC)" value={values.starts_at ?? ''} error={errors.starts_at} />
        <DateTimeField name="ends_at" label="Ends (optional, UTC)" value={values.ends_at ?? ''} error={errors.ends_at} />
        <Field name="usage_limit" label="Uses in all (optional)" value={values.usage_limit ?? ''} errors={errors} required={false} inputmode="numeric" maxlength={10} />
        <Field name="per_customer_limit" label="Uses per customer (optional)" value={values.per_customer_limit ?? ''} errors={errors} required={false} inputmode="numeric" maxlength={10} />
      </div>
      <Field name="products" label="Only these products (optional)" value={values.products ?? ''} errors={errors} required={false} hint="Product slugs or SKUs, separated by commas; empty for every product." />
      <Field name="categories" label="Only these categories (optional)" value={values.categories ?? ''} errors={errors} required={false} hint="Category slugs, separated by commas; a category includes those below it." />
      <div class="field flex items-center gap-2">
        <input id="field-active" name="active" type="checkbox" value="on" checked={values.active !== undefined} class="h-4 w-4" />
        <label for="field-active" class="text-sm text-slate-800">
          Active (can be used between its dates)
        </label>
      </div>
      <button type="submit" class="btn-primary">
        {detail ? 'Save changes' : 'Create coupon'}
      </button>
    </form>
  );
}

function DateTimeField({ name, label, value, error }: { name: string; label: string; value: string; error: string | undefined }): JSX.Element {
  const id = `field-${name}`;
  return (
    <div class="field">
      <label for={id} class="label" safe>
        {label}
      </label>
      <input id={id} name={name} type="datetime-local" class="input" value={value} {...errorAttrs(id, error)} />
      <ErrorText id={id} error={error} />
    </div>
  );
}

function CouponUsage({ detail, currency }: { detail: CouponDetail; currency: string }): JSX.Element {
  return (
    <aside class="space-y-6">
      <section class="panel" aria-labelledby="usage-heading">
        <h2 id="usage-heading" class="section-title mb-2">
          Usage
        </h2>
        <p class="text-sm text-slate-700" safe>
          {couponValueText(detail.coupon, currency)}
        </p>
        <p class="mt-2 text-sm text-slate-700" data-coupon-uses safe>
          {usageText(detail)}
        </p>
        {detail.byCustomer.length ? (
          <div class="table-wrap mt-3">
            <table class="data-table">
              <caption class="sr-only">Uses per customer</caption>
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" class="num">
                    Uses
                  </th>
                </tr>
              </thead>
              <tbody>
                {detail.byCustomer.map((row) => (
                  <tr data-customer-uses={row.email}>
                    <td class="max-w-52 truncate" safe>
                      {row.email}
                    </td>
                    <td class="num">{row.uses}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          ''
        )}
      </section>
      {detail.coupon.active ? (
        <section class="panel" aria-labelledby="expire-heading">
          <h2 id="expire-heading" class="section-title mb-2">
            Expire
          </h2>
          <p class="mb-3 text-sm text-slate-600">Ends the coupon now; carts holding it lose the discount at once.</p>
          <form method="post" action={`/admin/coupons/${detail.coupon.id}/expire`}>
            <button type="submit" class="btn-secondary">
              Expire now
            </button>
          </form>
        </section>
      ) : (
        ''
      )}
    </aside>
  );
}
