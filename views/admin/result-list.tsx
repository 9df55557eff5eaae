import type { Children } from '@kitajs/html';
import { Pagination } from '../components/pagination.js';

export interface ResultListProps {
  /** The element htmx swaps when filtering or paging. */
  id: string;
  /** Filter problems by field name, shown above the list. */
  errors?: Partial<Record<string, string>>;
  total: number;
  /** "3 orders", and anything else the count line should say. */
  summary: string;
  /** What to say when nothing matches. */
  empty: string;
  /** The table's accessible name ("Orders") and caption ("Orders, newest first"). */
  label: string;
  caption: string;
  /** The column headings; a hidden one is read by screen readers only (an actions column). */
  columns: Array<{ label: string; numeric?: boolean; hidden?: boolean }>;
  /** The rows (<tr>…), or nothing when none matched. */
  children?: Children;
  rowCount: number;
  page: number;
  pageCount: number;
  hrefFor: (page: number) => string;
}

/** A back-office list: filter errors, the count, the table (or why it is empty) and the pages. */
export function ResultList({ children, ...props }: ResultListProps): JSX.Element {
  return (
    <div id={props.id}>
      {Object.entries(props.errors ?? {}).map(([name, message]) =>
        message ? (
          <p id={`filter-${name}-error`} class="field-error mb-2" role="alert" safe>
            {message}
          </p>
        ) : (
          ''
        ),
      )}
      <p class="mb-2 text-sm text-slate-600" role="status" data-result-count={String(props.total)} safe>
        {props.summary}
      </p>
      {props.rowCount === 0 ? (
        <p class="panel text-slate-700" safe>
          {props.empty}
        </p>
      ) : (
        // Focusable, so a keyboard can scroll the table sideways on a phone.
        <div class="table-wrap" tabindex="0" role="region" aria-label={props.label}>
          <table class="data-table">
            <caption class="sr-only" safe>
              {props.caption}
            </caption>
            <thead>
              <tr>
                {props.columns.map((column) => (
                  <th scope="col" class={column.numeric ? 'num' : undefined}>
                    {column.hidden ? (
                      <span class="sr-only" safe>
                        {column.label}
                      </span>
                    ) : (
                      <span safe>{column.label}</span>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
      <Pagination page={props.page} pageCount={props.pageCount} hrefFor={props.hrefFor} target={props.id} />
    </div>
  );
}
