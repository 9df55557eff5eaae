import type { AppDeps } from '../../web/context.js';
import type { ApiApp } from '../app.js';

/** The OpenAPI 3.1 document every route contributes to; the docs page (docs.tsx) reads the same. */
export function registerDocsRoutes(api: ApiApp, deps: AppDeps): void {
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'hyperstore API',
      version: '1',
      description:
        'Catalog, search, cart, checkout, orders and account for the mobile apps; read-only catalog access for integrations. Errors are application/problem+json (RFC 9457). Within v1 changes are additive only: new endpoints, new optional request fields, new response fields. Clients must ignore response fields they do not know.',
    },
    servers: [{ url: new URL('/api/v1', deps.config.APP_URL).toString() }],
  });
}
