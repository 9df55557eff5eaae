import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { seedOnFirstRun } from '../../src/db/first-run.js';
import { createTestDatabase } from '../support/db.js';
import { insertCategory } from '../support/factories.js';

const log = pino({ level: 'silent' });
let database: DatabaseHandle;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.close());

const productCount = async () =>
  (await database.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

describe('first run of the embedded store', () => {
  it('loads the demo catalog once, and never again after the shop empties it', async () => {
    await seedOnFirstRun(database.db, log);
    expect(await productCount()).toBe(231);
    await database.db.deleteFrom('products').execute();
    await seedOnFirstRun(database.db, log);
    expect(await productCount()).toBe(0);
  });

  it('leaves a catalog the shop made itself alone, without failing to start', async () => {
    await insertCategory(database.db, { slug: 'our-own' });
    await expect(seedOnFirstRun(database.db, log)).resolves.toBeUndefined();
    expect(await productCount()).toBe(0);
  });
});
