import { Hono, type Context } from 'hono';
import { loginForm, emailForm, passwordForm, registerForm } from '../../accounts/account-forms.js';
import { recordAudit } from '../../accounts/audit.js';
import { checkPasswordPolicy } from '../../accounts/passwords.js';
import { EmailTakenError, findLiveEmailToken, WeakPasswordError } from '../../accounts/users.js';
import { ResetLinkError, resetPassword } from '../../accounts/password-change.js';
import { checkSignInCode, checkSignInPassword, recordSignIn } from '../../accounts/sign-in.js';
import { confirmEmail, registerAccount, remindExistingAccount, requestPasswordReset } from '../../accounts/account-mail.js';
import { ForgotPasswordPage, LoginPage, MessagePage, RegisterPage, ResetPasswordPage, VerifyEmailPage } from '../../../views/account/auth.js';
import type { AppDeps, AppEnv } from '../context.js';
import { noticesFor } from '../order-mail.js';
import { fieldErrors, readForm, safeNextPath } from '../forms.js';
import { layoutFor } from '../layout.js';
import { byClientIp, clientIp, createLoginThrottle, createRateLimiter, rateLimit } from '../rate-limit.js';
import { redirectTo, renderPage } from '../render.js';
import { endPendingLogin, endSession, pendingLoginUser, startPendingLogin, startSession } from '../session.js';
import { hasMfa } from '../../accounts/mfa.js';
import type { User } from '../../db/schema-accounts.js';
import { ensureMemberCart, mergeGuestCart } from '../../cart/carts.js';

const CHECK_YOUR_MAIL = 'If that address can be used, we have sent it an e-mail. Follow the link in it to continue.';

/** Register, sign in and out, verify an address, reset a password. */
export function authRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db, config } = deps;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, config.TRUST_PROXY);
  const limiter = (name: string, limit: number, windowSeconds = 900) =>
    rateLimit(createRateLimiter(deps.store, { name, limit, windowSeconds, secret: config.APP_SECRET }), byClientIp(config.TRUST_PROXY));
  const throttle = createLoginThrottle(deps.store, { secret: config.APP_SECRET });

  // Every auth page shares the general per-IP budget; the actions that send mail or create
  // accounts have tighter ones of their own. All fail closed (503) if the store is away.
  app.on(['GET', 'POST'], ['/register', '/login', '/forgot-password', '/reset-password', '/verify-email'], limiter('auth', config.RATE_LIMIT_MAX, config.RATE_LIMIT_WINDOW_SECONDS));
  app.post('/register', limiter('register', 20));
  app.post('/forgot-password', limiter('forgot-password', 20));
  app.post('/reset-password', limiter('reset-password', 30));
  app.post('/verify-email', limiter('verify-email', 30));
  const page = async (c: Context<AppEnv>, view: (layout: Awaited<ReturnType<typeof layoutFor>>) => JSX.Element, status: 200 | 422 | 400 = 200) => {
    c.set('pageCaching', 'no-store');
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => view(layout) }, status);
  };
  const notices = noticesFor(deps);
  /**
   * Work that happens only for addresses that have an account runs after the answer is sent,
   * so the response's timing cannot tell which addresses have accounts.
   */
  const afterResponse = (c: Context<AppEnv>, work: () => Promise<void>) => {
    setImmediate(() => work().catch((error: unknown) => c.get('log').error({ err: error }, 'background account work failed')));
  };

  app.get('/register', (c) => page(c, (layout) => RegisterPage({ layout, values: {} })));
  app.post('/register', async (c) => {
    const fields = await readForm(c);
    const parsed = registerForm.safeParse(fields);
    const values = { email: fields.email, first_name: fields.first_name, last_name: fields.last_name };
    if (!parsed.success) return page(c, (layout) => RegisterPage({ layout, values, errors: fieldErrors(parsed.error) }), 422);
    const { email, password, first_name, last_name } = parsed.data;
    const weak = checkPasswordPolicy(password, { email, firstName: first_name, lastName: last_name });
    if (weak) return page(c, (layout) => RegisterPage({ layout, values, errors: { password: weak } }), 422);
    try {
      await registerAccount(db, notices, { email, password, firstName: first_name, lastName: last_name }, ipOf(c));
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
      afterResponse(c, () => remindExistingAccount(db, notices, email));
    }
    return page(c, (layout) => MessagePage({ layout, title: 'Check your e-mail', message: CHECK_YOUR_MAIL, link: { href: '/login', label: 'Go to sign in' } }));
  });

  app.get('/verify-email', async (c) => {
    const token = c.req.query('token') ?? '';
    const tokenLive = (await findLiveEmailToken(db, token, 'verify_email')) !== undefined;
    return page(c, (layout) => VerifyEmailPage({ layout, token, tokenLive }), tokenLive ? 200 : 400);
  });
  app.post('/verify-email', async (c) => {
    const token = c.req.query('token') ?? '';
    const user = await confirmEmail(db, notices, token, ipOf(c));
    if (!user) return page(c, (layout) => VerifyEmailPage({ layout, token, tokenLive: false }), 400);
    const signedIn = c.get('user')?.id === user.id;
    return page(c, (layout) =>
      MessagePage({
        layout,
        title: 'Address confirmed',
        message: 'Thank you: your e-mail address is confirmed.',
        link: signedIn ? { href: '/account', label: 'Go to your account' } : { href: '/login', label: 'Sign in' },
      }),
    );
  });

  app.get('/login', (c) => {
    if (c.get('user')) return c.redirect(safeNextPath(c.req.query('next')), 303);
    return page(c, (layout) => LoginPage({ layout, step: 'password', next: c.req.query('next') }));
  });
  app.post('/login', async (c) => {
    const fields = await readForm(c);
    const next = fields.next;
    if (fields.code !== undefined) return secondFactor(c, fields.code, next);
    const parsed = loginForm.safeParse(fields);
    if (!parsed.success) return page(c, (layout) => LoginPage({ layout, step: 'password', email: fields.email, next, errors: fieldErrors(parsed.error) }), 422);
    const user = await checkSignInPassword(db, throttle, parsed.data.email, parsed.data.password, ipOf(c));
    if (!user) {
      const formError = 'That e-mail address and password do not match an account.';
      return page(c, (layout) => LoginPage({ layout, step: 'password', email: parsed.data.email, next, formError }), 422);
    }
    if (hasMfa(user)) {
      await startPendingLogin(deps, c, user);
      return page(c, (layout) => LoginPage({ layout, step: 'code', next }));
    }
    return signIn(c, user, next);
  });

  /** The code step: only a browser that just gave the right password gets here, and each code works once. */
  async function secondFactor(c: Context<AppEnv>, code: string, next: string | undefined) {
    const user = await pendingLoginUser(deps, c);
    if (!user) {
      return page(c, (layout) => LoginPage({ layout, step: 'password', next, formError: 'Your sign-in took too long. Please enter your password again.' }), 422);
    }
    if (!(await checkSignInCode(db, throttle, user, code, ipOf(c), config.APP_SECRET))) {
      return page(c, (layout) => LoginPage({ layout, step: 'code', next, errors: { code: 'That code is not right, or it was used already.' } }), 422);
    }
    await endPendingLogin(deps, c);
    return signIn(c, user, next);
  }

  async function signIn(c: Context<AppEnv>, user: User, next: string | undefined) {
    const guest = c.get('session');
    const guestCartId = guest?.userId === null ? guest.cartId : undefined;
    await startSession(deps, c, user);
    if (guestCartId !== undefined) await mergeCartAtSignIn(c, user, guestCartId);
    await recordSignIn(db, throttle, user, ipOf(c));
    return redirectTo(c, safeNextPath(next));
  }

  app.post('/logout', async (c) => {
    const user = c.get('user');
    await endSession(deps, c);
    if (user) await recordAudit(db, { action: 'logout', actorUserId: user.id, ip: ipOf(c) });
    return redirectTo(c, '/');
  });

  app.get('/forgot-password', (c) => page(c, (layout) => ForgotPasswordPage({ layout })));
  app.post('/forgot-password', async (c) => {
    const fields = await readForm(c);
    const parsed = emailForm.safeParse(fields);
    if (!parsed.success) return page(c, (layout) => ForgotPasswordPage({ layout, email: fields.email, errors: fieldErrors(parsed.error) }), 422);
    const ip = ipOf(c);
    afterResponse(c, () => requestPasswordReset(db, notices, parsed.data.email, ip));
    return page(c, (layout) => MessagePage({ layout, title: 'Check your e-mail', message: CHECK_YOUR_MAIL }));
  });

  app.get('/reset-password', async (c) => {
    const token = c.req.query('token') ?? '';
    const tokenLive = (await findLiveEmailToken(db, token, 'reset_password')) !== undefined;
    return page(c, (layout) => ResetPasswordPage({ layout, token, tokenLive }), tokenLive ? 200 : 400);
  });
  app.post('/reset-password', async (c) => {
    const token = c.req.query('token') ?? '';
    const parsed = passwordForm.safeParse(await readForm(c));
    const owner = await findLiveEmailToken(db, token, 'reset_password');
    if (!owner) return page(c, (layout) => ResetPasswordPage({ layout, token, tokenLive: false }), 400);
    const refused = (problem: string | undefined) => page(c, (layout) => ResetPasswordPage({ layout, token, tokenLive: true, errors: { password: problem } }), 422);
    if (!parsed.success) return refused(fieldErrors(parsed.error).password);
    let user: User;
    try {
      user = await resetPassword(db, deps.sessions, token, parsed.data.password, ipOf(c));
    } catch (error) {
      if (error instanceof WeakPasswordError) return refused(error.message);
      if (error instanceof ResetLinkError) return page(c, (layout) => ResetPasswordPage({ layout, token, tokenLive: false }), 400);
      throw error;
    }
    return page(c, (layout) => LoginPage({ layout, step: 'password', email: user.email, notice: 'Your password has been changed. Sign in with it now.' }));
  });

  /** The guest's cart joins the member's; what could not all come along is said on the next page. */
  async function mergeCartAtSignIn(c: Context<AppEnv>, user: User, guestCartId: number) {
    const capped = await mergeGuestCart(db, guestCartId, await ensureMemberCart(db, user.id));
    const session = c.get('session');
    if (!capped.length || !session) return;
    const notice = capped
      .map((line) => (line.quantity === 0 ? `${line.name} is sold out, so it was not added.` : `Only ${line.quantity} of ${line.name} are available, so your cart has ${line.quantity}.`))
      .join(' ');
    await deps.sessions.update({ ...session, notice: `Your carts were combined. ${notice}` });
  }

  return app;
}
