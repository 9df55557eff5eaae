import { createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { registerAccount, remindExistingAccount, requestPasswordReset } from '../../accounts/account-mail.js';
import { issueTokens, revokeFamily, rotateRefreshToken } from '../../accounts/api-tokens.js';
import { recordAudit } from '../../accounts/audit.js';
import { hasMfa } from '../../accounts/mfa.js';
import { ResetLinkError, resetPassword } from '../../accounts/password-change.js';
import { checkPasswordPolicy } from '../../accounts/passwords.js';
import { checkSignInCode, checkSignInPassword, recordSignIn } from '../../accounts/sign-in.js';
import { EmailTakenError, WeakPasswordError } from '../../accounts/users.js';
import type { User } from '../../db/schema-accounts.js';
import type { AppDeps } from '../../web/context.js';
import { noticesFor } from '../../web/order-mail.js';
import { byClientIp, clientIp, createLoginThrottle, createRateLimiter, rateLimit } from '../../web/rate-limit.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { ApiProblem, problemResponses, unprocessable } from '../problem.js';
import { ForgotPasswordInput, LoginInput, MessageSchema, RefreshInput, RegisterInput, ResetPasswordInput, SessionSchema, userJson } from '../schemas/account.js';
import { jsonBody } from '../content.js';

/** The HTML side's words: the same answer whether or not the address has an account. */
const CHECK_YOUR_MAIL = 'If that address can be used, we have sent it an e-mail. Follow the link in it to continue.';

const tags = ['Auth'];

/** Sign-up, sign-in with bearer tokens, refresh, sign-out and password reset for the apps. */
export function registerAuthRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, config } = deps;
  const ipOf = (c: Context<ApiEnv>) => clientIp(c, config.TRUST_PROXY);
  // The same named limits as the HTML auth routes (src/web/routes/auth.ts), so a client cannot
  // double its budget by switching between the page and the API. All fail closed (503).
  const limiter = (name: string, limit: number, windowSeconds = 900) =>
    rateLimit(createRateLimiter(deps.store, { name, limit, windowSeconds, secret: config.APP_SECRET }), byClientIp(config.TRUST_PROXY)) as unknown as MiddlewareHandler<ApiEnv>;
  const authBudget = limiter('auth', config.RATE_LIMIT_MAX, config.RATE_LIMIT_WINDOW_SECONDS);
  const throttle = createLoginThrottle(deps.store, { secret: config.APP_SECRET });
  const notices = noticesFor(deps);
  /** Work only addresses with an account cause runs after the answer, so timing tells nothing. */
  const afterResponse = (c: Context<ApiEnv>, work: () => Promise<void>) => {
    setImmediate(() => work().catch((error: unknown) => c.get('log').error({ err: error }, 'background account work failed')));
  };
  const session = async (c: Context<ApiEnv>, user: User) => {
    const tokens = await issueTokens(db, user, { userAgent: c.req.header('User-Agent') ?? '', ip: ipOf(c) });
    return { ...tokens, tokenType: 'Bearer' as const, user: userJson(user) };
  };

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/register',
      tags,
      summary: 'Create an account',
      description:
        'Sends a link to confirm the address and answers 202 the same way whether or not the address already has an account (its owner is e-mailed instead), so the answer reveals nothing. Sign in with POST /auth/login afterwards.',
      operationId: 'register',
      middleware: [authBudget, limiter('register', 20)] as const,
      request: { body: jsonBody(RegisterInput) },
      responses: { 202: { description: 'Accepted: check your e-mail', content: { 'application/json': { schema: MessageSchema } } }, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
    }),
    async (c) => {
      const { email, password, firstName, lastName } = c.req.valid('json');
      const weak = checkPasswordPolicy(password, { email, firstName, lastName });
      if (weak) throw unprocessable(weak, [{ field: 'body.password', message: weak }], 'weak-password');
      try {
        await registerAccount(db, notices, { email, password, firstName, lastName }, ipOf(c));
      } catch (error) {
        if (!(error instanceof EmailTakenError)) throw error;
        afterResponse(c, () => remindExistingAccount(db, notices, email));
      }
      return c.json({ message: CHECK_YOUR_MAIL }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Sign in for a token pair',
      description:
        'With two-step verification on, a request without `code` is refused with 401 of type mfa-required; send the password again with the code. Failures (a wrong code too) count against the same lock as the sign-in page.',
      operationId: 'login',
      middleware: [authBudget] as const,
      request: { body: jsonBody(LoginInput) },
      responses: { 200: { description: 'Signed in', content: { 'application/json': { schema: SessionSchema } } }, ...problemResponses(400, 401, 413, 415, 429, 503) },
    }),
    async (c) => {
      const { email, password, code } = c.req.valid('json');
      const user = await checkSignInPassword(db, throttle, email, password, ipOf(c));
      if (!user) throw new ApiProblem(401, 'invalid-credentials', 'Sign-in failed', 'That e-mail address and password do not match an account.');
      if (hasMfa(user)) {
        if (code === undefined) throw new ApiProblem(401, 'mfa-required', 'A second factor is required', 'This account uses two-step verification: send the password again with "code".');
        if (!(await checkSignInCode(db, throttle, user, code, ipOf(c), config.APP_SECRET))) {
          throw new ApiProblem(401, 'invalid-code', 'Sign-in failed', 'That code is not right, or it was used already.');
        }
      }
      await recordSignIn(db, throttle, user, ipOf(c));
      return c.json(await session(c, user), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/refresh',
      tags,
      summary: 'Trade a refresh token for a new pair',
      description: 'Each refresh token works once. Sending one that was used already (type token-reused) ends its whole family: every token from that sign-in stops working.',
      operationId: 'refreshTokens',
      // Not under the sign-in pages' budget: a refresh token cannot be guessed, and every app
      // behind one carrier NAT address refreshing each 15 minutes would soon spend it. The
      // API's own per-IP quota still applies.
      request: { body: jsonBody(RefreshInput) },
      responses: { 200: { description: 'A new pair', content: { 'application/json': { schema: SessionSchema } } }, ...problemResponses(400, 401, 413, 415, 429, 503) },
    }),
    async (c) => {
      const outcome = await rotateRefreshToken(db, c.req.valid('json').refreshToken);
      if (outcome.ok) return c.json({ ...outcome.tokens, tokenType: 'Bearer' as const, user: userJson(outcome.user) }, 200);
      if (outcome.reason === 'reused') {
        throw new ApiProblem(401, 'token-reused', 'Refresh token already used', 'This refresh token was used before, so every token of this sign-in has been revoked. Sign in again.');
      }
      throw new ApiProblem(401, 'invalid-token', 'Refresh token not valid', 'This refresh token is unknown, expired or revoked. Sign in again.');
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags,
      summary: 'Sign out',
      description: 'Ends the token family of the access token sent: it and its refresh token stop working.',
      operationId: 'logout',
      security: userSecurity,
      middleware: [requireUser()] as const,
      responses: { 204: { description: 'Signed out' }, ...problemResponses(401, 403, 429, 503) },
    }),
    async (c) => {
      const user = c.get('apiUser') as User;
      await revokeFamily(db, c.get('apiFamilyId') as number, 'signed out');
      await recordAudit(db, { action: 'logout', actorUserId: user.id, ip: ipOf(c) });
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/forgot-password',
      tags,
      summary: 'Ask for a password reset link',
      description: 'Answers 202 the same way whether or not the address has an account.',
      operationId: 'forgotPassword',
      middleware: [authBudget, limiter('forgot-password', 20)] as const,
      request: { body: jsonBody(ForgotPasswordInput) },
      responses: { 202: { description: 'Accepted: check your e-mail', content: { 'application/json': { schema: MessageSchema } } }, ...problemResponses(400, 401, 413, 415, 429, 503) },
    }),
    (c) => {
      const { email } = c.req.valid('json');
      const ip = ipOf(c);
      afterResponse(c, () => requestPasswordReset(db, notices, email, ip));
      return c.json({ message: CHECK_YOUR_MAIL }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/reset-password',
      tags,
      summary: 'Set a new password with a reset link',
      description: 'Signs the account out everywhere (browsers and API tokens). Two-step verification still applies at the next sign-in.',
      operationId: 'resetPassword',
      middleware: [authBudget, limiter('reset-password', 30)] as const,
      request: { body: jsonBody(ResetPasswordInput) },
      responses: { 204: { description: 'The password is changed' }, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      try {
        await resetPassword(db, deps.sessions, token, password, ipOf(c));
      } catch (error) {
        if (error instanceof WeakPasswordError) throw unprocessable(error.message, [{ field: 'body.password', message: error.message }], 'weak-password');
        if (error instanceof ResetLinkError) throw unprocessable(error.message, [{ field: 'body.token', message: error.message }], 'invalid-token');
        throw error;
      }
      return c.body(null, 204);
    },
  );
}
