import type { Context } from 'hono';
import { Hono } from 'hono';
import { ApiKeysPage, type ApiKeysPageProps } from '../../../../views/admin/api-keys.js';
import { apiKeyForm, createApiKeyAsStaff, listApiKeysForStaff, revokeApiKeyAsStaff } from '../../../accounts/api-key-admin.js';
import { adminLayoutFor, flash, idParam, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { fieldErrors, readForm } from '../../forms.js';
import { redirectTo, renderPage } from '../../render.js';

/** Integration keys for the JSON API (read-only catalog access), made and revoked by staff. */
export function adminApiKeyRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  const render = async (c: Context<AppEnv>, props: Omit<ApiKeysPageProps, 'layout' | 'keys'>, status: 200 | 422 = 200) => {
    const [layout, keys] = await Promise.all([adminLayoutFor(deps, c), listApiKeysForStaff(deps.db)]);
    return renderPage(c, { page: () => ApiKeysPage({ layout, keys, ...props }) }, status);
  };

  app.get('/admin/api-keys', (c) => render(c, { values: {}, errors: {} }));

  /**
   * The new key is shown on this answer itself, not after a redirect: a redirect would have to
   * keep the key somewhere (the session) until the next page, and it must live nowhere.
   */
  app.post('/admin/api-keys', async (c) => {
    const form = await readForm(c);
    const parsed = apiKeyForm.safeParse({ name: form.name });
    const values = { name: typeof form.name === 'string' ? form.name.slice(0, 200) : '' };
    if (!parsed.success) return render(c, { values, errors: fieldErrors(parsed.error) }, 422);
    const { key } = await createApiKeyAsStaff(deps.db, parsed.data.name, staffActor(deps, c));
    c.header('Cache-Control', 'no-store');
    return render(c, { values: {}, errors: {}, created: { key, name: parsed.data.name } });
  });

  app.post('/admin/api-keys/:id/revoke', async (c) => {
    const outcome = await revokeApiKeyAsStaff(deps.db, idParam(c), staffActor(deps, c));
    if (outcome === 'not_found') throw new NotFoundError();
    await flash(deps, c, outcome === 'revoked' ? 'The key is revoked; requests with it are refused from now on.' : 'That key was already revoked.');
    return redirectTo(c, '/admin/api-keys');
  });
  return app;
}
