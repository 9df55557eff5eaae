import { describe, expect, it } from 'vitest';
import { isPlainRead, planShape, type PlanNode } from '../../src/db/query-plans.js';

describe('isPlainRead', () => {
  it.each([
    'select 1',
    '  SELECT * from products where id = $1',
    '(select 1) union (select 2)',
    'with recent as (select * from orders) select * from recent',
    '/* page */ select * from products',
    'select * from product_variants where id = $1 for update',
    'select 1;',
    'select updated_at, deleted_count from products',
  ])('asks for the plan of %s', (sql) => expect(isPlainRead(sql)).toBe(true));

  it.each([
    'insert into carts default values returning id',
    'update products set name = $1',
    'delete from carts where id = $1',
    'with gone as (delete from carts returning id) select * from gone',
    'select * into copy_of_products from products',
    'select 1; delete from carts',
    'explain select 1',
    'begin',
    'truncate carts',
  ])('never for %s', (sql) => expect(isPlainRead(sql)).toBe(false));
});

describe('planShape', () => {
  it('chains single children and lists joined ones, with index and table names', () => {
    const plan: PlanNode = {
      'Node Type': 'Limit',
      Plans: [
        {
          'Node Type': 'Sort',
          Plans: [
            {
              'Node Type': 'Hash Join',
              'Join Type': 'Left',
              Plans: [
                { 'Node Type': 'Seq Scan', 'Relation Name': 'products' },
                { 'Node Type': 'Hash', Plans: [{ 'Node Type': 'Index Scan', 'Index Name': 'variants_product_idx', 'Relation Name': 'product_variants' }] },
              ],
            },
          ],
        },
      ],
    };
    expect(planShape(plan)).toBe('Limit > Sort > Hash Left Join (Seq Scan on products, Hash > Index Scan using variants_product_idx on product_variants)');
  });

  it('names aggregates and nested loops as EXPLAIN does, and marks sub-plans', () => {
    const plan: PlanNode = {
      'Node Type': 'Aggregate',
      Strategy: 'Hashed',
      Plans: [
        {
          'Node Type': 'Nested Loop',
          'Join Type': 'Anti',
          Plans: [
            { 'Node Type': 'Function Scan', 'Function Name': 'generate_series' },
            { 'Node Type': 'Bitmap Heap Scan', 'Relation Name': 'orders', Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'orders_user_idx' }] },
            { 'Node Type': 'Result', 'Parent Relationship': 'InitPlan' },
          ],
        },
      ],
    };
    expect(planShape(plan)).toBe(
      'HashAggregate > Nested Loop Anti Join (Function Scan on generate_series, Bitmap Heap Scan on orders > Bitmap Index Scan using orders_user_idx, InitPlan: Result)',
    );
  });
});
