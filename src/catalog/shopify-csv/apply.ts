import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../../accounts/audit.js';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { chunks } from './catalog-state.js';
import type { CategoryNode } from './category-resolver.js';
import type { ParsedCsv } from './parse.js';
import { planImport } from './plan.js';
import type { ImportPlan, ProductWrite } from './plan-types.js';
import { refreshProducts, writeImages, writeProducts, writeVariants } from './apply-batches.js';

type Trx = Transaction<Database>;

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  categoriesCreated: number;
}

/** The catalog moved between the dry run and the apply: nothing was written; `plan` is the new dry run. */
export class ImportChangedError extends Error {
  override name = 'ImportChangedError';
  constructor(readonly plan: ImportPlan) {
    super('The catalog changed since this dry run, so nothing was imported. Check the new dry run and import again.');
  }
}

export interface ApplyOptions {
  fileName: string;
  /** This store's address: its own images in the file are matched back to them. */
  appUrl: string;
  actor: { actorId: number; ip: string | null };
  /** The dry run's digest: the apply writes only if planning again gives the same outcomes. */
  expectedDigest: string;
  onProgress?: (done: number, total: number) => Promise<void>;
}

/** Products written per batch: a few round trips each, and a progress step. */
const BATCH = 500;
/** One import at a time, whatever process runs it: a second waits for the first to commit. */
const IMPORT_LOCK = 'hyperstore:catalog-import';

/**
 * Writes the dry run's plan in ONE transaction: all of it or, if anything fails, none of it.
 * Stock changes are recorded as 'import' by the stock-history trigger; one catalog.imported
 * audit row goes in with them.
 */
export async function applyImport(db: Db, parsed: ParsedCsv, options: ApplyOptions): Promise<ImportSummary> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${IMPORT_LOCK}))`.execute(trx);
    await sql`select set_config('hyperstore.stock_reason', 'import', true), set_config('hyperstore.actor_user_id', ${String(options.actor.actorId)}, true), set_config('hyperstore.stock_note', ${options.fileName.slice(0, 200)}, true)`.execute(trx);
    // Each batch refreshes its products' summaries and search documents once (refreshProducts), not once per variant row.
    await sql`select set_config('hyperstore.defer_product_refresh', 'on', true)`.execute(trx);
    const plan = await planImport(trx, parsed, options.appUrl);
    if (plan.digest !== options.expectedDigest) throw new ImportChangedError(plan);
    const categoryIds = await createCategories(trx, plan.categories);
    let done = plan.rows.length - plan.writes.reduce((sum, write) => sum + write.rowCount, 0);
    for (const batch of chunks(plan.writes, BATCH)) {
      await writeBatch(trx, batch, categoryIds);
      done += batch.reduce((sum, write) => sum + write.rowCount, 0);
      await options.onProgress?.(done, plan.rows.length);
    }
    const summary = summaryOf(plan);
    await recordAudit(trx, {
      action: 'catalog.imported',
      actorUserId: options.actor.actorId,
      ip: options.actor.ip,
      entity: { type: 'catalog', id: 'products' },
      details: { file: options.fileName.slice(0, 200), ...summary, refused_rows: plan.totals.refusedRows },
    });
    return summary;
  });
}

function summaryOf(plan: ImportPlan): ImportSummary {
  const { rows, create, update, unchanged, skipped, newCategories } = plan.totals;
  return { rows, created: create, updated: update, unchanged, skipped, categoriesCreated: newCategories };
}

/** New categories, parents first (the plan lists them in the order it found them, a parent before its children). */
async function createCategories(trx: Trx, planned: CategoryNode[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const idOf = (key: string | null) => (key === null ? null : key.startsWith('id:') ? Number(key.slice(3)) : ids.get(key)!);
  for (let depth = 1; planned.some((node) => node.path.length >= depth); depth++) {
    const level = planned.filter((node) => node.path.length === depth);
    if (level.length === 0) continue;
    const rows = level.map((node) => ({ slug: node.slug, name: node.name, parent_id: idOf(node.parentKey), position: node.position }));
    const inserted = await trx.insertInto('categories').values(rows).returning(['id', 'slug']).execute();
    const bySlug = new Map(inserted.map((row) => [row.slug, row.id]));
    for (const node of level) ids.set(node.key, bySlug.get(node.slug)!);
  }
  return ids;
}

async function writeBatch(trx: Trx, batch: ProductWrite[], categoryIds: Map<string, number>): Promise<void> {
  const productIds = await writeProducts(trx, batch, (key) => (key === null ? null : key.startsWith('id:') ? Number(key.slice(3)) : categoryIds.get(key)!));
  await writeVariants(trx, batch, productIds);
  await refreshProducts(trx, batch.filter((write) => write.variants.length > 0).map((write) => productIds.get(write.slug)!));
  await writeImages(trx, batch, productIds);
}
