import fc from 'fast-check';
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

  it('picks what a word-by-word scan of the vocabulary picks', () => {
    // The plain rules: a known word, a short word or a prefix of a known word stays; otherwise
    // the fewest edits within the word's allowance, then the most used, then the first in order.
    const reference = (text: string, words: { word: string; uses: number }[]) => {
      let changed = false;
      const corrected = searchWords(text).map((word) => {
        const limit = word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0;
        if (limit === 0 || words.some((entry) => entry.word.startsWith(word))) return word;
        let best: { word: string; distance: number; uses: number } | undefined;
        for (const entry of words) {
          const distance = editDistance(word, entry.word);
          if (distance <= limit && (!best || distance < best.distance || (distance === best.distance && entry.uses > best.uses))) best = { ...entry, distance };
        }
        if (best) changed = true;
        return best?.word ?? word;
      });
      return changed ? corrected.join(' ') : undefined;
    };
    const word = fc.stringMatching(/^[abcde]{1,9}$/);
    const vocabularyOf = fc
      .uniqueArray(fc.record({ word, uses: fc.integer({ min: 1, max: 4 }) }), { selector: (entry) => entry.word, maxLength: 40 })
      .map((entries) => entries.sort((a, b) => b.uses - a.uses || (a.word < b.word ? -1 : 1)));
    fc.assert(
      fc.property(vocabularyOf, fc.array(word, { minLength: 1, maxLength: 3 }), (words, typed) => {
        expect(correctSpelling(typed.join(' '), words)).toBe(reference(typed.join(' '), words));
      }),
      { numRuns: 500 },
    );
  });
});
