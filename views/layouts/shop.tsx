import type { Children } from '@kitajs/html';
import type { CategoryNode } from '../../src/catalog/categories.js';
import { BagIcon, SearchIcon } from '../components/icons.js';
import { Document, type DocumentAssets } from './document.js';

export interface LayoutProps {
  storeName: string;
  assets: DocumentAssets;
  categories: CategoryNode[];
  searchQuery: string;
  cartCount: number;
  currency: string;
}

export const CART_COUNT_ID = 'cart-count';
export const MAIN_ID = 'main';

export interface ShopPageProps {
  layout: LayoutProps;
  title: string;
  description?: string;
  canonicalUrl?: string;
  children: Children;
}

/** The storefront frame: header with menu, search and cart; main; footer. */
export function ShopLayout({ layout, title, description, canonicalUrl, children }: ShopPageProps): JSX.Element {
  const fullTitle = title === layout.storeName ? title : `${title} · ${layout.storeName}`;
  return (
    <Document title={fullTitle} description={description} canonicalUrl={canonicalUrl} assets={layout.assets}>
      <a href={`#${MAIN_ID}`} class="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:shadow">
        Skip to content
      </a>
      <Header layout={layout} />
      <main id={MAIN_ID} class="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:px-8">
        {children}
      </main>
      <Footer layout={layout} />
    </Document>
  );
}

function Header({ layout }: { layout: LayoutProps }): JSX.Element {
  return (
    <header class="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
      <div class="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-3 px-4 py-3 sm:flex-nowrap sm:px-6 lg:px-8">
        <a href="/" class="flex shrink-0 items-center gap-2 text-lg font-extrabold tracking-tight text-slate-900">
          <img src={layout.assets.favicon} alt="" width="28" height="28" class="h-7 w-7" />
          <span safe>{layout.storeName}</span>
        </a>
        <a
          href="/cart"
          class="relative order-2 ml-auto flex items-center gap-1 rounded-lg p-2 text-slate-700 hover:bg-slate-100 sm:order-3 sm:ml-0"
        >
          <BagIcon />
          <span class="sr-only">Cart, items:</span>
          <span
            id={CART_COUNT_ID}
            class="min-w-5 rounded-full bg-brand-600 px-1.5 text-center text-xs leading-5 font-bold text-white"
          >
            {layout.cartCount}
          </span>
        </a>
        <form action="/products" method="get" role="search" class="order-3 flex w-full sm:order-2 sm:mx-auto sm:max-w-xl">
          <label for="site-search" class="sr-only">
            Search products
          </label>
          <input
            id="site-search"
            name="q"
            type="search"
            value={layout.searchQuery}
            placeholder="Search products, brands…"
            maxlength="200"
            autocomplete="off"
            class="input rounded-r-none"
          />
          <button type="submit" class="btn-primary rounded-l-none px-3">
            <SearchIcon />
            <span class="sr-only">Search</span>
          </button>
        </form>
      </div>
      {layout.categories.length ? (
        <nav aria-label="Categories" class="border-t border-slate-100">
          <ul class="mx-auto flex max-w-7xl gap-1 overflow-x-auto px-2 py-1 text-sm whitespace-nowrap sm:px-4 lg:px-6">
            <li>
              <a href="/products" class="block rounded-md px-3 py-2 font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900">
                All products
              </a>
            </li>
            {layout.categories.map((category) => (
              <li>
                <a
                  href={`/categories/${category.slug}`}
                  class="block rounded-md px-3 py-2 font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                  safe
                >
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
    <footer class="mt-12 border-t border-slate-200 bg-slate-50">
      <div class="mx-auto grid max-w-7xl gap-8 px-4 py-10 text-sm text-slate-600 sm:grid-cols-3 sm:px-6 lg:px-8">
        <div>
          <p class="font-bold text-slate-900" safe>
            {layout.storeName}
          </p>
          <p class="mt-2">Fast pages, honest prices, no tracking.</p>
        </div>
        <nav aria-label="Shop">
          <h2 class="font-semibold text-slate-900">Shop</h2>
          <ul class="mt-2 space-y-1">
            <li>
              <a href="/products" class="hover:text-slate-900 hover:underline">
                All products
              </a>
            </li>
            {layout.categories.slice(0, 5).map((category) => (
              <li>
                <a href={`/categories/${category.slug}`} class="hover:text-slate-900 hover:underline" safe>
                  {category.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          <h2 class="font-semibold text-slate-900">About the demo</h2>
          <p class="mt-2">
            Product data from DummyJSON (MIT) and the Spree Commerce sample catalog (BSD-3-Clause). Names and trademarks belong to their
            owners.
          </p>
        </div>
      </div>
    </footer>
  );
}
