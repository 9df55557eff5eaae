import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

/** The back office's front page; the dashboard proper (sales, stock, orders) comes with the back-office issue. */
export function AdminHomePage({ layout, adminName }: { layout: LayoutProps; adminName: string }): JSX.Element {
  return (
    <ShopLayout layout={layout} title="Back office" meta={{ robots: 'noindex' }}>
      <h1 class="page-title" data-admin-home>
        Back office
      </h1>
      <p class="mt-2 text-slate-700" safe>
        Signed in as {adminName}.
      </p>
    </ShopLayout>
  );
}
