import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.js';
import type { KeyValueStore } from '../../store/index.js';
import { applyImport, ImportChangedError, type ImportSummary } from './apply.js';
import { parseShopifyCsv } from './parse.js';
import type { ImportPlan, ImportTotals, RowReport } from './plan-types.js';

/**
 * A dry run is kept for an hour under a random token: the file (so the apply reads exactly what
 * was checked), its report (so the results page can be paged), and, once started, the apply's
 * progress. All in the shared store, so any process can answer for it; the apply itself runs in
 * the background of the process that started it.
 */

const TTL_SECONDS = 3600;
const key = (kind: 'file' | 'report' | 'job' | 'start', token: string) => `catalog-import:${kind}:${token}`;
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export interface DryRunReport {
  ownerId: number;
  fileName: string;
  uploadedAt: string;
  rows: RowReport[];
  totals: ImportTotals;
  digest: string;
}

interface StoredFile {
  ownerId: number;
  fileName: string;
  text: string;
}

export type ImportJob =
  | { state: 'running'; done: number; total: number; updatedAt: number }
  | { state: 'done'; summary: ImportSummary }
  | { state: 'failed'; message: string };

export interface ImportDeps {
  db: Db;
  store: KeyValueStore;
  log: Logger;
  appUrl: string;
  catalog: { invalidate(): Promise<void> };
}

/** Keeps the file and its dry run; returns the token that names them. */
export async function saveDryRun(store: KeyValueStore, ownerId: number, fileName: string, text: string, plan: ImportPlan): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await store.set(key('file', token), JSON.stringify({ ownerId, fileName, text } satisfies StoredFile), TTL_SECONDS);
  await saveReport(store, token, { ownerId, fileName, uploadedAt: new Date().toISOString(), rows: plan.rows, totals: plan.totals, digest: plan.digest });
  return token;
}

async function saveReport(store: KeyValueStore, token: string, report: DryRunReport): Promise<void> {
  await store.set(key('report', token), JSON.stringify(report), TTL_SECONDS);
}

/** The dry run, for the admin who made it only. */
export async function findDryRun(store: KeyValueStore, token: string, ownerId: number): Promise<DryRunReport | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const raw = await store.get(key('report', token));
  const report = raw ? (JSON.parse(raw) as DryRunReport) : undefined;
  return report?.ownerId === ownerId ? report : undefined;
}

/**
 * A running import reports progress every batch (seconds apart). One silent for this long died
 * with its process (a restart, a deploy); its transaction was rolled back with it.
 */
const STALE_MS = 10 * 60_000;
const STOPPED = 'The import stopped before it finished (the server was restarted), so nothing was written. Import the dry run again.';

export async function findImportJob(store: KeyValueStore, token: string, now = Date.now()): Promise<ImportJob | undefined> {
  const raw = await store.get(key('job', token));
  const job = raw ? (JSON.parse(raw) as ImportJob) : undefined;
  return job?.state === 'running' && now - job.updatedAt > STALE_MS ? { state: 'failed', message: STOPPED } : job;
}

/** Rows of a dry run to show: all, or only refused rows and warnings; a page of them. */
export function rowsToShow(report: DryRunReport, onlyProblems: boolean, page: number, perPage: number) {
  const matching = onlyProblems ? report.rows.filter((row) => row.outcome === 'refused' || row.notes.some((note) => note.tone !== 'info')) : report.rows;
  const pageCount = Math.max(1, Math.ceil(matching.length / perPage));
  const current = Math.min(page, pageCount);
  return { rows: matching.slice((current - 1) * perPage, current * perPage), page: current, pageCount };
}

const saveJob = (store: KeyValueStore, token: string, job: ImportJob) => store.set(key('job', token), JSON.stringify(job), TTL_SECONDS);

/**
 * Starts applying a dry run in the background. 'started' once per dry run: a second click (or
 * a second tab) finds it already running; 'expired' when the dry run is gone or not this admin's.
 */
export async function startImport(deps: ImportDeps, token: string, actor: { actorId: number; ip: string | null }): Promise<'started' | 'running' | 'expired'> {
  const report = await findDryRun(deps.store, token, actor.actorId);
  const raw = report ? await deps.store.get(key('file', token)) : null;
  if (!report || !raw) return 'expired';
  const job = await findImportJob(deps.store, token);
  if (job?.state === 'failed') await deps.store.delete(key('start', token));
  if ((await deps.store.increment(key('start', token), TTL_SECONDS)) > 1) return 'running';
  await saveJob(deps.store, token, { state: 'running', done: 0, total: report.rows.length, updatedAt: Date.now() });
  const file = JSON.parse(raw) as StoredFile;
  runImport(deps, token, file, report, actor).catch((error: unknown) => deps.log.error({ err: error, token }, 'catalog import status not saved'));
  return 'started';
}

async function runImport(deps: ImportDeps, token: string, file: StoredFile, report: DryRunReport, actor: { actorId: number; ip: string | null }): Promise<void> {
  try {
    const onProgress = (done: number, total: number) => saveJob(deps.store, token, { state: 'running', done, total, updatedAt: Date.now() });
    const summary = await applyImport(deps.db, parseShopifyCsv(file.text), { fileName: file.fileName, appUrl: deps.appUrl, actor, expectedDigest: report.digest, onProgress });
    await deps.catalog.invalidate();
    await saveJob(deps.store, token, { state: 'done', summary });
    await deps.store.delete(key('file', token));
  } catch (error) {
    if (error instanceof ImportChangedError) {
      // Show the new dry run, and let staff import that one.
      await saveReport(deps.store, token, { ...report, rows: error.plan.rows, totals: error.plan.totals, digest: error.plan.digest });
    } else deps.log.error({ err: error, token }, 'catalog import failed');
    const message = error instanceof ImportChangedError ? error.message : 'The import failed, so nothing was written. Try again; if it fails again, the server log says why.';
    await saveJob(deps.store, token, { state: 'failed', message });
    await deps.store.delete(key('start', token));
  }
}
