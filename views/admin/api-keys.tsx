import type { ApiKeyListItem } from '../../src/accounts/api-key-admin.js';
import { Field, Notice, type FieldErrors } from '../components/field.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

export interface ApiKeysPageProps {
  layout: AdminLayoutProps;
  keys: ApiKeyListItem[];
  /** The create form as typed, and why it was refused. */
  values: { name?: string };
  errors: FieldErrors;
  /** A key made just now: the only page that ever shows it whole. */
  created?: { key: string; name: string };
}

const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const scopeText: Record<string, string> = { 'catalog:read': 'Read the catalog' };

/** Integration keys for the JSON API: the list, a form for a new one, and revoking. */
export function ApiKeysPage(props: ApiKeysPageProps): JSX.Element {
  return (
    <AdminLayout layout={props.layout} section="api-keys" title="API keys">
      <h1 class="page-title mb-2">API keys</h1>
      <p class="mb-4 max-w-prose text-sm text-slate-700">
        Keys let other systems (a price comparison site, a product feed) read the catalog through the <a class="text-link" href="/api/v1/docs">JSON API</a>. A key can only read products and
        categories; it can never see customers, carts or orders.
      </p>
      {props.created ? <NewKeyPanel secret={props.created.key} name={props.created.name} /> : ''}
      <CreateKeyForm values={props.values} errors={props.errors} />
      <KeyList keys={props.keys} />
    </AdminLayout>
  );
}

function NewKeyPanel({ secret, name }: { secret: string; name: string }): JSX.Element {
  return (
    <section class="panel mb-6 border-emerald-300 bg-emerald-50" aria-labelledby="new-key-heading" data-new-api-key="shown-once">
      <h2 id="new-key-heading" class="section-title mb-2">
        Copy the key for “<span safe>{name}</span>” now
      </h2>
      <p class="mb-3 text-sm text-slate-800">This is the only time the whole key is shown. Store it in the integration’s secret settings; if it is lost, revoke it and make a new one.</p>
      <label for="new-api-key" class="label">
        The key
      </label>
      <input id="new-api-key" class="input font-mono" type="text" readonly value={secret} aria-describedby="new-api-key-hint" autocomplete="off" spellcheck="false" />
      <p id="new-api-key-hint" class="field-hint mt-1">
        Click the field, select all (Ctrl+A or ⌘A) and copy (Ctrl+C or ⌘C). Send it as <code>{'Authorization: Bearer &lt;key&gt;'}</code>.
      </p>
    </section>
  );
}

function CreateKeyForm({ values, errors }: { values: ApiKeysPageProps['values']; errors: FieldErrors }): JSX.Element {
  return (
    <section class="panel mb-6" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading" class="section-title mb-2">
        New key
      </h2>
      {errors.name ? <Notice tone="error" message="No key was made: see the form." /> : ''}
      <form method="post" action="/admin/api-keys" class="flex flex-wrap items-end gap-3">
        <div class="min-w-0 flex-1 basis-64">
          <Field name="name" label="Name" value={values.name ?? ''} errors={errors} maxlength={100} hint="Who uses it, such as “Price comparison feed”. 1 to 100 characters." />
        </div>
        <button type="submit" class="btn-primary mb-4">
          Create key
        </button>
      </form>
    </section>
  );
}

function KeyList({ keys }: { keys: ApiKeyListItem[] }): JSX.Element {
  return (
    <section aria-labelledby="key-list-heading">
      <h2 id="key-list-heading" class="section-title mb-2">
        Keys
      </h2>
      {keys.length === 0 ? (
        <p class="panel text-slate-700">No keys yet.</p>
      ) : (
        <div class="table-wrap" tabindex="0" role="region" aria-label="Key table">
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Made and used (UTC)</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <KeyRow item={key} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Three columns, each stacking its details, so the table fits a phone without much scrolling. */
function KeyRow({ item }: { item: ApiKeyListItem }): JSX.Element {
  return (
    <tr data-api-key={String(item.id)} class="align-top">
      <td>
        <span class="font-semibold break-words" safe>
          {item.name}
        </span>
        <br />
        <span class="font-mono text-xs" safe>
          {`${item.displayPrefix}…`}
        </span>
        <br />
        <span class="text-xs text-slate-600" safe>
          {item.scopes.map((scope) => scopeText[scope] ?? scope).join(', ')}
        </span>
      </td>
      <td>
        <span safe>{`Made ${when.format(item.createdAt)}`}</span>
        <br />
        <span class="text-slate-600">
          by <span safe>{item.createdBy ?? 'a removed account'}</span>
        </span>
        <br />
        <span data-last-used>
          {item.lastUsedAt ? `Last used ${when.format(item.lastUsedAt)}` : 'Never used'}
        </span>
      </td>
      <td>{item.revokedAt ? <RevokedPill at={item.revokedAt} /> : <RevokeControl item={item} />}</td>
    </tr>
  );
}

function RevokedPill({ at }: { at: Date }): JSX.Element {
  return (
    <span class="status-pill coupon-ended" data-api-key-state="revoked" safe>
      {`Revoked ${when.format(at)}`}
    </span>
  );
}

/** Two steps without script: open the disclosure, then confirm. */
function RevokeControl({ item }: { item: ApiKeyListItem }): JSX.Element {
  return (
    <details data-api-key-state="live">
      <summary class="text-link cursor-pointer whitespace-nowrap">
        <span class="status-pill coupon-active">Live</span> Revoke…
      </summary>
      <form method="post" action={`/admin/api-keys/${item.id}/revoke`} class="mt-2 grid gap-2">
        <p class="text-sm text-slate-700">Anything using this key stops working at once. This cannot be undone.</p>
        <button type="submit" class="btn-secondary" aria-label={`Revoke the key ${item.name}`}>
          Revoke this key
        </button>
      </form>
    </details>
  );
}
