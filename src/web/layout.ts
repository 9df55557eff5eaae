import type { Context } from 'hono';
import type { DocumentAssets } from '../../views/layouts/document.js';
import type { LayoutProps } from '../../views/layouts/shop.js';
import { cartCountFor } from './cart-session.js';
import { isFragmentRequest } from './htmx.js';
import type { AppDeps, AppEnv } from './context.js';

/** What every shop page's frame needs: assets, the category menu, the search text, the cart badge. */
export async function layoutFor(deps: AppDeps, c: Context<AppEnv>, options: { withoutDatabase?: boolean; cartCount?: number } = {}): Promise<LayoutProps> {
  const [tree, cartCount] = options.withoutDatabase
    ? [undefined, 0]
    : await Promise.all([deps.catalog.categoryTree(), options.cartCount ?? cartCountFor(deps, c)]);
  const user = c.get('user');
  const notice = await takeSessionNotice(deps, c);
  return {
    storeName: deps.config.STORE_NAME,
    assets: documentAssets(deps),
    categories: tree?.roots ?? [],
    searchQuery: c.req.query('q')?.slice(0, 200) ?? '',
    cartCount,
    currency: deps.config.CURRENCY,
    appUrl: deps.config.APP_URL,
    ...(user ? { account: { firstName: user.first_name, isAdmin: user.role === 'admin' } } : {}),
    ...(notice ? { notice } : {}),
  };
}

/** The fingerprinted URLs of the stylesheet, scripts and icon every page links to. */
export function documentAssets(deps: Pick<AppDeps, 'assets'>): DocumentAssets {
  return {
    css: deps.assets.url('app.css'),
    htmx: deps.assets.url('htmx.js'),
    app: deps.assets.url('app.js'),
    favicon: deps.assets.url('favicon.svg'),
  };
}

/** A one-time message kept on the session (after a cart merge), removed once shown. */
export async function takeSessionNotice(deps: AppDeps, c: Context<AppEnv>): Promise<string | undefined> {
  const session = c.get('session');
  if (!session?.notice || isFragmentRequest(c)) return undefined;
  const { notice, ...rest } = session;
  await deps.sessions.update(rest);
  c.set('session', rest);
  return notice;
}
