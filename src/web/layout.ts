import type { Context } from 'hono';
import type { LayoutProps } from '../../views/layouts/shop.js';
import type { AppDeps, AppEnv } from './context.js';

/** What every shop page's frame needs: assets, the category menu, the search text. */
export async function layoutFor(deps: AppDeps, c: Context<AppEnv>, options: { withoutDatabase?: boolean } = {}): Promise<LayoutProps> {
  const tree = options.withoutDatabase ? undefined : await deps.catalog.categoryTree();
  const user = c.get('user');
  return {
    storeName: deps.config.STORE_NAME,
    assets: {
      css: deps.assets.url('app.css'),
      htmx: deps.assets.url('htmx.js'),
      alpine: deps.assets.url('alpine.js'),
      app: deps.assets.url('app.js'),
      favicon: deps.assets.url('favicon.svg'),
    },
    categories: tree?.roots ?? [],
    searchQuery: c.req.query('q')?.slice(0, 200) ?? '',
    cartCount: 0,
    currency: deps.config.CURRENCY,
    appUrl: deps.config.APP_URL,
    ...(user ? { account: { firstName: user.first_name, isAdmin: user.role === 'admin' } } : {}),
  };
}
