import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/database.js';
import { loadCatalogState, type CatalogState } from './catalog-state.js';
import { CategoryResolver } from './category-resolver.js';
import { draftImport } from './draft.js';
import { isRefused, refuse, type FileDraft, type ProductDraft } from './draft-types.js';
import type { ParsedCsv } from './parse.js';
import { diffProduct } from './plan-diff.js';
import type { ImportPlan, ImportTotals, ProductOutcome, ProductWrite, RowReport } from './plan-types.js';

/**
 * The dry run: what importing the file would do, row by row, against the catalog as it is.
 * A product with any refused row is skipped whole (its other rows say so); everything else is
 * created, updated or found unchanged. Reads only; applyImport writes the same plan.
 */
export async function planImport(db: DbOrTx, parsed: ParsedCsv, appUrl?: string): Promise<ImportPlan> {
  const draft = draftImport(parsed, appUrl);
  const state = await loadCatalogState(db, draft);
  return planAgainst(draft, state);
}

export function planAgainst(draft: FileDraft, state: CatalogState): ImportPlan {
  const resolver = new CategoryResolver(state.categories);
  const rows: RowReport[] = draft.strayRows.map((row) => ({ ...row, outcome: 'refused' as const }));
  const writes: ProductWrite[] = [];
  const counts: Record<ProductOutcome, number> = { create: 0, update: 0, unchanged: 0, skipped: 0 };
  for (const product of draft.products) {
    checkAgainstCatalog(product, state);
    const outcome = isRefused(product) ? 'skipped' : planProduct(product, state, draft, resolver, writes);
    counts[outcome] += 1;
    rows.push(...product.rows.map((row) => rowReport(row, outcome, product)));
  }
  rows.sort((a, b) => a.row - b.row);
  const categories = resolver.planned();
  const totals: ImportTotals = {
    rows: rows.length,
    refusedRows: rows.filter((row) => row.outcome === 'refused').length,
    warnings: rows.reduce((sum, row) => sum + row.notes.filter((note) => note.tone === 'warning').length, 0),
    ...counts,
    newCategories: categories.length,
  };
  return { rows, writes, categories, totals, digest: digestOf(rows) };
}

/** Rules that need the catalog: a SKU held by another product, a new product without variants, options an unnamed variant already has. */
function checkAgainstCatalog(product: ProductDraft, state: CatalogState): void {
  const existing = state.productsBySlug.get(product.slug);
  for (const variant of product.variants) {
    const owner = state.skuOwners.get(variant.sku);
    const row = product.rows.find((report) => report.row === variant.row)!;
    if (owner && owner.productId !== existing?.id) refuse(row, [`Variant SKU ${variant.sku} belongs to another product (${owner.slug}).`]);
    const twin = existing?.variants.find((other) => other.sku !== variant.sku && !product.variants.some((named) => named.sku === other.sku) && sameOptions(other.options, variant.options));
    if (twin) refuse(row, [`The product already has a variant with these options (SKU ${twin.sku}).`]);
  }
  if (!existing && product.fields && product.variants.length === 0 && !isRefused(product)) {
    refuse(product.rows[0]!, ['A new product needs at least one variant: a row with a Variant Price.']);
  }
}

const optionKey = (options: Record<string, string>) => JSON.stringify(Object.entries(options).map(([name, value]) => [name.toLowerCase(), value.toLowerCase()]).sort());
const sameOptions = (a: Record<string, string>, b: Record<string, string>) => optionKey(a) === optionKey(b);

function planProduct(product: ProductDraft, state: CatalogState, draft: FileDraft, resolver: CategoryResolver, writes: ProductWrite[]): ProductOutcome {
  const existing = state.productsBySlug.get(product.slug);
  const wish = product.fields!.category;
  let category = existing?.category_id == null ? null : `id:${existing.category_id}`;
  if (wish === null) category = null;
  if (wish) {
    const resolved = resolver.resolve(wish);
    category = resolved.key;
    for (const path of resolved.created) product.rows[0]!.notes.push({ tone: 'info', text: `New category "${path}" will be created.` });
  }
  const diff = diffProduct(product, existing, draft.columns, category);
  for (const [row, texts] of diff.rowNotes) product.rows.find((report) => report.row === row)?.notes.push(...texts.map((text) => ({ tone: 'info' as const, text })));
  if (diff.write) writes.push(diff.write);
  return diff.write?.outcome ?? 'unchanged';
}

function rowReport(row: ProductDraft['rows'][number], outcome: ProductOutcome, product: ProductDraft): RowReport {
  if (row.refused) return { row: row.row, handle: row.handle, sku: row.sku, outcome: 'refused', notes: row.notes };
  if (outcome !== 'skipped') return { row: row.row, handle: row.handle, sku: row.sku, outcome, notes: row.notes };
  const refusedRows = product.rows.filter((other) => other.refused).map((other) => other.row);
  const because = `Skipped with its product: row${refusedRows.length > 1 ? 's' : ''} ${refusedRows.join(', ')} of ${product.slug} ${refusedRows.length > 1 ? 'were' : 'was'} refused.`;
  return { row: row.row, handle: row.handle, sku: row.sku, outcome, notes: [...row.notes, { tone: 'info', text: because }] };
}

function digestOf(rows: RowReport[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(JSON.stringify([row.row, row.outcome, row.sku, row.notes]));
  return hash.digest('base64url');
}
