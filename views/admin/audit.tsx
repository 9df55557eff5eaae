import { auditValueText, diffRows, ENTITY_TYPES, entityHref, type AuditEntry, type AuditFilter, type AuditResult } from '../../src/accounts/audit-log.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';
import { ErrorText, errorAttrs } from './coupon-form.js';

export const AUDIT_RESULTS_ID = 'audit-results';

/** Suggestions for the action box: the groups, then a few common actions. */
const ACTION_SUGGESTIONS = ['product.', 'category.', 'stock.', 'order.', 'coupon.', 'user.', 'login.', 'settings.changed', 'catalog.imported', 'return.decided', 'role.changed', 'api_key.'];
const filterLabels: Record<string, string> = { action: 'Action', actor: 'Who', entity_type: 'Entity', entity_id: 'Entity id', from: 'From', to: 'To' };
const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

export interface AuditPageProps {
  layout: AdminLayoutProps;
  filter: AuditFilter;
  errors: Partial<Record<string, string>>;
  result: AuditResult;
  orderNumbers: Map<string, string>;
}

/** The log's address with these filters, and a keyset position to page from. */
export function auditHref(filter: AuditFilter, position: { before?: number; after?: number } = {}): string {
  const params = new URLSearchParams();
  const fields: [string, string][] = [
    ['action', filter.action],
    ['actor', filter.actor],
    ['entity_type', filter.entityType],
    ['entity_id', filter.entityId],
    ['from', filter.from],
    ['to', filter.to],
  ];
  for (const [name, value] of fields) if (value) params.set(name, value);
  if (position.before !== undefined) params.set('before', String(position.before));
  if (position.after !== undefined) params.set('after', String(position.after));
  const query = params.toString();
  return query ? `/admin/audit?${query}` : '/admin/audit';
}

export function AuditPage(props: AuditPageProps): JSX.Element {
  const { filter, errors } = props;
  return (
    <AdminLayout layout={props.layout} section="audit" title="Audit log">
      <h1 class="page-title mb-1">Audit log</h1>
      <p class="mb-4 text-sm text-slate-600">Every staff and account action, newest first. Times are UTC. Nothing here can be changed or removed.</p>
      <form method="get" action="/admin/audit" class="admin-toolbar" role="search" aria-label="Audit log" hx-get="/admin/audit" hx-target={`#${AUDIT_RESULTS_ID}`} hx-swap="outerHTML" hx-push-url="true">
        <FilterInput name="action" label="Action or group" value={filter.action} error={errors.action} list="audit-actions" />
        <datalist id="audit-actions">
          {ACTION_SUGGESTIONS.map((action) => (
            <option value={action}></option>
          ))}
        </datalist>
        <FilterInput name="actor" label="Who (e-mail, or system)" value={filter.actor} error={errors.actor} />
        <div>
          <label for="audit-entity_type" class="label">
            Entity
          </label>
          <select id="audit-entity_type" name="entity_type" class="input" {...errorAttrs('audit-entity_type', errors.entity_type)}>
            <option value="">Any</option>
            {ENTITY_TYPES.map((type) => (
              <option value={type} selected={filter.entityType === type}>
                {type}
              </option>
            ))}
          </select>
          <ErrorText id="audit-entity_type" error={errors.entity_type} />
        </div>
        <FilterInput name="entity_id" label="Entity id" value={filter.entityId} error={errors.entity_id} size="w-28" />
        <FilterInput name="from" label="From" value={filter.from} error={errors.from} type="date" />
        <FilterInput name="to" label="To" value={filter.to} error={errors.to} type="date" />
        <button type="submit" class="btn-secondary">
          Filter
        </button>
        <a href="/admin/audit" class="text-link self-center text-sm">
          Clear
        </a>
      </form>
      <AuditResults {...props} />
    </AdminLayout>
  );
}

function FilterInput({ name, label, value, error, type = 'text', list, size = '' }: { name: string; label: string; value: string; error?: string; type?: string; list?: string; size?: string }): JSX.Element {
  const id = `audit-${name}`;
  return (
    <div>
      <label for={id} class="label" safe>
        {label}
      </label>
      <input id={id} name={name} type={type} class={`input ${size}`} value={value} list={list} maxlength={type === 'date' ? undefined : 200} {...errorAttrs(id, error)} />
      <ErrorText id={id} error={error} />
    </div>
  );
}

export function AuditResults(props: AuditPageProps): JSX.Element {
  const { result } = props;
  return (
    <section id={AUDIT_RESULTS_ID} aria-label="Audit entries" data-loading-dim>
      {Object.keys(props.errors).length ? (
        <div class="notice notice-error" role="alert">
          <p>These filters could not be used, so they were left out:</p>
          <ul class="list-disc pl-5">
            {Object.entries(props.errors).map(([field, message]) => (
              <li safe>{`${filterLabels[field] ?? field}: ${message}`}</li>
            ))}
          </ul>
        </div>
      ) : (
        ''
      )}
      {result.entries.length === 0 ? (
        <p class="panel text-slate-700" role="status">
          No entries match these filters.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="data-table audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Changes</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {result.entries.map((entry) => (
                <AuditRow entry={entry} orderNumbers={props.orderNumbers} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager {...props} />
    </section>
  );
}

function AuditRow({ entry, orderNumbers }: { entry: AuditEntry; orderNumbers: Map<string, string> }): JSX.Element {
  const href = entry.entity ? entityHref(entry.entity, orderNumbers) : undefined;
  const entityText = entry.entity ? `${entry.entity.type} ${entry.entity.id}` : '';
  return (
    <tr data-audit-entry={String(entry.id)}>
      <td class="whitespace-nowrap">
        <time datetime={entry.occurredAt.toISOString()} safe>
          {when.format(entry.occurredAt)}
        </time>
      </td>
      <td data-audit-actor>
        {entry.actor ? (
          <>
            <span safe>{entry.actor.name}</span>
            <span class="block text-xs text-slate-600" safe>
              {entry.actor.email}
            </span>
          </>
        ) : (
          'System'
        )}
      </td>
      <td class="font-mono text-xs" data-audit-action safe>
        {entry.action}
      </td>
      <td data-audit-entity>
        {href ? (
          <a class="text-link" href={href} safe>
            {entityText}
          </a>
        ) : (
          <span safe>{entityText}</span>
        )}
      </td>
      <td data-audit-changes>
        <Changes entry={entry} />
      </td>
      <td class="text-xs" safe>
        {entry.ip ?? ''}
      </td>
    </tr>
  );
}

/** Before → after per field; then any details the action recorded. */
function Changes({ entry }: { entry: AuditEntry }): JSX.Element {
  const rows = diffRows(entry.before, entry.after);
  const details = Object.entries(entry.details);
  return (
    <>
      {rows.length ? (
        <dl class="audit-diff">
          {rows.map((row) => (
            <div data-field={row.field}>
              <dt safe>{row.field}</dt>
              <dd>
                {row.before !== undefined ? (
                  <del data-before safe>
                    {row.before}
                  </del>
                ) : (
                  ''
                )}
                {row.before !== undefined && row.after !== undefined ? <span aria-hidden="true"> → </span> : ''}
                {row.after !== undefined ? (
                  <ins data-after safe>
                    {row.after}
                  </ins>
                ) : (
                  ''
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        ''
      )}
      {details.length ? (
        <p class="text-xs text-slate-600" data-audit-details safe>
          {details.map(([key, value]) => `${key}: ${auditValueText(value)}`).join(' · ')}
        </p>
      ) : (
        ''
      )}
    </>
  );
}

function KeysetPager({ filter, result }: AuditPageProps): JSX.Element {
  if (result.newerThan === null && result.olderThan === null) return '';
  const link = (href: string, label: string, rel: string) => (
    <a href={href} rel={rel} hx-get={href} hx-target={`#${AUDIT_RESULTS_ID}`} hx-swap="outerHTML show:top" hx-push-url="true" class="btn-secondary" safe>
      {label}
    </a>
  );
  return (
    <nav aria-label="Pages of the log" class="flex flex-wrap justify-center gap-3">
      {result.newerThan !== null ? link(auditHref(filter, { after: result.newerThan }), 'Newer entries', 'prev') : ''}
      {result.olderThan !== null ? link(auditHref(filter, { before: result.olderThan }), 'Older entries', 'next') : ''}
    </nav>
  );
}
