import { Hono, type Context } from 'hono';
import { deleteAccountForm } from '../../accounts/account-forms.js';
import { checkOwnPassword } from '../password-check.js';
import { deleteAccount, exportAccountData } from '../../accounts/privacy.js';
import type { User } from '../../db/schema-accounts.js';
import { AccountDeletedPage, DeleteAccountPage, PrivacyPage, type DeleteAccountPageProps } from '../../../views/account/privacy.js';
import type { AppDeps, AppEnv } from '../context.js';
import { fieldErrors, readForm } from '../forms.js';
import { layoutFor } from '../layout.js';
import { renderPage } from '../render.js';
import { endSession, requireUser } from '../session.js';

/** Staff accounts hold the back office's keys; one must not vanish from a customer screen (the last admin least of all). */
const STAFF_CANNOT_DELETE = 'A staff account cannot be deleted here. Ask another administrator to close it.';

/** The user's own data: download it all, or delete the account. */
export function privacyRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;
  // accountRoutes guards /account/* already when mounted first; this keeps the guard if the mounts are ever reordered.
  for (const path of ['/account/privacy', '/account/export', '/account/delete']) app.use(path, requireUser());
  const me = (c: Context<AppEnv>) => c.get('user') as User;

  const deletePage = async (c: Context<AppEnv>, props: Omit<DeleteAccountPageProps, 'layout'> = {}, status: 200 | 409 | 422 = 200) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => DeleteAccountPage({ layout, ...props }) }, status);
  };

  app.get('/account/privacy', async (c) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => PrivacyPage({ layout }) });
  });

  app.get('/account/export', async (c) => {
    const user = me(c);
    const data = await exportAccountData(db, user, await deps.sessions.listForUser(user.id));
    const day = data.exported_at.slice(0, 10);
    return c.body(JSON.stringify(data, null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="account-data-${day}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  app.get('/account/delete', (c) => deletePage(c, me(c).role === 'admin' ? { formError: STAFF_CANNOT_DELETE } : {}));
  app.post('/account/delete', async (c) => {
    const user = me(c);
    if (user.role === 'admin') return deletePage(c, { formError: STAFF_CANNOT_DELETE }, 409);
    const parsed = deleteAccountForm.safeParse(await readForm(c));
    if (!parsed.success) return deletePage(c, { errors: fieldErrors(parsed.error) }, 422);
    if (!(await checkOwnPassword(deps, c, user, parsed.data.current_password))) {
      return deletePage(c, { errors: { current_password: 'That is not your current password.' } }, 422);
    }
    await deleteAccount(db, user.id);
    // The sessions go too; any left behind would be refused anyway, as their user no longer exists.
    await deps.sessions.invalidateAllForUser(user.id);
    await endSession(deps, c);
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => AccountDeletedPage({ layout }) });
  });

  return app;
}
