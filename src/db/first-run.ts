import type { Logger } from 'pino';
import type { Db } from './database.js';
import { seedDemoCatalog } from './seed.js';

export const SEEDED_SETTING = 'demo_catalog_seeded_at';

/**
 * The embedded database loads the demo catalog the first time it starts, so a newcomer
 * sees a real shop. Only once: a shop that later deletes its products stays empty.
 */
export async function seedOnFirstRun(db: Db, log: Logger): Promise<void> {
  const seeded = await db.selectFrom('app_settings').select('value').where('key', '=', SEEDED_SETTING).executeTakeFirst();
  if (seeded) return;
  const { count } = await db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (count > 0) return;
  const summary = await seedDemoCatalog(db);
  log.info(summary, 'loaded the demo catalog');
}
