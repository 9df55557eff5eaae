import { Hono } from 'hono';
import { DevMailboxPage, DevMessagePage } from '../../../views/dev/mailbox.js';
import type { AppDeps, AppEnv } from '../context.js';
import { NotFoundError } from '../errors.js';
import { layoutFor } from '../layout.js';
import { renderPage } from '../render.js';

/** The development mailbox: every message the store would have sent. Never mounted in production. */
export function devMailRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/dev/mail', async (c) => {
    c.set('pageCaching', 'no-store');
    const [layout, messages] = await Promise.all([
      layoutFor(deps, c),
      deps.db.selectFrom('dev_mail').select(['id', 'sent_at', 'to_address', 'subject']).orderBy('id', 'desc').limit(100).execute(),
    ]);
    return renderPage(c, { page: () => DevMailboxPage({ layout, messages }) });
  });
  app.get('/dev/mail/:id', async (c) => {
    c.set('pageCaching', 'no-store');
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id)) throw new NotFoundError();
    const message = await deps.db.selectFrom('dev_mail').selectAll().where('id', '=', id).executeTakeFirst();
    if (!message) throw new NotFoundError();
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => DevMessagePage({ layout, message }) });
  });
  return app;
}
