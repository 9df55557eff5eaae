import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { listCategoriesForAdmin } from '../../../catalog/category-admin.js';
import { descendantIds } from '../../../catalog/categories.js';
import { createProduct, deleteProduct, findProductForEdit, ProductFormError, ProductInUseError, updateProduct } from '../../../catalog/product-admin.js';
import { emptyProductValues, parseProductForm, productFormValues, readProductForm, withVariantRow, type FieldErrors, type ProductFormValues } from '../../../catalog/product-form.js';
import { addProductImage, MAX_ALT_LENGTH, removeProductImage, updateProductImage } from '../../../catalog/product-images.js';
import { adminProductQuery, listProductsForAdmin } from '../../../catalog/product-list-admin.js';
import { toDecimalString } from '../../../lib/money.js';
import { ImageRefusedError } from '../../../media/image-check.js';
import { mediaStorageFor } from '../../../media/storage.js';
import { ProductFormPage } from '../../../../views/admin/product-form.js';
import { ProductResults, ProductsPage } from '../../../../views/admin/products.js';
import { adminLayoutFor, flash, idParam, staffActor } from '../../admin-context.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { readForm } from '../../forms.js';
import { isFragmentRequest } from '../../htmx.js';
import { redirectTo, renderPage } from '../../render.js';
import { IMAGE_UPLOAD_MAX_BYTES } from '../../upload-limits.js';

interface FormState {
  productId?: number;
  values?: ProductFormValues;
  errors?: FieldErrors;
  imageError?: string;
  deleteError?: string;
}

const altForm = z.object({ alt: z.string().trim().max(MAX_ALT_LENGTH, `Alt text can be at most ${MAX_ALT_LENGTH} characters.`) });
const moveForm = z.object({ direction: z.enum(['up', 'down']) });

export function adminProductRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;
  const storage = mediaStorageFor(deps.config);

  /** The new or edit screen, as stored or as typed (with its errors). */
  const formPage = async (c: Context<AppEnv>, state: FormState, status: 200 | 409 | 413 | 422 = 200) => {
    const [layout, categories, found] = await Promise.all([adminLayoutFor(deps, c), listCategoriesForAdmin(db), state.productId === undefined ? undefined : findProductForEdit(db, state.productId)]);
    if (state.productId !== undefined && !found) throw new NotFoundError();
    const product = found && { id: found.product.id, slug: found.product.slug, name: found.product.name, active: found.product.active, ordered: found.ordered, images: found.images };
    const values = state.values ?? (found ? productFormValues(found.product, found.variants, toDecimalString) : emptyProductValues());
    const { errors, imageError, deleteError } = state;
    return renderPage(c, { page: () => ProductFormPage({ layout, categories, values, ...(product ? { product } : {}), ...(errors ? { errors } : {}), ...(imageError ? { imageError } : {}), ...(deleteError ? { deleteError } : {}) }) }, status);
  };

  /** Create (no id) or update: add a row, or check, save, and go back to the edit screen. */
  const save = async (c: Context<AppEnv>, productId: number | undefined) => {
    const fields = await readForm(c);
    const values = readProductForm(fields);
    if ('add_variant' in fields) return formPage(c, { ...(productId ? { productId } : {}), values: withVariantRow(values) });
    const parsed = parseProductForm(values);
    const again = (errors: FieldErrors) => formPage(c, { ...(productId ? { productId } : {}), values, errors }, 422);
    if ('errors' in parsed) return again(parsed.errors);
    let id = productId;
    try {
      if (productId === undefined) id = await createProduct(db, staffActor(deps, c), parsed.input);
      else if ((await updateProduct(db, staffActor(deps, c), productId, parsed.input)) === 'missing') throw new NotFoundError();
    } catch (error) {
      if (error instanceof ProductFormError) return again(error.errors);
      throw error;
    }
    await deps.catalog.invalidate();
    await flash(deps, c, productId === undefined ? `“${parsed.input.name}” created.` : `“${parsed.input.name}” saved.`);
    return redirectTo(c, `/admin/products/${id}`);
  };

  app.get('/admin/products', async (c) => {
    const query = adminProductQuery.parse(c.req.query());
    const categories = await listCategoriesForAdmin(db);
    const chosen = query.category === undefined ? undefined : categories.find((row) => row.id === query.category);
    const result = await listProductsForAdmin(db, query, query.category === undefined ? undefined : chosen ? descendantIds(chosen) : []);
    const currency = deps.config.CURRENCY;
    // A fragment request skips the layout, which would use up a one-time notice meant for a page.
    if (isFragmentRequest(c)) return renderPage(c, { page: () => '', fragment: () => ProductResults({ currency, query, result }) });
    const layout = await adminLayoutFor(deps, c);
    return renderPage(c, { page: () => ProductsPage({ layout, query, result, categories }) });
  });

  app.get('/admin/products/new', (c) => formPage(c, {}));
  app.post('/admin/products', (c) => save(c, undefined));
  app.get('/admin/products/:id', (c) => formPage(c, { productId: idParam(c) }));
  app.post('/admin/products/:id', (c) => save(c, idParam(c)));

  app.post('/admin/products/:id/delete', async (c) => {
    const productId = idParam(c);
    let keys: string[] | undefined;
    try {
      keys = await deleteProduct(db, staffActor(deps, c), productId);
    } catch (error) {
      if (error instanceof ProductInUseError) return formPage(c, { productId, deleteError: error.message }, 409);
      throw error;
    }
    if (!keys) throw new NotFoundError();
    // The rows are gone (committed); their files follow.
    await Promise.all(keys.map((key) => storage.remove(key)));
    await deps.catalog.invalidate();
    await flash(deps, c, 'Product deleted.');
    return redirectTo(c, '/admin/products');
  });

  app.post('/admin/products/:id/images', async (c) => {
    const productId = idParam(c);
    const body = await c.req.parseBody();
    const file = body.image;
    const alt = altForm.safeParse({ alt: typeof body.alt === 'string' ? body.alt : '' });
    const refuse = (message: string) => formPage(c, { productId, imageError: message }, 422);
    if (!(file instanceof File) || file.size === 0) return refuse('Choose an image file to upload.');
    if (!alt.success) return refuse(alt.error.issues[0]!.message);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (!(await addProductImage(db, storage, staffActor(deps, c), { productId, bytes, alt: alt.data.alt, maxBytes: IMAGE_UPLOAD_MAX_BYTES }))) throw new NotFoundError();
    } catch (error) {
      if (error instanceof ImageRefusedError) return refuse(error.message);
      throw error;
    }
    await deps.catalog.invalidate();
    await flash(deps, c, 'Picture added.');
    return redirectTo(c, `/admin/products/${productId}#product-images`);
  });

  app.post('/admin/products/:id/images/:imageId', async (c) => {
    const [productId, imageId] = [idParam(c), idParam(c, 'imageId')];
    const parsed = altForm.safeParse(await readForm(c));
    if (!parsed.success) return formPage(c, { productId, imageError: parsed.error.issues[0]!.message }, 422);
    if (!(await updateProductImage(db, staffActor(deps, c), productId, imageId, { kind: 'alt', alt: parsed.data.alt }))) throw new NotFoundError();
    await deps.catalog.invalidate();
    await flash(deps, c, 'Alt text saved.');
    return redirectTo(c, `/admin/products/${productId}#product-images`);
  });

  app.post('/admin/products/:id/images/:imageId/move', async (c) => {
    const [productId, imageId] = [idParam(c), idParam(c, 'imageId')];
    const parsed = moveForm.safeParse(await readForm(c));
    if (!parsed.success) return formPage(c, { productId, imageError: 'Choose to move the picture up or down.' }, 422);
    if (!(await updateProductImage(db, staffActor(deps, c), productId, imageId, { kind: 'move', direction: parsed.data.direction }))) throw new NotFoundError();
    await deps.catalog.invalidate();
    await flash(deps, c, 'Picture moved.');
    return redirectTo(c, `/admin/products/${productId}#product-images`);
  });

  app.post('/admin/products/:id/images/:imageId/delete', async (c) => {
    const [productId, imageId] = [idParam(c), idParam(c, 'imageId')];
    if (!(await removeProductImage(db, storage, staffActor(deps, c), productId, imageId))) throw new NotFoundError();
    await deps.catalog.invalidate();
    await flash(deps, c, 'Picture removed.');
    return redirectTo(c, `/admin/products/${productId}#product-images`);
  });

  return app;
}
