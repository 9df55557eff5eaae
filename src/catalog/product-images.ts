import { recordAudit } from '../accounts/audit.js';
import type { Db } from '../db/database.js';
import { checkImage } from '../media/image-check.js';
import { newMediaKey, type MediaStorage } from '../media/storage.js';
import type { Actor } from './product-admin.js';

/** Product pictures uploaded by staff: checked by content, stored under a server-made name, served at /media/<key>. */

export const MAX_ALT_LENGTH = 250;

/** The path the storefront shows an uploaded picture at (product_images.url). */
export const mediaPath = (key: string) => `/media/${key}`;

/**
 * Checks and stores an upload, then records it (last in the product's order) and its audit
 * entry in one transaction. Throws ImageRefusedError for anything that is not an accepted
 * picture; nothing is written then. Returns undefined when there is no such product.
 */
export async function addProductImage(
  db: Db,
  storage: MediaStorage,
  actor: Actor,
  input: { productId: number; bytes: Uint8Array; alt: string; maxBytes: number },
): Promise<{ id: number; url: string } | undefined> {
  const product = await db.selectFrom('products').select(['id', 'name']).where('id', '=', input.productId).executeTakeFirst();
  if (!product) return undefined;
  const image = checkImage(input.bytes, input.maxBytes);
  const key = newMediaKey(image.extension);
  await storage.put(key, input.bytes, image.contentType);
  try {
    return await db.transaction().execute(async (trx) => {
      const last = await trx.selectFrom('product_images').select((eb) => eb.fn.max('position').as('position')).where('product_id', '=', product.id).executeTakeFirst();
      const row = {
        product_id: product.id,
        url: mediaPath(key),
        alt: input.alt.trim() || product.name,
        position: (last?.position ?? -1) + 1,
        storage_key: key,
        content_type: image.contentType,
        byte_size: image.byteSize,
      };
      const { id } = await trx.insertInto('product_images').values(row).returning('id').executeTakeFirstOrThrow();
      await recordAudit(trx, {
        action: 'product.image_added',
        actorUserId: actor.actorId,
        ip: actor.ip,
        entity: { type: 'product', id: product.id },
        after: { image_id: id, url: row.url, alt: row.alt, content_type: image.contentType, byte_size: image.byteSize, width: image.width, height: image.height },
      });
      return { id, url: row.url };
    });
  } catch (error) {
    // Not recorded, so not kept: no file without its row.
    await storage.remove(key).catch(() => undefined);
    throw error;
  }
}

type ImageChange = { kind: 'alt'; alt: string } | { kind: 'move'; direction: 'up' | 'down' };

/** Changes a picture's alt text or moves it one place; audited as product.image_updated. False when there is no such picture of this product. */
export async function updateProductImage(db: Db, actor: Actor, productId: number, imageId: number, change: ImageChange): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // The product row is locked so two reorderings of its pictures cannot interleave.
    if (!(await trx.selectFrom('products').select('id').where('id', '=', productId).forUpdate().executeTakeFirst())) return false;
    const images = await trx.selectFrom('product_images').select(['id', 'alt', 'position']).where('product_id', '=', productId).orderBy('position').orderBy('id').execute();
    const index = images.findIndex((image) => image.id === imageId);
    const image = images[index];
    if (!image) return false;
    if (change.kind === 'alt') {
      const alt = change.alt.trim();
      if (alt === image.alt) return true;
      await trx.updateTable('product_images').set({ alt }).where('id', '=', imageId).execute();
      await audit(trx, actor, productId, { image_id: imageId, alt: image.alt }, { image_id: imageId, alt });
      return true;
    }
    const target = change.direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= images.length) return true;
    const order = images.map((row) => row.id);
    [order[index], order[target]] = [order[target]!, order[index]!];
    for (const [position, id] of order.entries()) {
      if (images.find((row) => row.id === id)!.position !== position) await trx.updateTable('product_images').set({ position }).where('id', '=', id).execute();
    }
    await audit(trx, actor, productId, { image_id: imageId, position: index }, { image_id: imageId, position: target });
    return true;
  });
}

/** Removes a picture (its row, audited as product.image_removed, then its file). False when there is no such picture of this product. */
export async function removeProductImage(db: Db, storage: MediaStorage, actor: Actor, productId: number, imageId: number): Promise<boolean> {
  const removed = await db.transaction().execute(async (trx) => {
    const image = await trx.deleteFrom('product_images').where('id', '=', imageId).where('product_id', '=', productId).returning(['url', 'alt', 'storage_key']).executeTakeFirst();
    if (!image) return undefined;
    await recordAudit(trx, {
      action: 'product.image_removed',
      actorUserId: actor.actorId,
      ip: actor.ip,
      entity: { type: 'product', id: productId },
      before: { image_id: imageId, url: image.url, alt: image.alt },
    });
    return image;
  });
  if (!removed) return false;
  // After the commit: a file left behind by a failure here is harmless; a row without its file is not.
  if (removed.storage_key) await storage.remove(removed.storage_key);
  return true;
}

function audit(trx: Parameters<typeof recordAudit>[0], actor: Actor, productId: number, before: Record<string, unknown>, after: Record<string, unknown>) {
  return recordAudit(trx, { action: 'product.image_updated', actorUserId: actor.actorId, ip: actor.ip, entity: { type: 'product', id: productId }, before, after });
}
