import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListingQuery } from '../../src/catalog/listing-query.js';
import { listProducts } from '../../src/catalog/products.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createTestDatabase } from '../support/db.js';
import { insertProduct } from '../support/factories.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.close());

describe('search index', () => {
  it('takes new entries into its tree, with no pending list for every search to read', async () => {
    const { rows } = await sql<{ options: string[] | null }>`
      SELECT reloptions AS options FROM pg_class WHERE relname = 'products_search_document_idx'`.execute(handle.db);
    expect(rows[0]?.options).toContain('fastupdate=off');
  });

  it('finds a product as soon as it is written and after it is renamed', async () => {
    // A SKU without the name's words: SKUs are searchable too.
    const { product } = await insertProduct(handle.db, { name: 'Quokka Lamp' }, [{ sku: 'LAMP-QW-1' }]);
    const names = async (q: string) => (await listProducts(handle.db, parseListingQuery({ q }).query)).items.map((item) => item.name);
    expect(await names('quokka')).toEqual(['Quokka Lamp']);
    await handle.db.updateTable('products').set({ name: 'Wombat Lamp' }).where('id', '=', product.id).execute();
    expect(await names('quokka')).toEqual([]);
    expect(await names('wombat')).toEqual(['Wombat Lamp']);
  });
});
