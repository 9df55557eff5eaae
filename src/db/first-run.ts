import type { Logger } from 'pino';
import type { Db } from './database.js';
import { CatalogNotEmptyError, SEEDED_SETTING, seedDemoCatalog } from './seed.js';

/**
 * The embedded database loads the demo catalog the first time it starts, so a newcomer
 * sees a real shop. Only once: a shop that later deletes its products stays empty.
 */
export async function seedOnFirstRun(db: Db, log: Logger): Promise<void> {
  const seeded = await db.selectFrom('app_settings').select('value').where('key', '=', SEEDED_SETTING).executeTakeFirst();
  if (seeded) return;
  try {
    log.info(await seedDemoCatalog(db), 'loaded the demo catalog');
  } catch (error) {
    // A shop that already has a catalog of its own keeps it.
    if (!(error instanceof CatalogNotEmptyError)) throw error;
  }
}
