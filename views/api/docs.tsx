import type { ApiDocsModel, FieldDoc, OperationDoc } from '../../src/api/docs-model.js';
import { Document, type DocumentAssets } from '../layouts/document.js';
import { ApiGuide, type ApiGuideProps } from './guide.js';

export interface ApiDocsPageProps extends ApiGuideProps {
  storeName: string;
  assets: DocumentAssets;
  model: ApiDocsModel;
}

const methodClass: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-900',
  POST: 'bg-emerald-100 text-emerald-900',
  PUT: 'bg-amber-100 text-amber-900',
  PATCH: 'bg-amber-100 text-amber-900',
  DELETE: 'bg-red-100 text-red-900',
};

export const tagAnchor = (tag: string) => `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** The API's reference, rendered on the server from the same OpenAPI document the app serves. */
export function ApiDocsPage(props: ApiDocsPageProps): JSX.Element {
  const { model } = props;
  return (
    <Document title={`${model.title} v${model.version} · ${props.storeName}`} siteName={props.storeName} meta={{ description: 'The store’s JSON API: endpoints, authentication, errors, pagination, quotas and versioning.' }} assets={props.assets}>
      <a href="#api-main" class="skip-link">
        Skip to content
      </a>
      <header class="site-header">
        <div class="header-bar">
          <a href="/" class="logo">
            <img src={props.assets.favicon} alt="" width="28" height="28" />
            <span safe>{props.storeName}</span>
          </a>
          <span class="text-sm text-slate-600">API reference</span>
          <a href="/api/v1/openapi.json" class="text-link ml-auto text-sm">
            openapi.json
          </a>
        </div>
      </header>
      <div class="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:grid lg:grid-cols-[15rem_minmax(0,1fr)] lg:gap-8 lg:px-8">
        <Contents model={model} />
        <main id="api-main" class="min-w-0">
          <h1 class="page-title mb-2" safe>
            {`${model.title} v${model.version}`}
          </h1>
          <p class="mb-2 max-w-prose text-slate-700" safe>
            {model.description}
          </p>
          <p class="mb-6 text-sm text-slate-700">
            Base URL: <code class="font-mono break-all" safe>{model.baseUrl}</code>. Every path below is relative to it.
          </p>
          <ApiGuide {...props} />
          {model.tags.map((tag) => (
            <section aria-labelledby={tagAnchor(tag.name)} class="mb-8 scroll-mt-20">
              <h2 id={tagAnchor(tag.name)} class="section-title mb-3 scroll-mt-20" safe>
                {tag.name}
              </h2>
              {tag.operations.map((operation) => (
                <OperationCard operation={operation} />
              ))}
            </section>
          ))}
        </main>
      </div>
    </Document>
  );
}

function Contents({ model }: { model: ApiDocsModel }): JSX.Element {
  return (
    <nav aria-label="API contents" class="mb-6 text-sm lg:sticky lg:top-20 lg:max-h-[calc(100vh-6rem)] lg:overflow-y-auto">
      <details class="rounded-xl border border-slate-200 bg-white p-4 lg:border-0 lg:bg-transparent lg:p-0" open>
        <summary class="cursor-pointer font-semibold text-slate-900">Contents</summary>
        <ul class="mt-2 space-y-1">
          {['Authentication', 'Errors', 'Pagination', 'Quotas', 'Versioning'].map((name) => (
            <li>
              <a class="text-link" href={`#${name.toLowerCase()}`} safe>
                {name}
              </a>
            </li>
          ))}
          {model.tags.map((tag) => (
            <li class="pt-2">
              <a class="text-link" href={`#${tagAnchor(tag.name)}`} safe>
                {tag.name}
              </a>
              <ul class="mt-1 space-y-1 pl-3">
                {tag.operations.map((operation) => (
                  <li>
                    <a class="font-mono text-xs text-slate-700 hover:underline" href={`#${operation.id}`} safe>
                      {`${operation.method} ${operation.path}`}
                    </a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </details>
    </nav>
  );
}

function OperationCard({ operation }: { operation: OperationDoc }): JSX.Element {
  return (
    <article id={operation.id} class="panel scroll-mt-20" aria-labelledby={`${operation.id}-title`} data-operation={operation.id}>
      <h3 id={`${operation.id}-title`} class="mb-1 flex flex-wrap items-baseline gap-2 font-mono text-base font-semibold break-all text-slate-900">
        <span class={`rounded px-1.5 py-0.5 text-xs ${methodClass[operation.method] ?? 'bg-slate-100'}`} safe>
          {operation.method}
        </span>
        <span safe>{operation.path}</span>
      </h3>
      <p class="font-medium text-slate-900" safe>
        {operation.summary}
      </p>
      {operation.description ? (
        <p class="mt-1 max-w-prose text-sm text-slate-700" safe>
          {operation.description}
        </p>
      ) : (
        ''
      )}
      <p class="mt-2 text-sm text-slate-700">
        <span class="font-semibold">Auth:</span> <span safe>{operation.auth}</span>{' '}
        <span class="text-slate-500">
          · operationId <code safe>{operation.id}</code>
        </span>
      </p>
      {operation.parameters.length ? <Fields caption="Parameters" fields={operation.parameters} showWhere /> : ''}
      {operation.body ? <Fields caption="Request body (application/json)" fields={operation.body} /> : ''}
      <h4 class="mt-3 mb-1 text-sm font-semibold text-slate-900">Responses</h4>
      <ul class="flex flex-wrap gap-x-4 gap-y-1 text-sm" data-responses>
        {operation.responses.map((response) => (
          <li>
            <code class="font-semibold" safe>
              {response.status}
            </code>{' '}
            <span class="text-slate-700" safe>
              {response.description}
            </span>
          </li>
        ))}
      </ul>
    </article>
  );
}

/** Fields as a list rather than a table: long types and descriptions stay readable on a phone. */
function Fields({ caption, fields, showWhere = false }: { caption: string; fields: FieldDoc[]; showWhere?: boolean }): JSX.Element {
  return (
    <div class="mt-3 rounded-xl border border-slate-200" data-fields>
      <h4 class="border-b border-slate-200 bg-slate-50 px-3 py-2 text-sm font-semibold text-slate-900" safe>
        {caption}
      </h4>
      <ul class="divide-y divide-slate-200 text-sm">
        {fields.map((field) => (
          <li class="px-3 py-2">
            <p class="flex flex-wrap items-baseline gap-x-2">
              <code class="font-semibold text-slate-900" safe>
                {field.name}
              </code>
              {showWhere ? <span class="text-xs text-slate-600" safe>{`in ${field.where ?? ''}`}</span> : ''}
              <span class={field.required ? 'text-xs font-semibold text-red-800' : 'text-xs text-slate-600'}>{field.required ? 'required' : 'optional'}</span>
            </p>
            <p class="font-mono text-xs break-words text-slate-700" safe>
              {field.type}
            </p>
            {field.description ? (
              <p class="text-slate-700" safe>
                {field.description}
              </p>
            ) : (
              ''
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
