import { Hono, type Context } from 'hono';
import { isUnsubscribeToken } from '../../cart/abandoned-carts.js';
import { MessagePage } from '../../../views/account/auth.js';
import { UnsubscribePage } from '../../../views/account/unsubscribe.js';
import type { AppDeps, AppEnv } from '../context.js';
import { layoutFor } from '../layout.js';
import { renderPage } from '../render.js';

/**
 * The link in every cart reminder. A GET only shows the button (mail scanners follow links);
 * the POST turns reminders off. The signed token names the user, so no sign-in is needed.
 */
export function unsubscribeRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const signed = (c: Context<AppEnv>) => {
    const user = Number(c.req.query('user'));
    const token = c.req.query('token') ?? '';
    return Number.isSafeInteger(user) && user > 0 && isUnsubscribeToken(user, token, deps.config.APP_SECRET) ? { user, token } : undefined;
  };
  const invalid = async (c: Context<AppEnv>) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => MessagePage({ layout, title: 'This link does not work', message: 'It may have been copied incompletely. Open it again from the e-mail.' }) }, 400);
  };

  app.get('/unsubscribe/cart-reminders', async (c) => {
    c.set('pageCaching', 'no-store');
    const link = signed(c);
    if (!link) return invalid(c);
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => UnsubscribePage({ layout, action: `/unsubscribe/cart-reminders?user=${link.user}&token=${encodeURIComponent(link.token)}` }) });
  });

  app.post('/unsubscribe/cart-reminders', async (c) => {
    c.set('pageCaching', 'no-store');
    const link = signed(c);
    if (!link) return invalid(c);
    await deps.db.updateTable('users').set({ cart_reminders: false }).where('id', '=', link.user).execute();
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => MessagePage({ layout, title: 'Reminders are off', message: 'We will not e-mail you about carts you leave again.' }) });
  });
  return app;
}
