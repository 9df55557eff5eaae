import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { DryRunPage, DryRunRows, EXPORT_PATH, IMPORT_PATH, ImportPage, dryRunHref } from '../../../../views/admin/import.js';
import { ImportStatus, ImportStatusPage } from '../../../../views/admin/import-status.js';
import { CsvFileError, decodeUpload } from '../../../catalog/shopify-csv/csv-text.js';
import { exportCatalogCsv } from '../../../catalog/shopify-csv/export.js';
import { findDryRun, findImportJob, rowsToShow, saveDryRun, startImport, TOKEN_PATTERN, type DryRunReport } from '../../../catalog/shopify-csv/import-jobs.js';
import { MAX_IMPORT_ROWS, parseShopifyCsv } from '../../../catalog/shopify-csv/parse.js';
import { planImport } from '../../../catalog/shopify-csv/plan.js';
import { adminLayoutFor, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { redirectTo, renderPage } from '../../render.js';
import { CSV_UPLOAD_MAX_BYTES } from '../../upload-limits.js';

const ROWS_PER_PAGE = 100;
const MB = 1024 * 1024;

/** What POST /admin/products/import accepts: a file to check (the dry run), or a dry run's token to apply. */
const applySchema = z.object({ token: z.string().regex(TOKEN_PATTERN) });
const uploadSchema = z.object({
  file: z
    .instanceof(File, { message: 'Choose a CSV file to upload.' })
    .refine((file) => file.size > 0, 'The file is empty.')
    .refine((file) => file.size <= CSV_UPLOAD_MAX_BYTES, `The file is larger than ${CSV_UPLOAD_MAX_BYTES / MB} MB; split it into smaller files.`),
});

/** Shopify product CSV import (a dry run, then the apply in the background) and export. */
export function adminImportRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const uploadPage = async (c: Context<AppEnv>, error?: string, status: 200 | 404 | 422 = 200) => {
    const layout = await adminLayoutFor(deps, c);
    return renderPage(c, { page: () => ImportPage({ layout, error, maxMegabytes: CSV_UPLOAD_MAX_BYTES / MB, maxRows: MAX_IMPORT_ROWS }) }, status);
  };

  app.get(IMPORT_PATH, (c) => uploadPage(c));

  app.post(IMPORT_PATH, async (c) => {
    const body = await c.req.parseBody();
    const apply = applySchema.safeParse(body);
    if (apply.success) {
      const started = await startImport(importDeps(deps), apply.data.token, staffActor(deps, c));
      if (started === 'expired') return uploadPage(c, 'That dry run is no longer kept (dry runs last an hour). Upload the file again.', 404);
      return redirectTo(c, `${IMPORT_PATH}/${apply.data.token}/status`);
    }
    const upload = uploadSchema.safeParse(body);
    if (!upload.success) return uploadPage(c, upload.error.issues[0]?.message, 422);
    try {
      const text = decodeUpload(new Uint8Array(await upload.data.file.arrayBuffer()));
      const plan = await planImport(deps.db, parseShopifyCsv(text), deps.config.APP_URL);
      const token = await saveDryRun(deps.store, staffActor(deps, c).actorId, upload.data.file.name.slice(0, 200) || 'products.csv', text, plan);
      return redirectTo(c, `${IMPORT_PATH}/${token}`);
    } catch (error) {
      if (error instanceof CsvFileError) return uploadPage(c, error.message, 422);
      throw error;
    }
  });

  app.get(`${IMPORT_PATH}/:token`, async (c) => {
    const token = c.req.param('token');
    const report = await dryRunOf(deps, c, token);
    const job = await findImportJob(deps.store, token);
    const onlyProblems = c.req.query('show') === 'problems';
    const props = {
      layout: await adminLayoutFor(deps, c),
      token,
      report,
      onlyProblems,
      ...rowsToShow(report, onlyProblems, pageParams(c).page, ROWS_PER_PAGE),
      ...(job?.state === 'failed' ? { failure: job.message } : {}),
      ...(job && job.state !== 'failed' ? { statusHref: `${IMPORT_PATH}/${token}/status` } : {}),
    };
    return renderPage(c, { page: () => DryRunPage(props), fragment: () => DryRunRows(props) });
  });

  app.get(`${IMPORT_PATH}/:token/status`, async (c) => {
    const token = c.req.param('token');
    const report = await dryRunOf(deps, c, token);
    const job = await findImportJob(deps.store, token);
    if (!job) return redirectTo(c, dryRunHref(token, 1, false));
    const props = { fileName: report.fileName, statusHref: `${IMPORT_PATH}/${token}/status`, dryRunHref: dryRunHref(token, 1, false), job };
    return renderPage(c, { page: async () => ImportStatusPage({ ...props, layout: await adminLayoutFor(deps, c) }), fragment: () => ImportStatus(props) });
  });

  app.get(EXPORT_PATH, (c) => {
    const lines = exportCatalogCsv(deps.db, { appUrl: deps.config.APP_URL });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const filename = `products-${new Date().toISOString().slice(0, 10)}.csv`;
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"` });
  });

  return app;
}

/** The dry run behind a token, for the admin who made it; anything else is a 404. */
async function dryRunOf(deps: AppDeps, c: Context<AppEnv>, token: string): Promise<DryRunReport> {
  const report = await findDryRun(deps.store, token, staffActor(deps, c).actorId);
  if (!report) throw new NotFoundError();
  return report;
}

function importDeps(deps: AppDeps) {
  return { db: deps.db, store: deps.store, log: deps.log, catalog: deps.catalog, appUrl: deps.config.APP_URL };
}
