import type { Children } from '@kitajs/html';
import type { CategoryNode } from '../../src/catalog/categories.js';
import { SUGGESTIONS_ID } from '../catalog/suggestions.js';
import { Notice } from '../components/field.js';
import { CardAddToCartForm } from '../cart/cart.js';
import { BagIcon, SearchIcon } from '../components/icons.js';
import { Document, type DocumentAssets, type PageMeta } from './document.js';

export interface LayoutProps {
  storeName: string;
  assets: DocumentAssets;
  categories: CategoryNode[];
  searchQuery: string;
  cartCount: number;
  currency: string;
  /** The public origin, for absolute URLs (canonical links, structured data). */
  appUrl: string;
  /** A one-time message for this visitor (what happened to their cart at sign-in). */
  notice?: string;
  /** The signed-in visitor, if any: the header links to their account instead of "Sign in". */
  account?: { firstName: string; isAdmin: boolean };
}

export const CART_COUNT_ID = 'cart-count';
export const MAIN_ID = 'main';

export interface ShopPageProps {
  layout: LayoutProps;
  title: string;
  meta?: PageMeta;
  children: Children;
}

/** The storefront frame: header with menu, search and cart; main; footer. */
export function ShopLayout({ layout, title, meta, children }: ShopPageProps): JSX.Element {
  const fullTitle = title === layout.storeName ? title : `${title} · ${layout.storeName}`;
  return (
    <Document title={fullTitle} siteName={layout.storeName} meta={meta} assets={layout.assets}>
      <a href={`#${MAIN_ID}`} class="skip-link">
        Skip to content
      </a>
      <Header layout={layout} />
      {/* What a cart action did, read out by screen readers and shown briefly. */}
      <p id="cart-status" class="cart-status" role="status"></p>
      <main id={MAIN_ID} class="site-main">
        {layout.notice ? <Notice tone="info" message={layout.notice} /> : ''}
        {children}
      </main>
      <Footer layout={layout} />
      <CardAddToCartForm />
    </Document>
  );
}

function AccountLink({ account }: { account: LayoutProps['account'] }): JSX.Element {
  if (!account) {
    return (
      <a href="/login" class="account-link">
        Sign in
      </a>
    );
  }
  return (
    <>
      {account.isAdmin ? (
        <a href="/admin" class="account-link hidden sm:inline-flex">
          Back office
        </a>
      ) : (
        ''
      )}
      <a href="/account" class="account-link" data-account-link>
        <span class="sr-only">Your account, </span>
        <span class="inline-block max-w-28 truncate align-bottom" safe>
          {account.firstName}
        </span>
      </a>
    </>
  );
}

function Header({ layout }: { layout: LayoutProps }): JSX.Element {
  return (
    <header class="site-header">
      <div class="header-bar">
        <a href="/" class="logo">
          <img src={layout.assets.favicon} alt="" width="28" height="28" />
          <span safe>{layout.storeName}</span>
        </a>
        <AccountLink account={layout.account} />
        {/* Without JavaScript the badge is a link to the cart; with it, it opens the mini-cart (public/app.js). */}
        <div class="cart-menu" data-mini-cart>
          <a href="/cart" class="cart-link" aria-controls="mini-cart" aria-expanded="false">
            <BagIcon />
            <span class="sr-only">Cart, items:</span>
            <span id={CART_COUNT_ID} class="cart-count">
              {layout.cartCount}
            </span>
          </a>
          <div id="mini-cart" class="mini-cart" hidden hx-get="/cart/mini" hx-trigger="open-mini-cart" hx-target="#mini-cart-body" hx-swap="outerHTML">
            <div id="mini-cart-body">
              <p class="p-4 text-sm text-slate-600">Loading…</p>
            </div>
          </div>
        </div>
        {/* A combobox (WAI-ARIA 1.2): htmx fetches the options as one types, public/app.js adds the keys. */}
        <form action="/products" method="get" role="search" class="search-bar" data-combobox>
          <label for="site-search" class="sr-only">
            Search products
          </label>
          <div class="relative min-w-0 flex-1">
            <input
              id="site-search"
              name="q"
              type="search"
              value={layout.searchQuery}
              placeholder="Search products, brands…"
              maxlength="200"
              autocomplete="off"
              class="input rounded-r-none"
              role="combobox"
              aria-autocomplete="list"
              aria-expanded="false"
              aria-controls={SUGGESTIONS_ID}
              hx-get="/search/suggest"
              hx-trigger="input changed delay:200ms"
              hx-target={`#${SUGGESTIONS_ID}`}
              hx-swap="innerHTML"
              hx-sync="this:replace"
            />
            <ul id={SUGGESTIONS_ID} role="listbox" aria-label="Suggestions" class="suggestions" hidden></ul>
          </div>
          <p class="sr-only" role="status" data-suggestion-status></p>
          <button type="submit" class="btn-primary rounded-l-none px-3">
            <SearchIcon />
            <span class="sr-only">Search</span>
          </button>
        </form>
      </div>
      {layout.categories.length ? (
        <nav aria-label="Categories" class="category-nav">
          <ul>
            <li>
              <a href="/products">All products</a>
            </li>
            {layout.categories.map((category) => (
              <li>
                <a href={`/categories/${category.slug}`} safe>
                  {category.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : (
        ''
      )}
    </header>
  );
}

function Footer({ layout }: { layout: LayoutProps }): JSX.Element {
  return (
    <footer class="site-footer">
      <div>
        <div>
          <p class="font-bold text-slate-900" safe>
            {layout.storeName}
          </p>
          <p class="mt-2">Fast pages, honest prices, no tracking.</p>
        </div>
        <nav aria-label="Shop">
          <h2>Shop</h2>
          <ul>
            <li>
              <a href="/products">All products</a>
            </li>
            {layout.categories.slice(0, 5).map((category) => (
              <li>
                <a href={`/categories/${category.slug}`} safe>
                  {category.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          <h2>About the demo</h2>
          <p class="mt-2">
            Product data from DummyJSON (MIT) and the Spree Commerce sample catalog (BSD-3-Clause). Names and trademarks belong to their
            owners.
          </p>
        </div>
      </div>
    </footer>
  );
}
