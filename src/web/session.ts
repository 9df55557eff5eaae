import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { CookieOptions } from 'hono/utils/cookie';
import { SESSION_POLICY, type Session } from '../accounts/sessions.js';
import { generateToken, hashToken } from '../accounts/tokens.js';
import { findUserById } from '../accounts/users.js';
import type { User } from '../db/schema-accounts.js';
import type { AppDeps, AppEnv } from './context.js';
import { clientIp } from './rate-limit.js';
import { redirectTo } from './render.js';

/**
 * The session cookie. `__Host-` (Secure, no Domain, Path=/) wherever the store is served over
 * HTTPS; a plain name over http://, where browsers would drop a `__Host-` cookie.
 */
export function sessionCookie(deps: Pick<AppDeps, 'config'>): { name: string; options: CookieOptions } {
  const secure = deps.config.isProduction || deps.config.APP_URL.startsWith('https:');
  return {
    name: secure ? '__Host-session' : 'session',
    options: { path: '/', httpOnly: true, secure, sameSite: 'Lax' },
  };
}

/** Reads the session cookie, if any, into `user` and `session`; a dead cookie is cleared. */
export function sessionMiddleware(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const cookie = sessionCookie(deps);
  return async (c, next) => {
    const token = getCookie(c, cookie.name);
    if (token) {
      let user: User | undefined;
      const loadUser = async (userId: number) => (user ??= await findUserById(deps.db, userId));
      const session = await deps.sessions.validate(token, async (userId) => {
        const found = await loadUser(userId);
        return found?.active ? found.role : undefined;
      });
      if (session && session.userId !== null) await loadUser(session.userId);
      if (session && (session.userId === null || user?.active)) {
        // A guest's session only holds a cart; either way the page is now this visitor's own.
        c.set('session', session);
        c.set('user', session.userId === null ? undefined : user);
        c.set('pageCaching', 'private');
      } else {
        if (session) await deps.sessions.invalidate(session);
        deleteCookie(c, cookie.name, cookie.options);
      }
    }
    await next();
  };
}

/** Signs the user in with a new token (never reusing one from before sign-in), ending the old session. */
export async function startSession(deps: AppDeps, c: Context<AppEnv>, user: User): Promise<void> {
  const previous = c.get('session');
  if (previous) await deps.sessions.invalidate(previous);
  const meta = { userAgent: c.req.header('User-Agent') ?? '', ip: clientIp(c, deps.config.TRUST_PROXY) };
  const { token, session } = await deps.sessions.create(user.id, user.role, meta);
  setSessionCookie(deps, c, token, SESSION_POLICY[user.role].absoluteSeconds);
  c.set('session', session);
  c.set('user', user);
}

function setSessionCookie(deps: AppDeps, c: Context<AppEnv>, token: string, maxAge: number): void {
  const cookie = sessionCookie(deps);
  setCookie(c, cookie.name, token, { ...cookie.options, maxAge });
}

/** The visitor's session, starting a guest one when there is none: only when something needs it (a cart). */
export async function ensureSession(deps: AppDeps, c: Context<AppEnv>, extra: { cartId?: number } = {}): Promise<Session> {
  const existing = c.get('session');
  if (existing) return existing;
  const meta = { userAgent: c.req.header('User-Agent') ?? '', ip: clientIp(c, deps.config.TRUST_PROXY) };
  const { token, session } = await deps.sessions.create(null, 'customer', meta, extra);
  setSessionCookie(deps, c, token, SESSION_POLICY.customer.absoluteSeconds);
  c.set('session', session);
  c.set('pageCaching', 'private');
  return session;
}

export async function endSession(deps: AppDeps, c: Context<AppEnv>): Promise<void> {
  const session = c.get('session');
  if (session) await deps.sessions.invalidate(session);
  const cookie = sessionCookie(deps);
  deleteCookie(c, cookie.name, cookie.options);
  c.set('session', undefined);
  c.set('user', undefined);
}

/** To the sign-in page and back; an htmx request is told to navigate rather than swap the login form into a fragment. */
function toLogin(c: Context<AppEnv>): Response {
  const back = new URL(c.req.url);
  return redirectTo(c, `/login?next=${encodeURIComponent(back.pathname + back.search)}`);
}

/** Account screens: visitors are sent to sign in and come back; nothing here is cached. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('pageCaching', 'no-store');
    if (!c.get('user')) return toLogin(c);
    await next();
  };
}

/** The back office: visitors sign in first; signed-in customers get a plain 403 with no admin HTML. */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('pageCaching', 'no-store');
    const user = c.get('user');
    if (!user) return toLogin(c);
    if (user.role !== 'admin') throw new HTTPException(403, { message: 'This part of the store is for staff only.' });
    // Staff must use a second factor; until it is set up the back office stays shut.
    if (!user.totp_key_encrypted) return redirectTo(c, '/account/security/mfa?required=1');
    await next();
  };
}

/**
 * Between a correct password and the second factor: a short-lived, single-purpose token (not
 * a session) that only the code step of /login accepts.
 */
const PENDING_LOGIN_SECONDS = 300;

function pendingCookie(deps: Pick<AppDeps, 'config'>) {
  const { options } = sessionCookie(deps);
  return { name: options.secure ? '__Secure-login-pending' : 'login-pending', options: { ...options, path: '/login' } };
}

export async function startPendingLogin(deps: AppDeps, c: Context<AppEnv>, user: User): Promise<void> {
  const token = generateToken();
  await deps.store.set(`login-pending:${hashToken(token)}`, String(user.id), PENDING_LOGIN_SECONDS);
  const cookie = pendingCookie(deps);
  setCookie(c, cookie.name, token, { ...cookie.options, maxAge: PENDING_LOGIN_SECONDS });
}

/** The user waiting for their second factor, if this browser has a live pending sign-in. */
export async function pendingLoginUser(deps: AppDeps, c: Context<AppEnv>): Promise<User | undefined> {
  const token = getCookie(c, pendingCookie(deps).name);
  if (!token || !/^[a-z2-7]{32,64}$/.test(token)) return undefined;
  const userId = await deps.store.get(`login-pending:${hashToken(token)}`);
  const user = userId ? await findUserById(deps.db, Number(userId)) : undefined;
  return user?.active ? user : undefined;
}

export async function endPendingLogin(deps: AppDeps, c: Context<AppEnv>): Promise<void> {
  const cookie = pendingCookie(deps);
  const token = getCookie(c, cookie.name);
  if (token && /^[a-z2-7]{32,64}$/.test(token)) await deps.store.delete(`login-pending:${hashToken(token)}`);
  deleteCookie(c, cookie.name, cookie.options);
}
