import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

/** The back office's front page; the dashboard proper (sales, stock, orders) is being built. */
export function AdminHomePage({ layout }: { layout: AdminLayoutProps }): JSX.Element {
  return (
    <AdminLayout layout={layout} section="dashboard" title="Dashboard">
      <h1 class="page-title" data-admin-home>
        Dashboard
      </h1>
      <p class="mt-2 text-slate-700" safe>
        Signed in as {layout.adminName}.
      </p>
    </AdminLayout>
  );
}
