import { ApiDocsPage } from '../../../views/api/docs.js';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from '../../accounts/api-tokens.js';
import type { AppDeps } from '../../web/context.js';
import { documentAssets } from '../../web/layout.js';
import type { ApiApp } from '../app.js';
import { docsModel, type OpenApiDoc } from '../docs-model.js';
import { PROBLEM_TYPES } from '../problem-types.js';

/** The OpenAPI 3.1 document every route contributes to, and the docs page made from the same. */
export function registerDocsRoutes(api: ApiApp, deps: AppDeps): void {
  const config = {
    openapi: '3.1.0',
    info: {
      title: 'hyperstore API',
      version: '1',
      description:
        'Catalog, search, cart, checkout, orders and account for the mobile apps; read-only catalog access for integrations. Errors are application/problem+json (RFC 9457). Within v1 changes are additive only: new endpoints, new optional request fields, new response fields. Clients must ignore response fields they do not know.',
    },
    servers: [{ url: new URL('/api/v1', deps.config.APP_URL).toString() }],
  };
  api.doc31('/openapi.json', config);

  // Rendered once, on first request: by then every route file has registered its operations.
  let page: string | undefined;
  const render = async () => {
    const model = docsModel(api.getOpenAPI31Document(config) as OpenApiDoc);
    return String(
      await ApiDocsPage({
        storeName: deps.config.STORE_NAME,
        assets: documentAssets(deps),
        model,
        problemTypes: PROBLEM_TYPES,
        quotas: { perIp: deps.config.API_RATE_LIMIT_PER_IP, perCaller: deps.config.API_RATE_LIMIT_PER_TOKEN },
        tokens: { accessMinutes: ACCESS_TOKEN_SECONDS / 60, customerRefreshDays: REFRESH_TOKEN_SECONDS.customer / 86_400, staffRefreshHours: REFRESH_TOKEN_SECONDS.admin / 3_600 },
      }),
    );
  };

  // A page for people, not an operation: it is left out of the document it describes.
  api.get('/docs', async (c) => {
    page ??= await render();
    // The API's default is no-store; this page is the same for everyone until the next deploy.
    c.header('Cache-Control', 'public, max-age=300');
    return c.html(page);
  });
}
