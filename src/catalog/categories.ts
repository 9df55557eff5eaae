import type { DbOrTx } from '../db/database.js';
import type { Category } from '../db/schema.js';

/** The columns shop pages use of a category; plain JSON, so the tree can be cached in the store. */
export type CategoryRow = Pick<Category, 'id' | 'parent_id' | 'slug' | 'name' | 'description' | 'position'>;

export interface CategoryNode extends CategoryRow {
  children: CategoryNode[];
}

/** The whole category tree (a shop has tens or hundreds, not millions) with lookups. */
export interface CategoryTree {
  roots: CategoryNode[];
  bySlug: Map<string, CategoryNode>;
  byId: Map<number, CategoryNode>;
}

export function loadCategoryRows(db: DbOrTx): Promise<CategoryRow[]> {
  return db
    .selectFrom('categories')
    .select(['id', 'parent_id', 'slug', 'name', 'description', 'position'])
    .orderBy('position')
    .orderBy('name')
    .execute();
}

export async function loadCategoryTree(db: DbOrTx): Promise<CategoryTree> {
  return buildCategoryTree(await loadCategoryRows(db));
}

/** Rows in display order (position, then name) become a tree whose children keep that order. */
export function buildCategoryTree(rows: CategoryRow[]): CategoryTree {
  const byId = new Map<number, CategoryNode>(rows.map((row) => [row.id, { ...row, children: [] }]));
  const roots: CategoryNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parent_id === null ? undefined : byId.get(node.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return { roots, byId, bySlug: new Map([...byId.values()].map((node) => [node.slug, node])) };
}

/** The category and every category below it, for "everything in Electronics". */
export function descendantIds(node: CategoryNode): number[] {
  return [node.id, ...node.children.flatMap(descendantIds)];
}

/** Root first, the category itself last. */
export function ancestry(tree: CategoryTree, node: CategoryNode): CategoryNode[] {
  const path: CategoryNode[] = [];
  for (let current: CategoryNode | undefined = node; current; ) {
    path.unshift(current);
    current = current.parent_id === null ? undefined : tree.byId.get(current.parent_id);
    if (path.length > 32) break; // a cycle would be a data bug; never loop forever on it
  }
  return path;
}
