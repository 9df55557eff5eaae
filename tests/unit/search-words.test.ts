import { describe, expect, it } from 'vitest';
import { correctSpelling, searchWords } from '../../src/catalog/search.js';
import { editDistance } from '../../src/lib/edit-distance.js';

describe('editDistance', () => {
  it.each([
    ['iphone', 'iphone', 0],
    ['iphnoe', 'iphone', 1],
    ['labtop', 'laptop', 1],
    ['mascra', 'mascara', 1],
    ['samsnug', 'samsung', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('stops at the limit', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('searchWords', () => {
  it('keeps letters and digits of any script, lower-cased', () => {
    expect(searchWords("Red DRESS, size 42!")).toEqual(['red', 'dress', 'size', '42']);
    expect(searchWords('فستان أحمر')).toEqual(['فستان', 'أحمر']);
    expect(searchWords("' OR 1=1--")).toEqual(['or', '1', '1']);
    expect(searchWords('% _ \\ 👗')).toEqual([]);
  });
});

describe('correctSpelling', () => {
  const vocabulary = [
    { word: 'iphone', uses: 9 },
    { word: 'laptop', uses: 5 },
    { word: 'laptops', uses: 5 },
    { word: 'mascara', uses: 1 },
    { word: 'red', uses: 4 },
    { word: 'dress', uses: 3 },
    { word: 'rolex', uses: 4 },
  ];

  it('replaces unknown words by the closest catalog word', () => {
    expect(correctSpelling('iphnoe', vocabulary)).toBe('iphone');
    expect(correctSpelling('Red labtop', vocabulary)).toBe('red laptop');
    expect(correctSpelling('rolx', vocabulary)).toBe('rolex');
  });

  it('leaves known words, prefixes and short words alone, and says when nothing changed', () => {
    expect(correctSpelling('red dress', vocabulary)).toBeUndefined();
    expect(correctSpelling('lapt', vocabulary)).toBeUndefined();
    expect(correctSpelling('xyz', vocabulary)).toBeUndefined();
    expect(correctSpelling('completely unrelated', vocabulary)).toBeUndefined();
  });
});
