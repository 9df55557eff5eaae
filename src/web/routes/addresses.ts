import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { addressForm } from '../../accounts/account-forms.js';
import { AddressLimitError, MAX_ADDRESSES_PER_USER, createAddress, deleteAddress, findAddress, listAddresses, setDefaultAddress, updateAddress } from '../../accounts/addresses.js';
import type { User } from '../../db/schema-accounts.js';
import { AddressesPage, EditAddressPage, addressValues, type AddressField, type AddressValues, type AddressesPageProps } from '../../../views/account/addresses.js';
import type { FieldErrors } from '../../../views/components/field.js';
import type { AppDeps, AppEnv } from '../context.js';
import { NotFoundError } from '../errors.js';
import { fieldErrors, readForm } from '../forms.js';
import { layoutFor } from '../layout.js';
import { redirectTo, renderPage } from '../render.js';
import { requireUser } from '../session.js';

const NOTICES: Record<string, string> = {
  added: 'Address saved.',
  saved: 'Address updated.',
  deleted: 'Address deleted.',
  default: 'Default shipping address changed.',
};
const FIELDS: AddressField[] = ['full_name', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country', 'phone', 'is_default_shipping'];

/** The address id in the path: anything but a positive int4 names no address of anyone's. */
function addressIdOf(c: Context<AppEnv>): number {
  const raw = c.req.param('id') ?? '';
  const id = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : 0;
  if (id < 1 || id > 2_147_483_647) throw new NotFoundError();
  return id;
}

/** What a refused form shows again: its own fields only, clipped so a 1 MB value is not sent back. */
function echo(fields: Record<string, string>): AddressValues {
  return Object.fromEntries(FIELDS.filter((name) => name in fields).map((name) => [name, fields[name]!.slice(0, 400)]));
}

/** The signed-in user's address book. Another user's address id answers 404, like one that does not exist. */
export function addressRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { db } = deps;
  // accountRoutes guards /account/* already when mounted first; this keeps the guard if the mounts are ever reordered.
  app.use('/account/addresses', requireUser());
  app.use('/account/addresses/*', requireUser());
  const me = (c: Context<AppEnv>) => c.get('user') as User;

  const list = async (c: Context<AppEnv>, props: Pick<AddressesPageProps, 'notice' | 'formError' | 'errors' | 'values'> = {}, status: 200 | 422 = 200) => {
    const [layout, addresses] = await Promise.all([layoutFor(deps, c), listAddresses(db, me(c).id)]);
    return renderPage(c, { page: () => AddressesPage({ layout, addresses, maxAddresses: MAX_ADDRESSES_PER_USER, ...props }) }, status);
  };
  const edit = async (c: Context<AppEnv>, addressId: number, values: AddressValues, errors?: FieldErrors, status: 200 | 422 = 200) => {
    const layout = await layoutFor(deps, c);
    return renderPage(c, { page: () => EditAddressPage({ layout, addressId, values, ...(errors ? { errors } : {}) }) }, status);
  };

  const update = async (c: Context<AppEnv>, fields: Record<string, string>) => {
    const id = addressIdOf(c);
    if (!(await findAddress(db, me(c).id, id))) throw new NotFoundError();
    const parsed = addressForm.safeParse(fields);
    if (!parsed.success) return edit(c, id, echo(fields), fieldErrors(parsed.error), 422);
    if (!(await updateAddress(db, me(c).id, id, parsed.data))) throw new NotFoundError();
    return redirectTo(c, '/account/addresses?done=saved');
  };
  const remove = async (c: Context<AppEnv>) => {
    if (!(await deleteAddress(db, me(c).id, addressIdOf(c)))) throw new NotFoundError();
    return redirectTo(c, '/account/addresses?done=deleted');
  };

  app.get('/account/addresses', (c) => list(c, { ...(NOTICES[c.req.query('done') ?? ''] ? { notice: NOTICES[c.req.query('done')!] } : {}) }));
  app.post('/account/addresses', async (c) => {
    const fields = await readForm(c);
    const parsed = addressForm.safeParse(fields);
    if (!parsed.success) return list(c, { errors: fieldErrors(parsed.error), values: echo(fields) }, 422);
    try {
      await createAddress(db, me(c).id, parsed.data);
    } catch (error) {
      if (error instanceof AddressLimitError) return list(c, { formError: error.message, values: echo(fields) }, 422);
      throw error;
    }
    return redirectTo(c, '/account/addresses?done=added');
  });

  app.get('/account/addresses/:id', async (c) => {
    const id = addressIdOf(c);
    const address = await findAddress(db, me(c).id, id);
    if (!address) throw new NotFoundError();
    return edit(c, id, addressValues(address));
  });
  app.put('/account/addresses/:id', async (c) => update(c, await readForm(c)));
  app.delete('/account/addresses/:id', (c) => remove(c));
  // Browsers only POST forms: `_method` says which of the two the form means (CONTRACT.md).
  app.post('/account/addresses/:id', async (c) => {
    const fields = await readForm(c);
    const method = (fields._method ?? 'PUT').toUpperCase();
    if (method === 'PUT') return update(c, fields);
    if (method === 'DELETE') return remove(c);
    throw new HTTPException(405, { message: 'That is not something this form can do.' });
  });
  app.post('/account/addresses/:id/delete', (c) => remove(c));
  app.post('/account/addresses/:id/default', async (c) => {
    if (!(await setDefaultAddress(db, me(c).id, addressIdOf(c)))) throw new NotFoundError();
    return redirectTo(c, '/account/addresses?done=default');
  });

  return app;
}
