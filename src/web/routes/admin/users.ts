import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { UserDetailPage } from '../../../../views/admin/user-detail.js';
import { UserResults, UsersPage } from '../../../../views/admin/users.js';
import { findUserForStaff, listUsersForStaff, readUserFilters } from '../../../accounts/customer-admin.js';
import { CannotChangeOwnAccountError, changeUserAccess } from '../../../accounts/user-admin.js';
import { adminLayoutFor, flash, idParam, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { redirectTo, renderPage } from '../../render.js';

const userStatusForm = z
  .object({ status: z.enum(['active', 'inactive']).optional(), role: z.enum(['customer', 'admin']).optional() })
  .refine((form) => form.status !== undefined || form.role !== undefined);

/** Customers in the back office: the list, one account, and its status and role. */
export function adminUserRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  async function userPage(c: Context<AppEnv>, userId: number, status: 200 | 409 | 422 = 200, error?: string) {
    const [layout, detail] = await Promise.all([adminLayoutFor(deps, c), findUserForStaff(deps.db, deps.sessions, userId)]);
    if (!detail) throw new NotFoundError();
    const isSelf = c.get('user')?.id === userId;
    return renderPage(c, { page: () => UserDetailPage({ layout, detail, isSelf, ...(error ? { error } : {}) }) }, status);
  }

  app.get('/admin/users', async (c) => {
    const { page, perPage, offset } = pageParams(c);
    const { values, applied, errors } = readUserFilters(c.req.query());
    const [layout, { rows, total }] = await Promise.all([adminLayoutFor(deps, c), listUsersForStaff(deps.db, { ...applied, perPage, offset })]);
    const props = { layout, filters: values, errors, rows, total, page, pageCount: Math.max(1, Math.ceil(total / perPage)) };
    return renderPage(c, { page: () => UsersPage(props), fragment: () => UserResults(props) }, Object.keys(errors).length ? 422 : 200);
  });

  app.get('/admin/users/:id', async (c) => userPage(c, idParam(c)));

  /** Staff set a user's status and/or role (CONTRACT.md), then see the account again. */
  app.post('/admin/users/:id/status', async (c) => {
    const userId = idParam(c);
    const parsed = userStatusForm.safeParse(await readForm(c));
    if (!parsed.success) return userPage(c, userId, 422, 'Nothing was changed: choose a status (active or inactive) and/or a role (customer or admin).');
    const { status, role } = parsed.data;
    try {
      const found = await changeUserAccess(deps.db, deps.sessions, { ...staffActor(deps, c), userId, ...(role ? { role } : {}), ...(status ? { active: status === 'active' } : {}) });
      if (!found) throw new NotFoundError();
    } catch (error) {
      if (error instanceof CannotChangeOwnAccountError) return userPage(c, userId, 409, error.message);
      throw error;
    }
    await flash(deps, c, status === 'inactive' ? 'Account deactivated; its sessions have ended.' : status === 'active' ? 'Account reactivated.' : 'Role saved; their sessions have ended.');
    return redirectTo(c, `/admin/users/${userId}`);
  });
  return app;
}
