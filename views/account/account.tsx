import type { Children } from '@kitajs/html';
import type { Session } from '../../src/accounts/sessions.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export interface AccountUserView {
  email: string;
  first_name: string;
  last_name: string;
  email_verified: boolean;
}

export interface AccountFrameProps {
  layout: LayoutProps;
  title: string;
  current: 'profile' | 'addresses' | 'security' | 'privacy';
  notice?: string;
  children: Children;
}

export function AccountFrame({ layout, title, current, notice, children }: AccountFrameProps): JSX.Element {
  const item = (href: string, label: string, key: AccountFrameProps['current']) => (
    <a href={href} class={current === key ? 'btn-primary' : 'btn-secondary'} aria-current={current === key ? 'page' : undefined} safe>
      {label}
    </a>
  );
  return (
    <ShopLayout layout={layout} title={title} meta={{ robots: 'noindex' }}>
      <h1 class="page-title mb-6" safe>
        {title}
      </h1>
      <div class="account-grid">
        <nav aria-label="Account" class="account-nav">
          {item('/account', 'Profile', 'profile')}
          {item('/account/addresses', 'Addresses', 'addresses')}
          {item('/account/security', 'Security', 'security')}
          {item('/account/privacy', 'Your data', 'privacy')}
          <form method="post" action="/logout">
            <button type="submit" class="btn-secondary w-full">
              Sign out
            </button>
          </form>
        </nav>
        <div>
          {notice ? <Notice tone="success" message={notice} /> : ''}
          {children}
        </div>
      </div>
    </ShopLayout>
  );
}

export interface ProfilePageProps {
  layout: LayoutProps;
  user: AccountUserView;
  notice?: string;
  profileErrors?: FieldErrors;
  emailErrors?: FieldErrors;
  values?: Partial<Record<'first_name' | 'last_name' | 'email', string>>;
}

export function ProfilePage({ layout, user, notice, profileErrors, emailErrors, values = {} }: ProfilePageProps): JSX.Element {
  return (
    <AccountFrame layout={layout} title="Your account" current="profile" notice={notice}>
      <section class="panel" aria-labelledby="profile-heading">
        <h2 id="profile-heading" class="section-title mb-4">
          Profile
        </h2>
        <form method="post" action="/account" novalidate>
          <Field name="first_name" label="First name" value={values.first_name ?? user.first_name} errors={profileErrors} autocomplete="given-name" maxlength={100} />
          <Field name="last_name" label="Last name" value={values.last_name ?? user.last_name} errors={profileErrors} autocomplete="family-name" maxlength={100} />
          <button type="submit" class="btn-primary">
            Save profile
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="email-heading">
        <h2 id="email-heading" class="section-title mb-2">
          E-mail address
        </h2>
        <p class="mb-4 text-sm text-slate-700">
          <span safe>{user.email}</span> · {user.email_verified ? 'confirmed' : 'not confirmed yet: see the link we sent'}
        </p>
        <form method="post" action="/account/email" novalidate>
          <Field name="email" label="New e-mail address" type="email" value={values.email} errors={emailErrors} autocomplete="email" maxlength={254} />
          <Field name="current_password" label="Your password" type="password" errors={emailErrors} autocomplete="current-password" />
          <button type="submit" class="btn-secondary">
            Change e-mail
          </button>
        </form>
      </section>
    </AccountFrame>
  );
}

export interface SecurityPageProps {
  layout: LayoutProps;
  notice?: string;
  passwordErrors?: FieldErrors;
  mfaErrors?: FieldErrors;
  mfa: { enabled: boolean; recoveryCodesLeft: number; required: boolean };
  sessions: Session[];
  currentSessionId: string;
}

export function SecurityPage({ layout, notice, passwordErrors, mfaErrors, mfa, sessions, currentSessionId }: SecurityPageProps): JSX.Element {
  return (
    <AccountFrame layout={layout} title="Security" current="security" notice={notice}>
      <section class="panel" aria-labelledby="password-heading">
        <h2 id="password-heading" class="section-title mb-4">
          Change password
        </h2>
        <form method="post" action="/account/security/password" novalidate>
          <Field name="current_password" label="Current password" type="password" errors={passwordErrors} autocomplete="current-password" />
          <Field name="password" label="New password" type="password" errors={passwordErrors} autocomplete="new-password" hint="At least 8 characters." />
          <button type="submit" class="btn-primary">
            Change password
          </button>
        </form>
      </section>
      <MfaSection mfa={mfa} errors={mfaErrors} />
      <section class="panel" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" class="section-title mb-4">
          Where you are signed in
        </h2>
        <ul class="divide-y divide-slate-200" data-sessions>
          {sessions.map((session) => (
            <li class="flex flex-wrap items-center justify-between gap-3 py-3" data-session={session.publicId}>
              <div class="text-sm">
                <p class="font-medium text-slate-900" safe>
                  {describeAgent(session.userAgent)}
                </p>
                <p class="text-slate-600">
                  Last active <time datetime={new Date(session.lastSeenAt).toISOString()} safe>{new Date(session.lastSeenAt).toUTCString()}</time>
                  {session.id === currentSessionId ? ' · this browser' : ''}
                </p>
              </div>
              {session.id === currentSessionId ? (
                ''
              ) : (
                <form method="post" action={`/account/security/sessions/${session.publicId}/end`}>
                  <button type="submit" class="btn-secondary">
                    Sign out there
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      </section>
    </AccountFrame>
  );
}

function MfaSection({ mfa, errors }: { mfa: SecurityPageProps['mfa']; errors: FieldErrors | undefined }): JSX.Element {
  return (
    <section class="panel" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading" class="section-title mb-2">
        Two-step verification
      </h2>
      {mfa.enabled ? (
        <>
          <p class="mb-4 text-sm text-slate-700" data-mfa-status="on">
            On. Sign-in asks for a code from your authenticator app. Recovery codes left: <span safe>{String(mfa.recoveryCodesLeft)}</span>.
          </p>
          {mfa.required ? (
            <p class="text-sm text-slate-600">Staff accounts must keep it on.</p>
          ) : (
            <form method="post" action="/account/security/mfa/disable" novalidate>
              <Field name="current_password" label="Your password" type="password" errors={errors} autocomplete="current-password" />
              <Field name="code" label="A code from your app" errors={errors} autocomplete="one-time-code" inputmode="numeric" maxlength={40} />
              <button type="submit" class="btn-secondary">
                Turn off
              </button>
            </form>
          )}
        </>
      ) : (
        <>
          <p class="mb-4 text-sm text-slate-700" data-mfa-status="off">
            Off. With it on, a stolen password alone cannot open your account.
          </p>
          <a href="/account/security/mfa" class="btn-primary">
            Set up two-step verification
          </a>
        </>
      )}
    </section>
  );
}

/** A readable name for a browser, from its User-Agent: enough to recognise one's own devices. */
function describeAgent(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'A browser';
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : '';
  return system ? `${browser} on ${system}` : browser;
}
