import { describe, expect, it } from 'vitest';
import { listingSearchParams, parseListingQuery } from '../../src/catalog/listing-query.js';

describe('parseListingQuery', () => {
  it('has sensible defaults', () => {
    expect(parseListingQuery({})).toEqual({ query: { brands: [], inStock: false, sort: 'newest', page: 1, perPage: 24 }, problems: [] });
    expect(parseListingQuery({ q: 'phone' }).query.sort).toBe('relevance');
  });

  it('reads every contract parameter', () => {
    const { query, problems } = parseListingQuery({
      q: ' red dress ',
      category: 'tops',
      brand: ['Apple', 'Apple', 'Samsung'],
      min_price: '10',
      max_price: '99.5',
      in_stock: '1',
      sort: 'price_desc',
      page: '3',
      per_page: '48',
    });
    expect(problems).toEqual([]);
    expect(query).toEqual({
      q: 'red dress',
      category: 'tops',
      brands: ['Apple', 'Samsung'],
      minPriceCents: 1000,
      maxPriceCents: 9950,
      inStock: true,
      sort: 'price_desc',
      page: 3,
      perPage: 48,
    });
  });

  it.each([
    [{ page: '-1' }, 1, 24],
    [{ page: 'abc' }, 1, 24],
    [{ page: '0' }, 1, 24],
    [{ page: '99999999999999999999999' }, 1, 24],
    [{ page: '20000' }, 10_000, 24],
    [{ per_page: '1000000000' }, 1, 100],
    [{ per_page: '0' }, 1, 1],
    [{ per_page: '2.5' }, 1, 24],
  ])('clamps navigation %j', (params, page, perPage) => {
    const { query, problems } = parseListingQuery(params);
    expect([query.page, query.perPage]).toEqual([page, perPage]);
    expect(problems).toEqual([]);
  });

  it('falls back to the default order for an unknown sort', () => {
    expect(parseListingQuery({ sort: 'DROP TABLE' }).query.sort).toBe('newest');
  });

  it('reports mistyped prices and drops them', () => {
    const { query, problems } = parseListingQuery({ min_price: 'abc', max_price: '-5' });
    expect(query.minPriceCents).toBeUndefined();
    expect(query.maxPriceCents).toBeUndefined();
    expect(problems.map((problem) => problem.field)).toEqual(['min_price', 'max_price']);
  });

  it('reports a minimum above the maximum', () => {
    const { query, problems } = parseListingQuery({ min_price: '50', max_price: '10' });
    expect(problems).toEqual([{ field: 'max_price', message: 'The maximum price must not be below the minimum.' }]);
    expect(query.minPriceCents).toBeUndefined();
  });

  it('limits the search text', () => {
    const { query, problems } = parseListingQuery({ q: 'x'.repeat(10_000) });
    expect(query.q).toHaveLength(200);
    expect(problems[0]?.field).toBe('q');
  });
});

describe('listingSearchParams', () => {
  it('round-trips and leaves defaults out', () => {
    const { query } = parseListingQuery({ q: 'tv', brand: ['LG'], min_price: '5.50', in_stock: '1', page: '2' });
    expect(listingSearchParams(query).toString()).toBe('q=tv&brand=LG&min_price=5.50&in_stock=1&page=2');
    expect(listingSearchParams(query, { page: 1 }).toString()).toBe('q=tv&brand=LG&min_price=5.50&in_stock=1');
    expect(parseListingQuery(Object.fromEntries(listingSearchParams(query))).query.minPriceCents).toBe(550);
  });
});
