import type { Children } from '@kitajs/html';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

interface FormPageProps {
  layout: LayoutProps;
  errors?: FieldErrors;
  /** A message about the whole form (a refused sign-in, a used link). */
  formError?: string;
  notice?: string;
}

const noIndex = { robots: 'noindex' } as const;

function AuthCard({ layout, title, children }: { layout: LayoutProps; title: string; children: Children }): JSX.Element {
  return (
    <ShopLayout layout={layout} title={title} meta={noIndex}>
      <section class="auth-card">
        <h1 class="page-title mb-6" safe>
          {title}
        </h1>
        {children}
      </section>
    </ShopLayout>
  );
}

function FormMessages({ formError, notice }: Pick<FormPageProps, 'formError' | 'notice'>): JSX.Element {
  return (
    <>
      {formError ? <Notice tone="error" message={formError} /> : ''}
      {notice ? <Notice tone="success" message={notice} /> : ''}
    </>
  );
}

export function RegisterPage(props: FormPageProps & { values: { email?: string; first_name?: string; last_name?: string } }): JSX.Element {
  const { values, errors } = props;
  return (
    <AuthCard layout={props.layout} title="Create an account">
      <FormMessages formError={props.formError} />
      <form method="post" action="/register" novalidate>
        <Field name="first_name" label="First name" value={values.first_name} errors={errors} autocomplete="given-name" maxlength={100} />
        <Field name="last_name" label="Last name" value={values.last_name} errors={errors} autocomplete="family-name" maxlength={100} />
        <Field name="email" label="E-mail" type="email" value={values.email} errors={errors} autocomplete="email" maxlength={254} />
        <Field
          name="password"
          label="Password"
          type="password"
          errors={errors}
          autocomplete="new-password"
          hint="At least 8 characters. A few unrelated words make a strong, memorable password."
        />
        <button type="submit" class="btn-primary w-full">
          Create account
        </button>
      </form>
      <p class="mt-6 text-sm text-slate-600">
        Already have an account?{' '}
        <a href="/login" class="text-link">
          Sign in
        </a>
      </p>
    </AuthCard>
  );
}

export function LoginPage(props: FormPageProps & { email?: string; next?: string; step: 'password' | 'code' }): JSX.Element {
  const next = props.next ? <input type="hidden" name="next" value={props.next} /> : '';
  if (props.step === 'code') {
    return (
      <AuthCard layout={props.layout} title="Two-step verification">
        <FormMessages formError={props.formError} />
        <form method="post" action="/login" novalidate>
          {next}
          <Field
            name="code"
            label="Code from your authenticator app"
            errors={props.errors}
            autocomplete="one-time-code"
            inputmode="text"
            maxlength={40}
            hint="Enter the 6-digit code, or one of your recovery codes."
          />
          <button type="submit" class="btn-primary w-full">
            Verify
          </button>
        </form>
      </AuthCard>
    );
  }
  return (
    <AuthCard layout={props.layout} title="Sign in">
      <FormMessages formError={props.formError} notice={props.notice} />
      <form method="post" action="/login" novalidate>
        {next}
        <Field name="email" label="E-mail" type="email" value={props.email} errors={props.errors} autocomplete="username" maxlength={254} />
        <Field name="password" label="Password" type="password" errors={props.errors} autocomplete="current-password" />
        <button type="submit" class="btn-primary w-full">
          Sign in
        </button>
      </form>
      <p class="mt-6 flex flex-wrap justify-between gap-2 text-sm text-slate-600">
        <a href="/forgot-password" class="text-link">
          Forgot your password?
        </a>
        <a href="/register" class="text-link">
          Create an account
        </a>
      </p>
    </AuthCard>
  );
}

export function ForgotPasswordPage(props: FormPageProps & { email?: string }): JSX.Element {
  return (
    <AuthCard layout={props.layout} title="Reset your password">
      <FormMessages formError={props.formError} notice={props.notice} />
      <form method="post" action="/forgot-password" novalidate>
        <Field
          name="email"
          label="E-mail"
          type="email"
          value={props.email}
          errors={props.errors}
          autocomplete="email"
          maxlength={254}
          hint="We will send a link to set a new password."
        />
        <button type="submit" class="btn-primary w-full">
          Send the link
        </button>
      </form>
    </AuthCard>
  );
}

export function ResetPasswordPage(props: FormPageProps & { token: string; tokenLive: boolean }): JSX.Element {
  if (!props.tokenLive) {
    return (
      <AuthCard layout={props.layout} title="This link no longer works">
        <p class="text-slate-700">Password links work once and for an hour. Ask for a new one and use the latest e-mail.</p>
        <a href="/forgot-password" class="btn-primary mt-6">
          Send a new link
        </a>
      </AuthCard>
    );
  }
  return (
    <AuthCard layout={props.layout} title="Choose a new password">
      <FormMessages formError={props.formError} />
      <form method="post" action={`/reset-password?token=${encodeURIComponent(props.token)}`} novalidate>
        <Field name="password" label="New password" type="password" errors={props.errors} autocomplete="new-password" hint="At least 8 characters." />
        <button type="submit" class="btn-primary w-full">
          Set password
        </button>
      </form>
    </AuthCard>
  );
}

/** A GET shows this; only the button's POST uses the link up (mail scanners follow links). */
export function VerifyEmailPage(props: { layout: LayoutProps; token: string; tokenLive: boolean }): JSX.Element {
  if (!props.tokenLive) {
    return (
      <AuthCard layout={props.layout} title="This link no longer works">
        <p class="text-slate-700">It may have been used already or be more than two days old. Sign in and we can send another.</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard layout={props.layout} title="Confirm your e-mail address">
      <form method="post" action={`/verify-email?token=${encodeURIComponent(props.token)}`}>
        <button type="submit" class="btn-primary w-full">
          Confirm my address
        </button>
      </form>
    </AuthCard>
  );
}

/** The same page whatever happened behind it, so it tells nobody which addresses have accounts. */
export function MessagePage(props: { layout: LayoutProps; title: string; message: string; link?: { href: string; label: string } }): JSX.Element {
  return (
    <AuthCard layout={props.layout} title={props.title}>
      <Notice tone="info" message={props.message} />
      {props.link ? (
        <a href={props.link.href} class="btn-primary" safe>
          {props.link.label}
        </a>
      ) : (
        ''
      )}
    </AuthCard>
  );
}
