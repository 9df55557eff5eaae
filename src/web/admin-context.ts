import type { Context } from 'hono';
import type { AdminLayoutProps } from '../../views/layouts/admin.js';
import type { AppDeps, AppEnv } from './context.js';
import { NotFoundError } from './errors.js';
import { documentAssets, takeSessionNotice } from './layout.js';
import { clientIp } from './rate-limit.js';

/** What every back-office screen's frame needs; no catalog or cart lookups. */
export async function adminLayoutFor(deps: AppDeps, c: Context<AppEnv>): Promise<AdminLayoutProps> {
  const notice = await takeSessionNotice(deps, c);
  return {
    storeName: deps.config.STORE_NAME,
    assets: documentAssets(deps),
    adminName: c.get('user')?.first_name ?? '',
    currency: deps.config.CURRENCY,
    ...(notice ? { notice } : {}),
  };
}

/**
 * Keeps a one-time message for the next page this admin sees ("Product saved."), so an action
 * can answer 303 (post/redirect/get) and still say what it did.
 */
export async function flash(deps: AppDeps, c: Context<AppEnv>, message: string): Promise<void> {
  const session = c.get('session');
  if (!session) return;
  const next = { ...session, notice: message };
  await deps.sessions.update(next);
  c.set('session', next);
}

/** Who is acting and from where, for domain commands that audit what staff do. */
export interface StaffActor {
  actorId: number;
  ip: string | null;
}

export function staffActor(deps: AppDeps, c: Context<AppEnv>): StaffActor {
  const user = c.get('user');
  if (!user) throw new Error('staffActor outside the admin sub-app');
  return { actorId: user.id, ip: clientIp(c, deps.config.TRUST_PROXY) };
}

/** A positive integer id from the path; anything else is a 404 (never a 500 or a database error). */
export function idParam(c: Context<AppEnv>, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  const id = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw new NotFoundError();
  return id;
}

/** `page` and `per_page` from a list screen's query: bad or missing values fall back, never fail. */
export function pageParams(c: Context<AppEnv>, defaultPerPage = 25): { page: number; perPage: number; offset: number } {
  const page = clampInt(c.req.query('page'), 1, 10_000, 1);
  const perPage = clampInt(c.req.query('per_page'), 1, 100, defaultPerPage);
  return { page, perPage, offset: (page - 1) * perPage };
}

function clampInt(raw: string | undefined, min: number, max: number, fallback: number): number {
  const value = raw && /^\d{1,6}$/.test(raw) ? Number(raw) : fallback;
  return Math.min(max, Math.max(min, value));
}
