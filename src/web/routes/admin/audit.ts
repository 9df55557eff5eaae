import { Hono } from 'hono';
import { AuditPage, AuditResults } from '../../../../views/admin/audit.js';
import { listAuditEntries, orderNumbersFor, parseAuditFilter } from '../../../accounts/audit-log.js';
import { adminLayoutFor, pageParams } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { renderPage } from '../../render.js';

/** A keyset position from the query: a positive id, or nothing (a bad one starts from the newest). */
const position = (raw: string | undefined) => (raw && /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined);

/** The audit log, read-only: there is no route that changes it (the table refuses it too). */
export function adminAuditRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.get('/admin/audit', async (c) => {
    const { filter, errors } = parseAuditFilter(c.req.query());
    const { perPage } = pageParams(c, 50);
    const page = { before: position(c.req.query('before')), after: position(c.req.query('after')), limit: perPage };
    const [layout, result] = await Promise.all([adminLayoutFor(deps, c), listAuditEntries(deps.db, filter, page)]);
    const orderNumbers = await orderNumbersFor(deps.db, result.entries);
    const props = { layout, filter, errors, result, orderNumbers };
    return renderPage(c, { page: () => AuditPage(props), fragment: () => AuditResults(props) });
  });
  return app;
}
