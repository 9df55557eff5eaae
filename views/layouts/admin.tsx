import type { Children } from '@kitajs/html';
import { Notice } from '../components/field.js';
import { Document, type DocumentAssets } from './document.js';

/** The back office's sections, in menu order; a screen names its own to mark it current. */
export const ADMIN_SECTIONS = [
  { id: 'dashboard', href: '/admin', label: 'Dashboard' },
  { id: 'orders', href: '/admin/orders', label: 'Orders' },
  { id: 'products', href: '/admin/products', label: 'Products' },
  { id: 'categories', href: '/admin/categories', label: 'Categories' },
  { id: 'inventory', href: '/admin/inventory', label: 'Inventory' },
  { id: 'import', href: '/admin/products/import', label: 'Import / export' },
  { id: 'customers', href: '/admin/users', label: 'Customers' },
  { id: 'coupons', href: '/admin/coupons', label: 'Coupons' },
  { id: 'mail', href: '/admin/mail', label: 'Mail' },
  { id: 'api-keys', href: '/admin/api-keys', label: 'API keys' },
  { id: 'audit', href: '/admin/audit', label: 'Audit log' },
] as const;

export type AdminSection = (typeof ADMIN_SECTIONS)[number]['id'];

export interface AdminLayoutProps {
  storeName: string;
  assets: DocumentAssets;
  adminName: string;
  currency: string;
  /** A one-time message: what the last action did ("Product saved."). */
  notice?: string;
}

export const ADMIN_MAIN_ID = 'admin-main';

/** The back-office frame: a bar with the store and the signed-in admin, the section menu, and main. */
export function AdminLayout({ layout, section, title, children }: { layout: AdminLayoutProps; section: AdminSection; title: string; children: Children }): JSX.Element {
  return (
    <Document title={`${title} · Back office · ${layout.storeName}`} siteName={layout.storeName} meta={{ robots: 'noindex, nofollow' }} assets={layout.assets}>
      <a href={`#${ADMIN_MAIN_ID}`} class="skip-link">
        Skip to content
      </a>
      <header class="admin-bar">
        <a href="/admin" class="logo">
          <img src={layout.assets.favicon} alt="" width="28" height="28" />
          <span safe>{layout.storeName}</span>
          <span class="admin-tag">Back office</span>
        </a>
        <div class="ml-auto flex items-center gap-2 text-sm">
          <a href="/" class="account-link order-none">
            View store
          </a>
          <a href="/account" class="account-link order-none">
            <span class="inline-block max-w-28 truncate align-bottom" safe>
              {layout.adminName}
            </span>
          </a>
          <form method="post" action="/logout">
            <button type="submit" class="account-link order-none">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div class="admin-frame">
        <nav aria-label="Back office" class="admin-nav">
          <ul>
            {ADMIN_SECTIONS.map((item) => (
              <li>
                <a href={item.href} aria-current={item.id === section ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id={ADMIN_MAIN_ID} class="admin-main">
          {layout.notice ? <Notice tone="success" message={layout.notice} /> : ''}
          {children}
        </main>
      </div>
      <p id="admin-status" class="cart-status" role="status"></p>
    </Document>
  );
}
