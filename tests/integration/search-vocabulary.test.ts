import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSearchVocabulary } from '../../src/catalog/search.js';
import type { DatabaseHandle, Db } from '../../src/db/database.js';
import { seedDemoCatalog } from '../../src/db/seed.js';
import { createTestDatabase } from '../support/db.js';
import { insertProduct } from '../support/factories.js';

let handle: DatabaseHandle;
let db: Db;

beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
  await seedDemoCatalog(db);
});

afterAll(async () => {
  await handle.close();
});

/** What the vocabulary must hold: the words of active products' search text, counted. */
async function recomputed(): Promise<{ word: string; uses: number }[]> {
  const { rows } = await sql<{ word: string; uses: number }>`
    SELECT word, count(*)::integer AS uses
    FROM products, regexp_split_to_table(products.search_text, '[^[:alnum:]]+') AS word
    WHERE products.active AND length(word) >= 2
    GROUP BY word ORDER BY uses DESC, word`.execute(db);
  return rows;
}

const uses = async (word: string) => (await loadSearchVocabulary(db)).find((entry) => entry.word === word)?.uses;

describe('search vocabulary', () => {
  it('holds the words of the seeded catalog, most used first', async () => {
    const vocabulary = await loadSearchVocabulary(db);
    expect(vocabulary).toEqual(await recomputed());
    expect(vocabulary.map((entry) => entry.word)).toContain('iphone');
  });

  it('follows inserts, renames, deactivation, category renames and deletes', async () => {
    const { product } = await insertProduct(db, { name: 'Zyxwv Lamp' });
    expect(await uses('zyxwv')).toBe(1);
    await db.updateTable('products').set({ name: 'Qwertz Lamp' }).where('id', '=', product.id).execute();
    expect(await uses('zyxwv')).toBeUndefined();
    expect(await uses('qwertz')).toBe(1);
    await db.updateTable('products').set({ active: false }).where('id', '=', product.id).execute();
    expect(await uses('qwertz')).toBeUndefined();
    await db.updateTable('products').set({ active: true }).where('id', '=', product.id).execute();
    expect(await uses('qwertz')).toBe(1);
    await db.updateTable('categories').set({ name: 'Phonez' }).where('slug', '=', 'smartphones').execute();
    expect(await uses('phonez')).toBeGreaterThan(5);
    await db.deleteFrom('products').where('id', '=', product.id).execute();
    expect(await uses('qwertz')).toBeUndefined();
    expect(await loadSearchVocabulary(db)).toEqual(await recomputed());
  });

  it('can be rebuilt from scratch', async () => {
    await sql`DELETE FROM search_vocabulary`.execute(db);
    await sql`SELECT refresh_search_vocabulary()`.execute(db);
    expect(await loadSearchVocabulary(db)).toEqual(await recomputed());
  });
});
