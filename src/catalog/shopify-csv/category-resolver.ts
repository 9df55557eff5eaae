import { slugify, uniqueSlug } from '../../lib/slugs.js';
import type { ExistingCategory } from './catalog-state.js';
import type { CategoryWish } from './draft-types.js';

/**
 * Finds the category a product names, or plans the ones to create. A name matches any
 * category of that name (the shallowest, when several do); a path ("Appliances > Kitchen",
 * as the export writes it) matches a category whose names from the root end with it. What does
 * not exist is created along the path, so a plain name lands under the root.
 */

export interface CategoryNode {
  key: string;
  /** Null for a category the import will create. */
  id: number | null;
  parentKey: string | null;
  name: string;
  slug: string;
  position: number;
  path: string[];
}

export class CategoryResolver {
  private readonly nodes: CategoryNode[] = [];
  private readonly byKey = new Map<string, CategoryNode>();
  private readonly slugs: Set<string>;
  private readonly nextPosition = new Map<string | null, number>();
  private readonly resolved = new Map<string, string>();

  constructor(existing: ExistingCategory[]) {
    this.slugs = new Set(existing.map((category) => category.slug));
    const byId = new Map(existing.map((category) => [category.id, category]));
    const pathOf = (category: ExistingCategory, seen = new Set<number>()): string[] => {
      const parent = category.parent_id === null || seen.has(category.id) ? undefined : byId.get(category.parent_id);
      return [...(parent ? pathOf(parent, seen.add(category.id)) : []), category.name];
    };
    for (const category of existing) {
      const parentKey = category.parent_id === null ? null : `id:${category.parent_id}`;
      this.add({ key: `id:${category.id}`, id: category.id, parentKey, name: category.name, slug: category.slug, position: category.position, path: pathOf(category) });
    }
  }

  /** The category's key (`id:<id>` or `new:<path>`) and the names of the categories this call planned to create. */
  resolve(wish: CategoryWish): { key: string; created: string[] } {
    const cacheKey = wish.path.map((name) => name.toLowerCase()).join('>');
    const known = this.resolved.get(cacheKey);
    if (known) return { key: known, created: [] };
    const result = this.findOrPlan(wish.path);
    this.resolved.set(cacheKey, result.key);
    return result;
  }

  private findOrPlan(path: string[]): { key: string; created: string[] } {
    const found = this.findBySuffix(path);
    if (found) return { key: found.key, created: [] };
    const created: string[] = [];
    let parent: CategoryNode | undefined;
    for (const name of path) {
      const child = this.nodes.find((node) => node.parentKey === (parent?.key ?? null) && same(node.name, name));
      parent = child ?? this.plan(name, parent);
      if (!child) created.push(parent.path.join(' > '));
    }
    return { key: parent!.key, created };
  }

  /** The categories to create, parents before children. */
  planned(): CategoryNode[] {
    return this.nodes.filter((node) => node.id === null);
  }

  private findBySuffix(path: string[]): CategoryNode | undefined {
    const matches = this.nodes.filter((node) => node.path.length >= path.length && path.every((name, index) => same(node.path[node.path.length - path.length + index]!, name)));
    return matches.sort((a, b) => a.path.length - b.path.length || (a.id ?? Infinity) - (b.id ?? Infinity))[0];
  }

  private plan(name: string, parent: CategoryNode | undefined): CategoryNode {
    const parentKey = parent?.key ?? null;
    const path = [...(parent?.path ?? []), name];
    const node: CategoryNode = { key: `new:${path.map((part) => part.toLowerCase()).join('>')}`, id: null, parentKey, name, slug: uniqueSlug(slugify(name) || 'category', this.slugs), position: this.nextPosition.get(parentKey) ?? 0, path };
    this.add(node);
    return node;
  }

  private add(node: CategoryNode): void {
    this.nodes.push(node);
    this.byKey.set(node.key, node);
    this.nextPosition.set(node.parentKey, Math.max(this.nextPosition.get(node.parentKey) ?? 0, node.position + 1));
  }

  pathOf(key: string): string[] {
    return this.byKey.get(key)?.path ?? [];
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
