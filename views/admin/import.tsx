import type { DryRunReport } from '../../src/catalog/shopify-csv/import-jobs.js';
import type { RowOutcome, RowReport } from '../../src/catalog/shopify-csv/plan-types.js';
import { Notice } from '../components/field.js';
import { Pagination } from '../components/pagination.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

export const IMPORT_PATH = '/admin/products/import';
export const EXPORT_PATH = '/admin/products/export';
/** The dry run's rows: paging and the "only problems" filter swap only this. */
export const IMPORT_ROWS_ID = 'import-rows';

export interface ImportPageProps {
  layout: AdminLayoutProps;
  /** Why the last upload was refused (nothing was kept). */
  error?: string;
  maxMegabytes: number;
  maxRows: number;
}

/** Upload a Shopify product CSV for a dry run; download the catalog in the same format. */
export function ImportPage({ layout, error, maxMegabytes, maxRows }: ImportPageProps): JSX.Element {
  const hint = `A Shopify product CSV, UTF-8, at most ${maxMegabytes} MB and ${maxRows.toLocaleString('en-US')} rows. Nothing changes until you have seen the dry run and confirmed it.`;
  return (
    <AdminLayout layout={layout} section="import" title="Import / export">
      <h1 class="page-title mb-4">Import / export</h1>
      <section class="panel" aria-labelledby="import-heading">
        <h2 id="import-heading" class="section-title mb-3">
          Import products
        </h2>
        <form method="post" action={IMPORT_PATH} enctype="multipart/form-data">
          <div class="field">
            <label for="import-file" class="label">
              Product CSV file
            </label>
            <p id="import-file-hint" class="field-hint" safe>
              {hint}
            </p>
            <input id="import-file" name="file" type="file" accept=".csv,text/csv" required class="input" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'import-file-hint import-file-error' : 'import-file-hint'} />
            {error ? (
              <p id="import-file-error" class="field-error" role="alert" safe>
                {error}
              </p>
            ) : (
              ''
            )}
          </div>
          <button type="submit" class="btn-primary mt-3">
            Check the file (dry run)
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="export-heading">
        <h2 id="export-heading" class="section-title mb-3">
          Export products
        </h2>
        <p class="mb-3 text-sm text-slate-700">Every product, on sale or not, as a Shopify product CSV: one row per variant, with its images. Importing it here again changes nothing.</p>
        <a href={EXPORT_PATH} class="btn-secondary" download="">
          Download all products (CSV)
        </a>
      </section>
      <ImportRules />
    </AdminLayout>
  );
}

/** How the import reads a file, so staff can predict a dry run. */
function ImportRules(): JSX.Element {
  return (
    <section class="panel" aria-labelledby="rules-heading">
      <h2 id="rules-heading" class="section-title mb-3">
        How a file is read
      </h2>
      <ul class="list-disc space-y-1 pl-5 text-sm text-slate-700">
        <li>Rows with the same Handle are one product; the first row holds its Title, Body, Vendor, Type, Tags and status. A product whose Handle exists is updated, otherwise created.</li>
        <li>Variants are matched by Variant SKU; new SKUs are added, variants the file does not list are left as they are. A row without a SKU gets one made from the Handle and options.</li>
        <li>A column the file does not have leaves that field of an existing product unchanged. A blank Variant Inventory Qty leaves the stock unchanged.</li>
        <li>Type names the category (or a path such as "Appliances &gt; Kitchen"); a missing category is created. Body (HTML) is stored as plain text.</li>
        <li>A negative Variant Inventory Qty becomes 0, and a compare-at price not above the price is ignored; both are reported as warnings.</li>
        <li>A refused row (no price, a SKU another product has, a bad value…) skips its whole product; everything else is written together, or nothing is.</li>
        <li>Not in Shopify's format, so kept as they are: featured products, inactive variants, low-stock thresholds, category descriptions.</li>
      </ul>
    </section>
  );
}

export interface DryRunPageProps {
  layout: AdminLayoutProps;
  token: string;
  report: DryRunReport;
  rows: RowReport[];
  page: number;
  pageCount: number;
  onlyProblems: boolean;
  /** Why the last attempt to apply it did not write anything. */
  failure?: string;
  /** Set once an import of this dry run has started. */
  statusHref?: string;
}

export function DryRunPage(props: DryRunPageProps): JSX.Element {
  const { report, layout, token } = props;
  const toWrite = report.totals.create + report.totals.update;
  return (
    <AdminLayout layout={layout} section="import" title="Dry run">
      <h1 class="page-title mb-1">Dry run</h1>
      <p class="mb-4 text-sm text-slate-700">
        <span class="font-medium" safe>
          {report.fileName}
        </span>
        : {report.totals.rows} rows. Nothing has been changed yet.
      </p>
      {props.failure ? <Notice tone="error" message={props.failure} /> : ''}
      <DryRunTotals report={report} />
      <p class="mb-4 text-sm text-slate-700">A product with any refused row is skipped whole (its other rows say so). The rest is written in one transaction: all of it, or nothing if anything fails.</p>
      <div class="admin-toolbar">
        {props.statusHref ? (
          <a href={props.statusHref} class="btn-primary">
            See the import's progress
          </a>
        ) : toWrite > 0 ? (
          <form method="post" action={IMPORT_PATH}>
            <input type="hidden" name="token" value={token} />
            <button type="submit" class="btn-primary" data-import-apply>
              Import these {toWrite} {toWrite === 1 ? 'product' : 'products'}
            </button>
          </form>
        ) : (
          <p class="font-medium">Nothing to import: no product would be created or updated.</p>
        )}
        <a href={IMPORT_PATH} class="btn-secondary">
          Upload another file
        </a>
      </div>
      <DryRunRows {...props} />
    </AdminLayout>
  );
}

function DryRunTotals({ report }: { report: DryRunReport }): JSX.Element {
  const { totals } = report;
  const stats: [string, number, string][] = [
    ['Products to create', totals.create, 'create'],
    ['Products to update', totals.update, 'update'],
    ['Products unchanged', totals.unchanged, 'unchanged'],
    ['Products skipped', totals.skipped, 'skipped'],
    ['Rows refused', totals.refusedRows, 'refused'],
    ['Warnings', totals.warnings, 'warnings'],
    ['New categories', totals.newCategories, 'categories'],
  ];
  return (
    <dl class="stat-grid grid-cols-2 xl:grid-cols-4">
      {stats.map(([label, value, name]) => (
        <div class="stat" data-total={name}>
          <dt safe>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Whole class names, so Tailwind's scanner finds them; words as well as colours. */
const outcomeLabel: Record<RowOutcome, { label: string; tone: string }> = {
  create: { label: 'Create', tone: 'status-pill bg-emerald-100 text-emerald-900' },
  update: { label: 'Update', tone: 'status-pill bg-sky-100 text-sky-900' },
  unchanged: { label: 'Unchanged', tone: 'status-pill' },
  skipped: { label: 'Skipped', tone: 'status-pill bg-amber-100 text-amber-900' },
  refused: { label: 'Refused', tone: 'status-pill bg-red-100 text-red-900' },
};
const noteTone = { error: { word: 'Refused: ', tone: 'text-red-800' }, warning: { word: 'Warning: ', tone: 'text-amber-900' }, info: { word: '', tone: 'text-slate-700' } } as const;

export function dryRunHref(token: string, page: number, onlyProblems: boolean): string {
  const params = new URLSearchParams();
  if (onlyProblems) params.set('show', 'problems');
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `${IMPORT_PATH}/${token}${query ? `?${query}` : ''}`;
}

export function DryRunRows({ token, rows, page, pageCount, onlyProblems }: DryRunPageProps): JSX.Element {
  const filterLink = (problems: boolean, label: string) => {
    const href = dryRunHref(token, 1, problems);
    return (
      <a href={href} hx-get={href} hx-target={`#${IMPORT_ROWS_ID}`} hx-swap="outerHTML" hx-push-url="true" aria-current={problems === onlyProblems ? 'page' : undefined} class="text-link" safe>
        {label}
      </a>
    );
  };
  return (
    <section id={IMPORT_ROWS_ID}>
      <div class="mb-2 flex flex-wrap items-baseline gap-4">
        <h2 id="rows-heading" class="section-title">
          Rows
        </h2>
        <nav aria-label="Which rows" class="flex gap-3 text-sm">
          {filterLink(false, 'All rows')}
          {filterLink(true, 'Refused rows and warnings')}
        </nav>
      </div>
      {/* Focusable, so a keyboard can scroll the table sideways on a phone. */}
      <div class="table-wrap" tabindex="0" role="region" aria-labelledby="rows-heading">
        <table class="data-table" data-import-rows>
          <thead>
            <tr>
              <th scope="col" class="num">
                Row
              </th>
              <th scope="col">Handle</th>
              <th scope="col">SKU</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reasons and notes</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colspan="5">No rows to show.</td>
              </tr>
            ) : (
              rows.map((row) => <DryRunRow row={row} />)
            )}
          </tbody>
        </table>
      </div>
      <Pagination page={page} pageCount={pageCount} hrefFor={(to) => dryRunHref(token, to, onlyProblems)} target={IMPORT_ROWS_ID} />
    </section>
  );
}

function DryRunRow({ row }: { row: RowReport }): JSX.Element {
  const outcome = outcomeLabel[row.outcome];
  return (
    <tr data-row={String(row.row)} data-outcome={row.outcome}>
      <th scope="row" class="num align-top font-normal">
        {row.row}
      </th>
      <td class="min-w-36 wrap-anywhere" safe>
        {row.handle}
      </td>
      <td class="min-w-36 wrap-anywhere" safe>
        {row.sku}
      </td>
      <td>
        <span class={outcome.tone} safe>
          {outcome.label}
        </span>
      </td>
      <td class="min-w-64">
        <ul class="space-y-0.5">
          {row.notes.map((note) => (
            <li class={noteTone[note.tone].tone}>
              {noteTone[note.tone].word}
              <span safe>{note.text}</span>
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
