import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { CannotChangeOwnAccountError, changeUserRole, setUserActive } from '../../../accounts/user-admin.js';
import { idParam, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { redirectTo } from '../../render.js';

const userStatusForm = z
  .object({ status: z.enum(['active', 'inactive']).optional(), role: z.enum(['customer', 'admin']).optional() })
  .refine((form) => form.status !== undefined || form.role !== undefined);

export function adminUserRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  /** Staff set a user's status and/or role; the customers screen is being built. */
  app.post('/admin/users/:id/status', async (c) => {
    const userId = idParam(c);
    const parsed = userStatusForm.safeParse(await readForm(c));
    if (!parsed.success) throw new HTTPException(422, { message: 'Choose a status (active or inactive) and/or a role (customer or admin).' });
    const change = { ...staffActor(deps, c), userId };
    try {
      const { status, role } = parsed.data;
      const found = await (role === undefined ? Promise.resolve(true) : changeUserRole(deps.db, deps.sessions, { ...change, role }));
      const changed = found && (status === undefined || (await setUserActive(deps.db, deps.sessions, { ...change, active: status === 'active' })));
      if (!changed) throw new NotFoundError();
    } catch (error) {
      if (error instanceof CannotChangeOwnAccountError) throw new HTTPException(409, { message: error.message });
      throw error;
    }
    return redirectTo(c, '/admin');
  });
  return app;
}
