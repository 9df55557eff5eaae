import type { ImportJob } from '../../src/catalog/shopify-csv/import-jobs.js';
import { Notice } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { IMPORT_PATH } from './import.js';

/** The progress fragment's root: htmx asks for it again every second while the import runs. */
export const IMPORT_STATUS_ID = 'import-status';

export interface ImportStatusProps {
  layout: AdminLayoutProps;
  fileName: string;
  statusHref: string;
  dryRunHref: string;
  job: ImportJob;
}

export function ImportStatusPage(props: ImportStatusProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="import" title="Import">
      <h1 class="page-title mb-1">Import</h1>
      <p class="mb-4 text-sm text-slate-700" safe>
        {props.fileName}
      </p>
      <ImportStatus {...props} />
    </AdminLayout>
  );
}

/**
 * While running: a progress bar that htmx refreshes every second, and without JavaScript a
 * page that reloads itself every two seconds (the meta refresh sits in <noscript>, so it never
 * fires under htmx). Then a summary, or why nothing was written.
 */
export function ImportStatus({ job, statusHref, dryRunHref }: Omit<ImportStatusProps, 'layout' | 'fileName'>): JSX.Element {
  if (job.state === 'running') {
    const percent = job.total > 0 ? Math.floor((job.done * 100) / job.total) : 0;
    return (
      <div id={IMPORT_STATUS_ID} class="panel" hx-get={statusHref} hx-trigger="every 1s" hx-target="this" hx-swap="outerHTML" data-import-state="running">
        <noscript>
          <meta http-equiv="refresh" content="2" />
        </noscript>
        <label for="import-progress" class="label">
          Importing: {job.done} of {job.total} rows ({percent}%)
        </label>
        <progress id="import-progress" class="import-progress" max={String(Math.max(job.total, 1))} value={String(job.done)}>
          {percent}%
        </progress>
        <p class="mt-2 text-sm text-slate-700" role="status">
          Nothing is visible in the shop until every row is written. This page updates by itself.{' '}
          <a href={statusHref} class="text-link">
            Check again
          </a>
        </p>
      </div>
    );
  }
  if (job.state === 'failed') {
    return (
      <div id={IMPORT_STATUS_ID} data-import-state="failed">
        <Notice tone="error" message={job.message} />
        <a href={dryRunHref} class="btn-secondary">
          Back to the dry run
        </a>
      </div>
    );
  }
  const { summary } = job;
  const stats: [string, number, string][] = [
    ['Created', summary.created, 'created'],
    ['Updated', summary.updated, 'updated'],
    ['Unchanged', summary.unchanged, 'unchanged'],
    ['Skipped', summary.skipped, 'skipped'],
    ['New categories', summary.categoriesCreated, 'categories'],
  ];
  return (
    <div id={IMPORT_STATUS_ID} data-import-state="done">
      <Notice tone="success" message={`Import finished: ${summary.rows} rows read, ${products(summary.created)} created, ${summary.updated} updated.`} />
      <dl class="stat-grid grid-cols-2 xl:grid-cols-4">
        {stats.map(([label, value, name]) => (
          <div class="stat" data-summary={name}>
            <dt safe>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="admin-toolbar">
        <a href="/admin/products" class="btn-primary">
          See the products
        </a>
        <a href={IMPORT_PATH} class="btn-secondary">
          Import another file
        </a>
      </div>
    </div>
  );
}

const products = (count: number) => `${count} ${count === 1 ? 'product' : 'products'}`;
