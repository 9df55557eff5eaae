import { describe, expect, it } from 'vitest';
import { isSlug, slugify, uniqueSlug } from '../../src/lib/slugs.js';
import { pageWindow } from '../../views/components/pagination.js';

describe('slugs', () => {
  it('makes URL-safe slugs', () => {
    expect(slugify('Crème Brûlée 2 Go!')).toBe('creme-brulee-2-go');
    expect(slugify('  Tom & Jerry  ')).toBe('tom-and-jerry');
    expect(slugify('iPhone 15 Pro — 256 GB')).toBe('iphone-15-pro-256-gb');
    expect(slugify("HeShe Women's Leather Bag")).toBe('heshe-womens-leather-bag');
  });

  it('makes colliding titles unique', () => {
    const taken = new Set<string>();
    expect(uniqueSlug('rolex', taken)).toBe('rolex');
    expect(uniqueSlug('rolex', taken)).toBe('rolex-2');
    expect(uniqueSlug('rolex', taken)).toBe('rolex-3');
  });

  it('recognises only slugs', () => {
    expect(isSlug('red-dress-2')).toBe(true);
    for (const text of ['', 'Red', 'a--b', '-a', 'a/b', '../etc', 'a'.repeat(201), '<script>']) expect(isSlug(text), text).toBe(false);
  });
});

describe('pageWindow', () => {
  it('shows the ends and the neighbourhood of the current page', () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 5)).toEqual([1, 2, 3, 'gap', 5]);
    expect(pageWindow(6, 12)).toEqual([1, 'gap', 4, 5, 6, 7, 8, 'gap', 12]);
    expect(pageWindow(12, 12)).toEqual([1, 'gap', 10, 11, 12]);
  });
});
