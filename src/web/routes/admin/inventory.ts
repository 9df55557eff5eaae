import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { InventoryPage, InventoryResults, StockHistory, VariantStockPage, type VariantStockProps } from '../../../../views/admin/inventory.js';
import { findInventoryVariant, findStoreLowStockThreshold, listInventory, listStockMovements, setStoreLowStockThreshold } from '../../../catalog/inventory.js';
import { adjustStock, parseAdjustForm, parseThreshold, setVariantThreshold, type AdjustFormValues } from '../../../catalog/stock-adjust.js';
import { adminLayoutFor, flash, idParam, pageParams, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { redirectTo, renderPage } from '../../render.js';

const listQuery = z.object({
  q: z.string().trim().max(100).catch(''),
  filter: z.enum(['all', 'low', 'out']).catch('all'),
});

type Problems = Pick<VariantStockProps, 'adjust' | 'threshold'>;

export function adminInventoryRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  const renderList = async (c: Context<AppEnv>, settings?: { value: string; error?: string }) => {
    const { q, filter } = listQuery.parse({ q: c.req.query('q') ?? '', filter: c.req.query('filter') ?? 'all' });
    const { page, perPage, offset } = pageParams(c, 50);
    const storeThreshold = await findStoreLowStockThreshold(deps.db);
    const [layout, { rows, total }] = await Promise.all([adminLayoutFor(deps, c), listInventory(deps.db, { q, filter, offset, limit: perPage }, storeThreshold)]);
    const props = { layout, q, filter, rows, total, page, perPage, storeThreshold, ...(settings ? { settings } : {}) };
    return renderPage(c, { page: () => InventoryPage(props), fragment: () => InventoryResults(props) }, settings?.error ? 422 : 200);
  };

  /** The variant's page: its stock, the adjust and threshold forms (re-shown with problems), and its history. */
  const renderVariant = async (c: Context<AppEnv>, variantId: number, problems: Problems = {}) => {
    const storeThreshold = await findStoreLowStockThreshold(deps.db);
    const variant = await findInventoryVariant(deps.db, variantId, storeThreshold);
    if (!variant) throw new NotFoundError();
    const { page, perPage, offset } = pageParams(c, 25);
    const [layout, { rows, total }] = await Promise.all([adminLayoutFor(deps, c), listStockMovements(deps.db, variantId, { offset, limit: perPage })]);
    const props: VariantStockProps = { layout, variant, storeThreshold, movements: rows, total, page, perPage, ...problems };
    const refused = problems.adjust || problems.threshold?.error;
    return renderPage(c, { page: () => VariantStockPage(props), fragment: () => StockHistory(props) }, refused ? 422 : 200);
  };

  app.get('/admin/inventory', (c) => renderList(c));

  app.post('/admin/inventory/settings', async (c) => {
    const value = (await readForm(c)).low_stock_threshold;
    const parsed = parseThreshold(value, false);
    if (!parsed.ok) return renderList(c, { value: value ?? '', error: parsed.error });
    const changed = await setStoreLowStockThreshold(deps.db, { threshold: parsed.value!, ...staffActor(deps, c) });
    await flash(deps, c, changed ? `The store’s low-stock threshold is now ${parsed.value}.` : 'The threshold was already that; nothing changed.');
    return redirectTo(c, '/admin/inventory');
  });

  app.get('/admin/inventory/:variantId', (c) => renderVariant(c, idParam(c, 'variantId')));

  app.post('/admin/inventory/:variantId/adjust', async (c) => {
    const variantId = idParam(c, 'variantId');
    const values = (await readForm(c)) as AdjustFormValues;
    const parsed = parseAdjustForm(values);
    if (!parsed.ok) return renderVariant(c, variantId, { adjust: { values, errors: parsed.errors } });
    const result = await adjustStock(deps.db, { variantId, ...parsed.value, ...staffActor(deps, c) });
    if (result.outcome === 'not_found') throw new NotFoundError();
    if (result.outcome === 'below_zero') {
      const error = `Only ${result.stock} in stock: taking away ${Math.abs(parsed.value.quantity)} would go below zero. Nothing was changed.`;
      return renderVariant(c, variantId, { adjust: { values, errors: { quantity: error } } });
    }
    if (result.outcome === 'adjusted') await deps.catalog.invalidate();
    const message = result.outcome === 'adjusted' ? `Stock changed from ${result.before} to ${result.after}.` : `The stock was already ${result.stock}; nothing changed.`;
    await flash(deps, c, message);
    return redirectTo(c, `/admin/inventory/${variantId}`);
  });

  app.post('/admin/inventory/:variantId/threshold', async (c) => {
    const variantId = idParam(c, 'variantId');
    const value = (await readForm(c)).threshold ?? '';
    const parsed = parseThreshold(value, true);
    if (!parsed.ok) return renderVariant(c, variantId, { threshold: { value, error: parsed.error } });
    const result = await setVariantThreshold(deps.db, { variantId, threshold: parsed.value, ...staffActor(deps, c) });
    if (result === 'not_found') throw new NotFoundError();
    const setTo = parsed.value === null ? 'the store’s default' : String(parsed.value);
    await flash(deps, c, result === 'changed' ? `Low-stock threshold set to ${setTo}.` : 'The threshold was already that; nothing changed.');
    return redirectTo(c, `/admin/inventory/${variantId}`);
  });
  return app;
}
