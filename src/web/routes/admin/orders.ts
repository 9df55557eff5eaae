import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { decideReturn } from '../../../orders/returns.js';
import { idParam } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { redirectTo } from '../../render.js';

export function adminOrderRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  /** Staff approve or reject a return request; the orders screens are being built. */
  app.post('/admin/returns/:id/decision', async (c) => {
    const id = idParam(c);
    const decision = (await readForm(c)).decision;
    if (decision !== 'approved' && decision !== 'rejected') throw new HTTPException(422, { message: 'Choose approved or rejected.' });
    if (!(await decideReturn(deps.db, id, decision, c.get('user')!.id))) throw new NotFoundError();
    return redirectTo(c, '/admin');
  });
  return app;
}
