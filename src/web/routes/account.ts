import { Hono, type Context } from 'hono';
import { changeEmailForm, changePasswordForm, profileForm } from '../../accounts/account-forms.js';
import { recordAudit } from '../../accounts/audit.js';
import { changePassword } from '../../accounts/password-change.js';
import { endEverySignIn } from '../../accounts/sign-out.js';
import { checkOwnPassword } from '../password-check.js';
import { EmailTakenError, updateProfile, WeakPasswordError } from '../../accounts/users.js';
import { changeEmail } from '../../accounts/account-mail.js';
import type { User } from '../../db/schema-accounts.js';
import { disableMfa, enableMfa, hasMfa, unusedRecoveryCodeCount, verifySecondFactor } from '../../accounts/mfa.js';
import { createTotpKey, formatKeyForTyping, totpKeyUri, totpQrSvg } from '../../accounts/totp.js';
import { MfaSetupPage, RecoveryCodesPage } from '../../../views/account/mfa.js';
import type { FieldErrors } from '../../../views/components/field.js';
import { ProfilePage, SecurityPage, type ProfilePageProps, type SecurityPageProps } from '../../../views/account/account.js';
import type { AppDeps, AppEnv } from '../context.js';
import { fieldErrors, readForm } from '../forms.js';
import { layoutFor } from '../layout.js';
import { noticesFor } from '../order-mail.js';
import { clientIp } from '../rate-limit.js';
import { redirectTo, renderPage } from '../render.js';
import { requireUser, startSession } from '../session.js';

type Status = 200 | 422;

/** The signed-in user's own screens: profile, e-mail, password and sessions. */
export function accountRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db, config } = deps;
  app.use('/account', requireUser());
  app.use('/account/*', requireUser());
  const me = (c: Context<AppEnv>) => c.get('user') as User;

  const profile = async (c: Context<AppEnv>, props: Omit<ProfilePageProps, 'layout' | 'user'> = {}, status: Status = 200) => {
    const user = me(c);
    const view = { email: user.email, first_name: user.first_name, last_name: user.last_name, email_verified: user.email_verified_at !== null };
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => ProfilePage({ layout, user: view, ...props }) }, status);
  };
  const security = async (c: Context<AppEnv>, props: Omit<SecurityPageProps, 'layout' | 'sessions' | 'currentSessionId' | 'mfa'> = {}, status: Status = 200) => {
    const user = me(c);
    const [layout, sessions, recoveryCodesLeft] = await Promise.all([layoutFor(deps, c), deps.sessions.listForUser(user.id), unusedRecoveryCodeCount(db, user.id)]);
    const currentSessionId = c.get('session')?.id ?? '';
    const mfa = { enabled: hasMfa(user), recoveryCodesLeft, required: user.role === 'admin' };
    return renderPage(c, { page: () => SecurityPage({ layout, sessions, currentSessionId, mfa, ...props }) }, status);
  };

  /** The key being set up lives with the session for 15 minutes, never in the page's form. */
  const setupKeyName = (c: Context<AppEnv>) => `mfa-setup:${c.get('session')?.id ?? ''}`;
  const setupKey = async (c: Context<AppEnv>): Promise<Uint8Array> => {
    const saved = await deps.store.get(setupKeyName(c));
    if (saved) return new Uint8Array(Buffer.from(saved, 'base64'));
    const key = createTotpKey();
    await deps.store.set(setupKeyName(c), Buffer.from(key).toString('base64'), 900);
    return key;
  };
  const setupPage = async (c: Context<AppEnv>, errors?: FieldErrors, status: Status = 200) => {
    const user = me(c);
    const key = await setupKey(c);
    const uri = totpKeyUri({ issuer: config.STORE_NAME, accountName: user.email, key });
    const layout = await layoutFor(deps, c);
    const view = { layout, safeQrSvg: totpQrSvg(uri), typedKey: formatKeyForTyping(key), required: user.role === 'admin', ...(errors ? { errors } : {}) };
    return renderPage(c, { page: () => MfaSetupPage(view) }, status);
  };

  app.get('/account', (c) => profile(c, { ...(c.req.query('saved') ? { notice: 'Saved.' } : {}) }));
  app.post('/account', async (c) => {
    const fields = await readForm(c);
    const parsed = profileForm.safeParse(fields);
    if (!parsed.success) return profile(c, { profileErrors: fieldErrors(parsed.error), values: fields }, 422);
    await updateProfile(db, me(c).id, { firstName: parsed.data.first_name, lastName: parsed.data.last_name });
    return redirectTo(c, '/account?saved=1');
  });

  app.post('/account/email', async (c) => {
    const user = me(c);
    const fields = await readForm(c);
    const parsed = changeEmailForm.safeParse(fields);
    if (!parsed.success) return profile(c, { emailErrors: fieldErrors(parsed.error), values: { email: fields.email } }, 422);
    if (!(await checkOwnPassword(deps, c, user, parsed.data.current_password))) {
      return profile(c, { emailErrors: { current_password: 'That is not your current password.' }, values: { email: parsed.data.email } }, 422);
    }
    try {
      await changeEmail(db, noticesFor(deps), user, parsed.data.email, clientIp(c, config.TRUST_PROXY));
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      return profile(c, { emailErrors: { email: 'That address cannot be used. Choose another.' }, values: { email: parsed.data.email } }, 422);
    }
    return redirectTo(c, '/account?saved=1');
  });

  app.get('/account/security', (c) => security(c, c.req.query('saved') ? { notice: 'Your password has been changed. Other sessions were signed out.' } : {}));
  app.post('/account/security/password', async (c) => {
    const user = me(c);
    const parsed = changePasswordForm.safeParse(await readForm(c));
    if (!parsed.success) return security(c, { passwordErrors: fieldErrors(parsed.error) }, 422);
    if (!(await checkOwnPassword(deps, c, user, parsed.data.current_password))) {
      return security(c, { passwordErrors: { current_password: 'That is not your current password.' } }, 422);
    }
    try {
      await changePassword(db, deps.sessions, user, parsed.data.password, clientIp(c, config.TRUST_PROXY));
    } catch (error) {
      if (error instanceof WeakPasswordError) return security(c, { passwordErrors: { password: error.message } }, 422);
      throw error;
    }
    await startSession(deps, c, user); // a privilege change: this browser gets a new token too
    return redirectTo(c, '/account/security?saved=1');
  });

  app.get('/account/security/mfa', (c) => (hasMfa(me(c)) ? c.redirect('/account/security', 303) : setupPage(c)));
  app.post('/account/security/mfa', async (c) => {
    const user = me(c);
    if (hasMfa(user)) return redirectTo(c, '/account/security');
    const code = (await readForm(c)).code ?? '';
    const codes = await enableMfa(db, user, await setupKey(c), code.slice(0, 20), config.APP_SECRET);
    if (!codes) return setupPage(c, { code: 'That code did not match. Check the time on your phone and try the newest code.' }, 422);
    await deps.store.delete(setupKeyName(c));
    await endEverySignIn(db, deps.sessions, user.id, 'two-factor authentication turned on');
    await startSession(deps, c, user); // a privilege change: a new token
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => RecoveryCodesPage({ layout, codes }) });
  });
  app.post('/account/security/mfa/disable', async (c) => {
    const user = me(c);
    if (user.role === 'admin') return security(c, { mfaErrors: { code: 'Staff accounts must keep two-step verification on.' } }, 422);
    const fields = await readForm(c);
    if (!(await checkOwnPassword(deps, c, user, fields.current_password ?? ''))) {
      return security(c, { mfaErrors: { current_password: 'That is not your current password.' } }, 422);
    }
    if (!(await verifySecondFactor(db, user, (fields.code ?? '').slice(0, 64), config.APP_SECRET))) {
      return security(c, { mfaErrors: { code: 'That code is not right, or it was used already.' } }, 422);
    }
    await disableMfa(db, user);
    return redirectTo(c, '/account/security');
  });

  app.post('/account/security/sessions/:publicId/end', async (c) => {
    const user = me(c);
    const sessions = await deps.sessions.listForUser(user.id);
    // Only the user's own sessions can be found here; any other id is simply not there.
    const target = sessions.find((session) => session.publicId === c.req.param('publicId'));
    if (target) {
      await deps.sessions.invalidate(target);
      await recordAudit(db, { action: 'session.ended', actorUserId: user.id, ip: clientIp(c, config.TRUST_PROXY) });
    }
    return redirectTo(c, '/account/security');
  });

  return app;
}
