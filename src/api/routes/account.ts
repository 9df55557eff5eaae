import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { changePassword } from '../../accounts/password-change.js';
import { updateProfile, WeakPasswordError } from '../../accounts/users.js';
import type { User } from '../../db/schema-accounts.js';
import type { AppDeps, AppEnv } from '../../web/context.js';
import { checkOwnPassword } from '../../web/password-check.js';
import { clientIp } from '../../web/rate-limit.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { problemResponses, unprocessable } from '../problem.js';
import { PasswordChangeInput, ProfileInput, UserSchema, userJson } from '../schemas/account.js';
import { registerAddressRoutes } from './addresses.js';
import { jsonBody } from '../content.js';

const userAnswer = (description: string) => ({ description, content: { 'application/json': { schema: UserSchema } } });
const tags = ['Account'];

/** The signed-in user's own account: profile, password, and (addresses.ts) the address book. */
export function registerAccountRoutes(api: ApiApp, deps: AppDeps): void {
  const { db, config } = deps;
  const me = (c: Context<ApiEnv>) => c.get('apiUser') as User;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/account',
      tags,
      summary: 'The signed-in user',
      operationId: 'getAccount',
      security: userSecurity,
      middleware: [requireUser()] as const,
      responses: { 200: userAnswer('The user'), ...problemResponses(401, 403, 429, 503) },
    }),
    (c) => c.json(userJson(me(c)), 200),
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/account',
      tags,
      summary: 'Change your name or cart reminders',
      description: 'Only the fields sent change. The e-mail address changes only on the account page, which confirms the new address by e-mail.',
      operationId: 'updateAccount',
      security: userSecurity,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(ProfileInput) },
      responses: { 200: userAnswer('The user as saved'), ...problemResponses(400, 401, 403, 413, 415, 429, 503) },
    }),
    async (c) => c.json(userJson(await updateProfile(db, me(c).id, c.req.valid('json'))), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/account/password',
      tags,
      summary: 'Change your password',
      description:
        'Signs the account out everywhere, this app too: every browser session and every token pair, the one that made this request included. Sign in again with the new password. Wrong current passwords count against the sign-in lock (429).',
      operationId: 'changePassword',
      security: userSecurity,
      middleware: [requireUser()] as const,
      request: { body: jsonBody(PasswordChangeInput) },
      responses: { 204: { description: 'Changed; sign in again' }, ...problemResponses(400, 401, 403, 413, 415, 422, 429, 503) },
    }),
    async (c) => {
      const user = me(c);
      const { currentPassword, newPassword } = c.req.valid('json');
      // The sign-in lock guards this too, so a stolen access token cannot be used to guess the password.
      if (!(await checkOwnPassword(deps, c as unknown as Context<AppEnv>, user, currentPassword))) {
        throw unprocessable('That is not your current password.', [{ field: 'body.currentPassword', message: 'That is not your current password.' }], 'wrong-password');
      }
      try {
        await changePassword(db, deps.sessions, user, newPassword, clientIp(c, config.TRUST_PROXY));
      } catch (error) {
        if (error instanceof WeakPasswordError) throw unprocessable(error.message, [{ field: 'body.newPassword', message: error.message }], 'weak-password');
        throw error;
      }
      return c.body(null, 204);
    },
  );

  registerAddressRoutes(api, deps);
}
