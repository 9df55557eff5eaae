import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AddressLimitError, createAddress, deleteAddress, findAddress, listAddresses, MAX_ADDRESSES_PER_USER, updateAddress } from '../../accounts/addresses.js';
import type { User } from '../../db/schema-accounts.js';
import type { AppDeps } from '../../web/context.js';
import type { ApiApp } from '../app.js';
import { requireUser, userSecurity } from '../auth.js';
import type { ApiEnv } from '../context.js';
import { notFound, problemResponses, unprocessable } from '../problem.js';
import { Address, addressFormFrom, addressJson, SavedAddressInput } from '../schemas/account.js';
import { jsonBody } from '../content.js';

const addressAnswer = (description: string) => ({ description, content: { 'application/json': { schema: Address } } });
const tags = ['Addresses'];

const AddressId = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647).openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});
const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).openapi({ description: 'From 1.', example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Items per page, at most 100.', example: 20 }),
});
const AddressPage = z
  .object({ items: z.array(Address), page: z.number().int(), limit: z.number().int(), total: z.number().int(), totalPages: z.number().int() })
  .openapi('AddressPage');

/**
 * The address book, with the page's rules (src/accounts/addresses.ts): at most
 * MAX_ADDRESSES_PER_USER, the first saved is the default, one default at a time. Another
 * user's address answers 404, like one that does not exist.
 */
export function registerAddressRoutes(api: ApiApp, deps: AppDeps): void {
  const { db } = deps;
  const me = (c: Context<ApiEnv>) => c.get('apiUser') as User;

  api.openapi(
    createRoute({
      method: 'get',
      path: '/account/addresses',
      tags,
      security: userSecurity,
      middleware: [requireUser()] as const,
      summary: 'Your addresses',
      description: 'The default shipping address first, then the newest.',
      operationId: 'listAddresses',
      request: { query: PageQuery },
      responses: { 200: { description: 'A page of addresses', content: { 'application/json': { schema: AddressPage } } }, ...problemResponses(400, 401, 403, 429, 503) },
    }),
    async (c) => {
      const { page, limit } = c.req.valid('query');
      const all = await listAddresses(db, me(c).id);
      const items = all.slice((page - 1) * limit, page * limit).map(addressJson);
      return c.json({ items, page, limit, total: all.length, totalPages: Math.max(1, Math.ceil(all.length / limit)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/account/addresses',
      tags,
      security: userSecurity,
      middleware: [requireUser()] as const,
      summary: 'Save an address',
      description: `At most ${MAX_ADDRESSES_PER_USER} (422 beyond). The first address saved becomes the default shipping address.`,
      operationId: 'createAddress',
      request: { body: jsonBody(SavedAddressInput) },
      responses: { 201: addressAnswer('Saved'), ...problemResponses(400, 401, 403, 413, 415, 422, 429, 503) },
    }),
    async (c) => {
      try {
        return c.json(addressJson(await createAddress(db, me(c).id, addressFormFrom(c.req.valid('json')))), 201);
      } catch (error) {
        if (error instanceof AddressLimitError) throw unprocessable(error.message, undefined, 'address-limit');
        throw error;
      }
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/account/addresses/{id}',
      tags,
      security: userSecurity,
      middleware: [requireUser()] as const,
      summary: 'One of your addresses',
      operationId: 'getAddress',
      request: { params: AddressId },
      responses: { 200: addressAnswer('The address'), ...problemResponses(400, 401, 403, 404, 429, 503) },
    }),
    async (c) => {
      const address = await findAddress(db, me(c).id, c.req.valid('param').id);
      if (!address) throw notFound('This address');
      return c.json(addressJson(address), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/account/addresses/{id}',
      tags,
      security: userSecurity,
      middleware: [requireUser()] as const,
      summary: 'Replace one of your addresses',
      description: 'Every field is replaced, as the page\'s form does: `isDefaultShipping` true makes it the default; false or absent on the default leaves you with none.',
      operationId: 'updateAddress',
      request: { params: AddressId, body: jsonBody(SavedAddressInput) },
      responses: { 200: addressAnswer('Saved'), ...problemResponses(400, 401, 403, 404, 413, 415, 429, 503) },
    }),
    async (c) => {
      const address = await updateAddress(db, me(c).id, c.req.valid('param').id, addressFormFrom(c.req.valid('json')));
      if (!address) throw notFound('This address');
      return c.json(addressJson(address), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/account/addresses/{id}',
      tags,
      security: userSecurity,
      middleware: [requireUser()] as const,
      summary: 'Delete one of your addresses',
      description: 'Deleting the default leaves you with no default; none is chosen for you.',
      operationId: 'deleteAddress',
      request: { params: AddressId },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 429, 503) },
    }),
    async (c) => {
      if (!(await deleteAddress(db, me(c).id, c.req.valid('param').id))) throw notFound('This address');
      return c.body(null, 204);
    },
  );
}
