import { z } from 'zod';
import { recordAudit } from '../accounts/audit.js';
import type { Db, DbOrTx } from '../db/database.js';
import { slugify, slugPattern } from '../lib/slugs.js';
import { buildCategoryTree, descendantIds, type CategoryNode } from './categories.js';
import type { Actor } from './product-admin.js';
import type { FieldErrors } from './product-form.js';

/** The category tree as staff change it: create, rename, move, delete when empty. Each change audited. */

export const categoryForm = z.object({
  name: z.string().trim().min(1, 'Enter the category’s name.').max(100, 'The name can be at most 100 characters.'),
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .max(120, 'The slug can be at most 120 characters.')
    .refine((slug) => slug === '' || slugPattern.test(slug), 'Use lower-case letters, digits and single dashes (e.g. kitchen-tools).'),
  parent_id: z
    .string()
    .trim()
    .regex(/^(\d{1,9})?$/, 'Choose a parent from the list.')
    .transform((id) => (id === '' ? null : Number(id))),
});

export type CategoryFormInput = z.infer<typeof categoryForm>;

export class CategoryFormError extends Error {
  override name = 'CategoryFormError';
  constructor(readonly errors: FieldErrors) {
    super('The category could not be saved.');
  }
}

/** A category that still holds products or subcategories is not deleted. */
export class CategoryNotEmptyError extends Error {
  override name = 'CategoryNotEmptyError';
}

export interface AdminCategoryRow extends CategoryNode {
  depth: number;
  product_count: number;
}

/** The whole tree in display order (each category followed by its subcategories), with product counts. */
export async function listCategoriesForAdmin(db: DbOrTx): Promise<AdminCategoryRow[]> {
  const rows = await db
    .selectFrom('categories')
    .select(['categories.id', 'categories.parent_id', 'categories.slug', 'categories.name', 'categories.description', 'categories.position'])
    .select((eb) => eb.selectFrom('products').select(eb.fn.countAll<number>().as('count')).whereRef('products.category_id', '=', 'categories.id').as('product_count'))
    .orderBy('position')
    .orderBy('name')
    .execute();
  const counts = new Map(rows.map((row) => [row.id, Number(row.product_count ?? 0)]));
  const flat: AdminCategoryRow[] = [];
  const walk = (nodes: CategoryNode[], depth: number) => {
    for (const node of nodes) {
      flat.push({ ...node, depth, product_count: counts.get(node.id) ?? 0 });
      if (depth < 32) walk(node.children, depth + 1);
    }
  };
  walk(buildCategoryTree(rows).roots, 0);
  return flat;
}

/** The slug to save (made from the name when left empty), or a field error. */
async function checkCategory(trx: DbOrTx, input: CategoryFormInput, categoryId: number | undefined): Promise<{ slug: string }> {
  const errors: FieldErrors = {};
  const slug = input.slug || slugify(input.name);
  if (!slug) errors.slug = 'Enter a slug: the name has no letters or digits to make one from.';
  let owner = trx.selectFrom('categories').select('name').where('slug', '=', slug);
  if (categoryId !== undefined) owner = owner.where('id', '<>', categoryId);
  const taken = slug ? await owner.executeTakeFirst() : undefined;
  if (taken) errors.slug = `This slug is already used by “${taken.name}”; choose another.`;
  if (input.parent_id !== null) {
    const tree = buildCategoryTree(await trx.selectFrom('categories').select(['id', 'parent_id', 'slug', 'name', 'description', 'position']).execute());
    const self = categoryId === undefined ? undefined : tree.byId.get(categoryId);
    if (!tree.byId.has(input.parent_id)) errors.parent_id = 'Choose a parent from the list.';
    else if (self && descendantIds(self).includes(input.parent_id)) errors.parent_id = 'A category cannot move under itself or one of its own subcategories.';
  }
  if (Object.keys(errors).length > 0) throw new CategoryFormError(errors);
  return { slug };
}

function slugClash(error: unknown): never {
  if ((error as { code?: string }).code === '23505') throw new CategoryFormError({ slug: 'This slug was just taken; choose another.' });
  throw error;
}

export async function createCategory(db: Db, actor: Actor, input: CategoryFormInput): Promise<number> {
  return db
    .transaction()
    .execute(async (trx) => {
      const { slug } = await checkCategory(trx, input, undefined);
      const siblings = trx.selectFrom('categories').select((eb) => eb.fn.max('position').as('position'));
      const last = await (input.parent_id === null ? siblings.where('parent_id', 'is', null) : siblings.where('parent_id', '=', input.parent_id)).executeTakeFirst();
      const row = { name: input.name, slug, parent_id: input.parent_id, position: (last?.position ?? -1) + 1 };
      const { id } = await trx.insertInto('categories').values(row).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, { action: 'category.created', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'category', id }, after: { name: row.name, slug, parent_id: row.parent_id } });
      return id;
    })
    .catch(slugClash);
}

/**
 * Renames (category.updated) and/or moves (category.moved) a category, refusing a parent
 * below itself. Returns 'missing' for no such category.
 */
export async function updateCategory(db: Db, actor: Actor, categoryId: number, input: CategoryFormInput): Promise<'saved' | 'unchanged' | 'missing'> {
  return db
    .transaction()
    .execute(async (trx) => {
      // Locks the tree's rows: two moves at once could otherwise make a cycle neither one saw.
      const all = await trx.selectFrom('categories').select(['id', 'name', 'slug', 'parent_id']).forUpdate().execute();
      const current = all.find((row) => row.id === categoryId);
      if (!current) return 'missing' as const;
      const { slug } = await checkCategory(trx, input, categoryId);
      const renamed = current.name !== input.name || current.slug !== slug;
      const moved = current.parent_id !== input.parent_id;
      if (!renamed && !moved) return 'unchanged' as const;
      await trx.updateTable('categories').set({ name: input.name, slug, parent_id: input.parent_id, updated_at: new Date() }).where('id', '=', categoryId).execute();
      const entity = { type: 'category', id: categoryId };
      if (renamed) {
        await recordAudit(trx, { action: 'category.updated', actorUserId: actor.actorId, ip: actor.ip, entity, before: { name: current.name, slug: current.slug }, after: { name: input.name, slug } });
      }
      if (moved) {
        await recordAudit(trx, { action: 'category.moved', actorUserId: actor.actorId, ip: actor.ip, entity, before: { parent_id: current.parent_id }, after: { parent_id: input.parent_id } });
      }
      return 'saved' as const;
    })
    .catch(slugClash);
}

/** Deletes an empty category, audited; false when there is none. Throws CategoryNotEmptyError saying what it still holds. */
export async function deleteCategory(db: Db, actor: Actor, categoryId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const category = await trx.selectFrom('categories').select(['id', 'name', 'slug', 'parent_id']).where('id', '=', categoryId).forUpdate().executeTakeFirst();
    if (!category) return false;
    const count = (table: 'products' | 'categories', column: 'category_id' | 'parent_id') =>
      trx
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where(column, '=', categoryId)
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.count));
    const [products, children] = [await count('products', 'category_id'), await count('categories', 'parent_id')];
    if (products > 0 || children > 0) {
      const holds = [products > 0 ? `${products} product${products === 1 ? '' : 's'}` : '', children > 0 ? `${children} subcategor${children === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(' and ');
      throw new CategoryNotEmptyError(`“${category.name}” still holds ${holds}. Move or delete them first.`);
    }
    await trx.deleteFrom('categories').where('id', '=', categoryId).execute();
    await recordAudit(trx, { action: 'category.deleted', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'category', id: categoryId }, before: { name: category.name, slug: category.slug, parent_id: category.parent_id } });
    return true;
  });
}
