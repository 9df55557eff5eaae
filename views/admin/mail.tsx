import { MAIL_KINDS, MAIL_VIEWS, type MailCounts, type MailFilter, type MailRow, type MailView } from '../../src/mail/outbox-admin.js';
import { ResultList } from './result-list.js';
import { AdminLayout, type AdminLayoutProps } from '../layouts/admin.js';

/** The results fragment's root: filters and paging swap only this. */
export const MAIL_RESULTS_ID = 'mail-results';

export interface MailPageProps {
  layout: AdminLayoutProps;
  filter: MailFilter;
  counts: MailCounts;
  rows: MailRow[];
  total: number;
  page: number;
  pageCount: number;
}

const viewLabels: Record<MailView, string> = {
  problems: 'Failed or retrying',
  failed: 'Failed',
  retrying: 'Retrying',
  pending: 'Waiting to send',
  sending: 'Sending now',
  sent: 'Sent',
  all: 'All messages',
};

export const kindLabels: Record<(typeof MAIL_KINDS)[number], string> = {
  'order.confirmation': 'Order confirmation',
  'order.payment_failed': 'Payment failed',
  'order.shipped': 'Order shipped',
  'order.delivered': 'Order delivered',
  'order.cancelled': 'Order cancelled',
  'order.refunded': 'Refund',
  'return.approved': 'Return approved',
  'account.welcome': 'Welcome',
  'account.verify_email': 'Confirm e-mail address',
  'account.password_reset': 'Password reset',
  'account.already_registered': 'Already registered',
  'account.email_changed': 'E-mail address changed',
  'cart.reminder': 'Cart reminder',
};

const kindLabel = (kind: string) => kindLabels[kind as keyof typeof kindLabels] ?? kind;
const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** The list's address for these filters and page (the default view left out, so links stay short). */
export function mailHref(filter: MailFilter, page = 1): string {
  const params = new URLSearchParams();
  if (filter.view !== 'problems') params.set('status', filter.view);
  if (filter.kind) params.set('kind', filter.kind);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/mail?${query}` : '/admin/mail';
}

export function MailPage(props: MailPageProps): JSX.Element {
  const { counts } = props;
  return (
    <AdminLayout layout={props.layout} section="mail" title="Mail">
      <h1 class="page-title mb-1">Mail</h1>
      <p class="mb-4 text-sm text-slate-600">
        Every message the store sends waits here until the mail server takes it. Passing failures are tried again, less often each time; a message the server refuses for good, or that
        failed eight times, stops here until you send it again. Messages' contents are not shown: some hold sign-in links. Times are UTC.
      </p>
      <dl class="stat-grid grid-cols-2 xl:grid-cols-4">
        <Count id="pending" label="Waiting to send" value={counts.pending - counts.retrying + counts.sending} />
        <Count id="retrying" label="Retrying" value={counts.retrying} />
        <Count id="failed" label="Failed" value={counts.failed} />
        <Count id="sent" label="Sent" value={counts.sent} />
      </dl>
      <MailFilters filter={props.filter} />
      <MailResults {...props} />
    </AdminLayout>
  );
}

function Count({ id, label, value }: { id: string; label: string; value: number }): JSX.Element {
  return (
    <div class="stat">
      <dt safe>{label}</dt>
      <dd data-mail-count={id} safe>
        {String(value)}
      </dd>
    </div>
  );
}

/** A plain GET form; htmx swaps only the results and pushes the address, so Back works. */
function MailFilters({ filter }: { filter: MailFilter }): JSX.Element {
  return (
    <form
      action="/admin/mail"
      method="get"
      class="admin-toolbar"
      role="search"
      aria-label="Filter messages"
      hx-get="/admin/mail"
      hx-target={`#${MAIL_RESULTS_ID}`}
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="change, submit"
      hx-sync="this:replace"
    >
      <div>
        <label for="mail-status" class="label">
          Status
        </label>
        <select id="mail-status" name="status" class="input">
          {MAIL_VIEWS.map((view) => (
            <option value={view} selected={filter.view === view} safe>
              {viewLabels[view]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="mail-kind" class="label">
          Message
        </label>
        <select id="mail-kind" name="kind" class="input">
          <option value="">Any message</option>
          {MAIL_KINDS.map((kind) => (
            <option value={kind} selected={filter.kind === kind} safe>
              {kindLabels[kind]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="btn-primary">
        Filter
      </button>
      <a href="/admin/mail" class="text-link pb-2 text-sm">
        Clear
      </a>
    </form>
  );
}

export function MailResults({ filter, rows, total, page, pageCount }: MailPageProps): JSX.Element {
  return (
    <ResultList
      id={MAIL_RESULTS_ID}
      total={total}
      summary={`${total === 1 ? '1 message' : `${total} messages`}: ${viewLabels[filter.view].toLowerCase()}${filter.kind ? `, ${kindLabel(filter.kind).toLowerCase()}` : ''}`}
      empty={filter.view === 'problems' ? 'Nothing has failed: every message went out or is on its way.' : 'No message matches these filters.'}
      label="Messages"
      caption="Messages, newest first"
      columns={[{ label: 'Message' }, { label: 'Status' }, { label: 'Last error' }, { label: 'When' }, { label: 'Actions', hidden: true }]}
      rowCount={rows.length}
      page={page}
      pageCount={pageCount}
      hrefFor={(to) => mailHref(filter, to)}
    >
      {rows.map((row) => (
        <MailRowView row={row} />
      ))}
    </ResultList>
  );
}

type RowState = 'failed' | 'retrying' | 'waiting' | 'sending' | 'sent';
const stateText: Record<RowState, string> = { failed: 'Failed', retrying: 'Retrying', waiting: 'Waiting', sending: 'Sending', sent: 'Sent' };
const stateClass: Record<RowState, string> = {
  failed: 'status-pill mail-failed',
  retrying: 'status-pill mail-retrying',
  waiting: 'status-pill',
  sending: 'status-pill',
  sent: 'status-pill mail-sent',
};

function rowState(row: MailRow): RowState {
  if (row.status === 'pending') return row.attempts > 0 ? 'retrying' : 'waiting';
  return row.status;
}

/** The moment that matters for the row's state, then when it was queued. */
function whenText(row: MailRow, state: RowState): string {
  if (state === 'failed' && row.last_attempt_at) return `Failed ${when.format(row.last_attempt_at)}`;
  if (state === 'retrying') return `Next try ${when.format(row.next_attempt_at)}`;
  if (state === 'sent' && row.sent_at) return `Sent ${when.format(row.sent_at)}`;
  return `Queued ${when.format(row.created_at)}`;
}

function MailRowView({ row }: { row: MailRow }): JSX.Element {
  const state = rowState(row);
  return (
    <tr data-mail-row={String(row.id)}>
      <td class="min-w-48">
        <span class="font-semibold" safe>
          {kindLabel(row.kind)}
        </span>
        <span class="block max-w-64 truncate" safe>
          {row.recipient}
        </span>
        <span class="block max-w-64 truncate text-xs text-slate-600" safe>
          {row.channel === 'sms' ? `#${row.id} · text message` : `#${row.id} · ${row.subject}`}
        </span>
      </td>
      <td>
        <span class={stateClass[state]} data-mail-state={state} safe>
          {stateText[state]}
        </span>
        <span class="block text-xs whitespace-nowrap text-slate-600" data-mail-attempts={String(row.attempts)} safe>
          {row.attempts === 1 ? '1 attempt' : `${row.attempts} attempts`}
        </span>
      </td>
      <td class="max-w-64 min-w-40 text-xs break-words" data-mail-error safe>
        {row.last_error ?? ''}
      </td>
      <td class="min-w-36 text-xs">
        <span safe>{whenText(row, state)}</span>
        {state === 'waiting' ? '' : <span class="block text-slate-600" safe>{`Queued ${when.format(row.created_at)}`}</span>}
      </td>
      <td>
        {row.status === 'failed' ? (
          <form method="post" action={`/admin/mail/${row.id}/retry`}>
            <button type="submit" class="btn-secondary whitespace-nowrap">
              Send again<span class="sr-only" safe>{` message ${row.id} to ${row.recipient}`}</span>
            </button>
          </form>
        ) : (
          ''
        )}
      </td>
    </tr>
  );
}
