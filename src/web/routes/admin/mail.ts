import { Hono } from 'hono';
import { MailPage, MailResults } from '../../../../views/admin/mail.js';
import { countMail, listMail, parseMailFilter, retryMail } from '../../../mail/outbox-admin.js';
import { adminLayoutFor, flash, idParam, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { redirectTo, renderPage } from '../../render.js';

/** The mail outbox in the back office: what failed or waits to be retried, and "send again". */
export function adminMailRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/admin/mail', async (c) => {
    const filter = parseMailFilter(c.req.query());
    const { page, perPage, offset } = pageParams(c, 25);
    const [layout, counts, { rows, total }] = await Promise.all([adminLayoutFor(deps, c), countMail(deps.db), listMail(deps.db, filter, { offset, limit: perPage })]);
    const props = { layout, filter, counts, rows, total, page, pageCount: Math.max(1, Math.ceil(total / perPage)) };
    return renderPage(c, { page: () => MailPage(props), fragment: () => MailResults(props) });
  });

  app.post('/admin/mail/:id/retry', async (c) => {
    const id = idParam(c);
    const outcome = await retryMail(deps.db, id, staffActor(deps, c));
    if (!outcome) throw new NotFoundError();
    await flash(deps, c, outcome === 'retried' ? `Message #${id} will be sent again in a moment.` : `Message #${id} had not failed, so nothing was changed.`);
    return redirectTo(c, '/admin/mail');
  });
  return app;
}
