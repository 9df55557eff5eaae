import type { DbOrTx } from '../db/database.js';
import type { UserAddress } from '../db/schema-accounts.js';
import type { AddressInput } from './account-forms.js';

/**
 * A customer's saved addresses. Every query names the owner (`user_id`) beside the address id,
 * so another user's id finds nothing, exactly like an id that does not exist: callers answer
 * 404 for both and cannot be used to learn which ids are taken.
 *
 * Default shipping address, at most one per user (a partial unique index holds the database
 * to it): the first address saved becomes the default, since there is nothing else to ship
 * to; afterwards only the customer moves it. Deleting the default leaves the customer with
 * none rather than promoting another address: the store never picks a shipping address on
 * someone's behalf.
 *
 * Each write first locks the owner's `users` row, so a user's address writes run one at a time:
 * two simultaneous "make default" clicks cannot trip the unique index, and two simultaneous
 * additions cannot pass the cap together.
 */

export const MAX_ADDRESSES_PER_USER = 20;

export class AddressLimitError extends Error {
  override name = 'AddressLimitError';
  constructor() {
    super(`You can keep up to ${MAX_ADDRESSES_PER_USER} addresses. Delete one you no longer use to add another.`);
  }
}

/** The fields a form may set: named one by one, so nothing else a request carries reaches the row. */
function columnsFrom(input: AddressInput) {
  return {
    full_name: input.full_name,
    address_line1: input.address_line1,
    address_line2: input.address_line2,
    city: input.city,
    state: input.state,
    postal_code: input.postal_code,
    country: input.country,
    phone: input.phone,
  };
}

/** The default first, then the newest. */
export async function listAddresses(db: DbOrTx, userId: number): Promise<UserAddress[]> {
  return db
    .selectFrom('user_addresses')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('is_default_shipping', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function findAddress(db: DbOrTx, userId: number, addressId: number): Promise<UserAddress | undefined> {
  return db.selectFrom('user_addresses').selectAll().where('id', '=', addressId).where('user_id', '=', userId).executeTakeFirst();
}

/** Runs `work` in a transaction of its own, or inside the caller's when given one. */
function atomically<T>(db: DbOrTx, work: (trx: DbOrTx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

async function lockOwner(trx: DbOrTx, userId: number): Promise<void> {
  await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
}

async function clearDefault(trx: DbOrTx, userId: number): Promise<void> {
  await trx.updateTable('user_addresses').set({ is_default_shipping: false }).where('user_id', '=', userId).where('is_default_shipping', '=', true).execute();
}

/** Saves a new address; AddressLimitError once the user has MAX_ADDRESSES_PER_USER. */
export async function createAddress(db: DbOrTx, userId: number, input: AddressInput): Promise<UserAddress> {
  return atomically(db, async (trx) => {
    await lockOwner(trx, userId);
    const { count } = await trx
      .selectFrom('user_addresses')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    if (Number(count) >= MAX_ADDRESSES_PER_USER) throw new AddressLimitError();
    const makeDefault = input.is_default_shipping === '1' || Number(count) === 0;
    if (makeDefault) await clearDefault(trx, userId);
    return trx
      .insertInto('user_addresses')
      .values({ ...columnsFrom(input), user_id: userId, is_default_shipping: makeDefault })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/**
 * Rewrites the user's address; undefined when they have no such address. The form's checkbox
 * is the default flag: ticked makes this the default, unticked on the default leaves none.
 */
export async function updateAddress(db: DbOrTx, userId: number, addressId: number, input: AddressInput): Promise<UserAddress | undefined> {
  return atomically(db, async (trx) => {
    await lockOwner(trx, userId);
    if (!(await findAddress(trx, userId, addressId))) return undefined;
    const makeDefault = input.is_default_shipping === '1';
    if (makeDefault) await clearDefault(trx, userId);
    return trx
      .updateTable('user_addresses')
      .set({ ...columnsFrom(input), is_default_shipping: makeDefault })
      .where('id', '=', addressId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
  });
}

/** Makes the address the user's default shipping address, the previous one no longer; false when there is no such address. */
export async function setDefaultAddress(db: DbOrTx, userId: number, addressId: number): Promise<boolean> {
  return atomically(db, async (trx) => {
    await lockOwner(trx, userId);
    if (!(await findAddress(trx, userId, addressId))) return false;
    // Cleared before set: the unique index allows one default at every moment, not only at commit.
    await clearDefault(trx, userId);
    await trx.updateTable('user_addresses').set({ is_default_shipping: true }).where('id', '=', addressId).where('user_id', '=', userId).execute();
    return true;
  });
}

/** Deletes the user's address (the default too, leaving none); false when there is no such address. */
export async function deleteAddress(db: DbOrTx, userId: number, addressId: number): Promise<boolean> {
  const deleted = await db.deleteFrom('user_addresses').where('id', '=', addressId).where('user_id', '=', userId).returning('id').executeTakeFirst();
  return deleted !== undefined;
}
