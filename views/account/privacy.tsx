import { Field, Notice, type FieldErrors } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';
import { AccountFrame } from './account.js';

/** "Your data": the download, and the way to delete the account. */
export function PrivacyPage({ layout }: { layout: LayoutProps }): JSX.Element {
  return (
    <AccountFrame layout={layout} title="Your data" current="privacy">
      <section class="panel" aria-labelledby="export-heading">
        <h2 id="export-heading" class="section-title mb-2">
          Download your data
        </h2>
        <p class="mb-4 text-sm text-slate-700">
          One JSON file with your profile, addresses, where you are signed in, and the security events recorded about your account.
        </p>
        <a href="/account/export" class="btn-secondary" download="">
          Download my data
        </a>
      </section>
      <section class="panel" aria-labelledby="delete-heading">
        <h2 id="delete-heading" class="section-title mb-2">
          Delete your account
        </h2>
        <p class="mb-4 text-sm text-slate-700">This removes your account and your personal data for good.</p>
        <a href="/account/delete" class="btn-secondary">
          Delete my account…
        </a>
      </section>
    </AccountFrame>
  );
}

export interface DeleteAccountPageProps {
  layout: LayoutProps;
  errors?: FieldErrors;
  /** Why the account cannot be deleted here at all (a staff account). */
  formError?: string;
}

export function DeleteAccountPage({ layout, errors, formError }: DeleteAccountPageProps): JSX.Element {
  const confirmError = errors?.confirm;
  return (
    <AccountFrame layout={layout} title="Delete your account" current="privacy">
      <section class="panel" aria-labelledby="delete-confirm-heading">
        <h2 id="delete-confirm-heading" class="section-title mb-2">
          This cannot be undone
        </h2>
        <ul class="mb-4 list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>Your profile, e-mail address, password and saved addresses are erased.</li>
          <li>You are signed out everywhere.</li>
          <li>Security records of past sign-ins are kept without your name or account on them.</li>
        </ul>
        <p class="mb-4 text-sm text-slate-700">
          Want a copy first?{' '}
          <a href="/account/export" class="text-link" download="">
            Download your data
          </a>
          .
        </p>
        {formError ? <Notice tone="error" message={formError} /> : ''}
        <form method="post" action="/account/delete" novalidate data-delete-account>
          <Field name="current_password" label="Your password" type="password" errors={errors} autocomplete="current-password" />
          <div class="field">
            <div class="flex items-center gap-2">
              <input
                id="field-confirm"
                name="confirm"
                type="checkbox"
                value="1"
                class="checkbox"
                required
                aria-invalid={confirmError ? 'true' : undefined}
                aria-describedby={confirmError ? 'field-confirm-error' : undefined}
              />
              <label for="field-confirm" class="text-sm text-slate-700">
                I understand that my account and its data will be deleted
              </label>
            </div>
            {confirmError ? (
              <p id="field-confirm-error" class="field-error" safe>
                {confirmError}
              </p>
            ) : (
              ''
            )}
          </div>
          <button type="submit" class="btn-primary">
            Delete my account
          </button>
        </form>
      </section>
    </AccountFrame>
  );
}

/** After the account is gone: the shopper is signed out, so no account frame. */
export function AccountDeletedPage({ layout }: { layout: LayoutProps }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Account deleted" meta={{ robots: 'noindex' }}>
      <section class="auth-card" data-account-deleted>
        <h1 class="page-title mb-4">Your account has been deleted</h1>
        <p class="mb-6 text-sm text-slate-700">Your personal data has been removed and you have been signed out on every device.</p>
        <a href="/" class="btn-primary">
          Back to the store
        </a>
      </section>
    </ShopLayout>
  );
}
