import { Hono } from 'hono';
import { AdminHomePage } from '../../../views/admin/admin-home.js';
import type { AppDeps, AppEnv } from '../context.js';
import { layoutFor } from '../layout.js';
import { redirectTo, renderPage } from '../render.js';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { CannotChangeOwnAccountError, changeUserRole, setUserActive } from '../../accounts/user-admin.js';
import { NotFoundError } from '../errors.js';
import { decideReturn } from '../../orders/returns.js';
import { readForm } from '../forms.js';
import { clientIp } from '../rate-limit.js';
import { requireAdmin } from '../session.js';

/** The back office. Its one role check is here, for every path below /admin. */
export function adminRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('/admin', requireAdmin());
  app.use('/admin/*', requireAdmin());

  app.get('/admin', async (c) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => AdminHomePage({ layout, adminName: c.get('user')?.first_name ?? '' }) });
  });
  /** Staff decide a user's status and role here; the list screen comes with the back office (issue 7). */
  app.post('/admin/users/:id/status', async (c) => {
    const userId = Number(c.req.param('id'));
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new NotFoundError();
    const parsed = userStatusForm.safeParse(await readForm(c));
    if (!parsed.success) throw new HTTPException(422, { message: 'Choose a status (active or inactive) and/or a role (customer or admin).' });
    const change = { actorId: c.get('user')?.id ?? null, userId, ip: clientIp(c, deps.config.TRUST_PROXY) };
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
  /** Staff approve or reject a return request (the returns screen comes with the back office, issue 7). */
  app.post('/admin/returns/:id/decision', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
    const decision = (await readForm(c)).decision;
    if (decision !== 'approved' && decision !== 'rejected') throw new HTTPException(422, { message: 'Choose approved or rejected.' });
    if (!(await decideReturn(deps.db, id, decision, c.get('user')!.id))) throw new NotFoundError();
    return redirectTo(c, '/admin');
  });
  return app;
}

const userStatusForm = z
  .object({ status: z.enum(['active', 'inactive']).optional(), role: z.enum(['customer', 'admin']).optional() })
  .refine((form) => form.status !== undefined || form.role !== undefined);
