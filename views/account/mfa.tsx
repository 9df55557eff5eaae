import { Field, Notice, type FieldErrors } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export interface MfaSetupProps {
  layout: LayoutProps;
  /** SVG markup made by uqr from the otpauth: URI on the server: squares only, no text from users. */
  safeQrSvg: string;
  typedKey: string;
  errors?: FieldErrors;
  required?: boolean;
}

/** Scan the QR code, or type the key shown beside it, then prove it works with one code. */
export function MfaSetupPage({ layout, safeQrSvg, typedKey, errors, required }: MfaSetupProps): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Set up two-step verification" meta={{ robots: 'noindex' }}>
      <section class="auth-card max-w-2xl">
        <h1 class="page-title mb-4">Set up two-step verification</h1>
        {required ? <Notice tone="info" message="Staff accounts must use two-step verification before they can open the back office." /> : ''}
        <ol class="mb-6 list-decimal space-y-2 pl-5 text-slate-700">
          <li>Open an authenticator app (such as 1Password, Google Authenticator or Aegis).</li>
          <li>Scan this QR code, or type the key shown beside it.</li>
          <li>Enter the 6-digit code the app shows.</li>
        </ol>
        <div class="mb-6 flex flex-col items-center gap-6 sm:flex-row sm:items-start">
          <div class="w-48 shrink-0 rounded-lg border border-slate-200 bg-white p-2">{safeQrSvg}</div>
          <div>
            <p class="label">Key to type by hand</p>
            <code class="block rounded-lg bg-slate-100 px-3 py-2 font-mono text-base tracking-wider break-all text-slate-900" data-totp-secret safe>
              {typedKey}
            </code>
            <p class="mt-2 text-sm text-slate-600">Time-based, 6 digits, every 30 seconds.</p>
          </div>
        </div>
        <form method="post" action="/account/security/mfa" novalidate>
          <Field name="code" label="Code from the app" errors={errors} autocomplete="one-time-code" inputmode="numeric" maxlength={10} />
          <button type="submit" class="btn-primary">
            Turn on two-step verification
          </button>
        </form>
      </section>
    </ShopLayout>
  );
}

/** Shown once, right after set-up: only their hashes are kept. */
export function RecoveryCodesPage({ layout, codes }: { layout: LayoutProps; codes: string[] }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Your recovery codes" meta={{ robots: 'noindex' }}>
      <section class="auth-card max-w-xl">
        <h1 class="page-title mb-4">Two-step verification is on</h1>
        <Notice tone="success" message="Keep these recovery codes somewhere safe. Each works once, if you lose your authenticator. They will not be shown again." />
        <ul class="mb-6 grid grid-cols-2 gap-2 font-mono text-slate-900" data-recovery-codes>
          {codes.map((code) => (
            <li class="rounded bg-slate-100 px-2 py-1 text-center" safe>
              {code}
            </li>
          ))}
        </ul>
        <a href="/account/security" class="btn-primary">
          Done
        </a>
      </section>
    </ShopLayout>
  );
}
