import { ChevronIcon } from './icons.js';

/** Page numbers to show: the first, the last, and two either side of the current one. */
export function pageWindow(current: number, count: number): (number | 'gap')[] {
  const pages: (number | 'gap')[] = [];
  for (let page = 1; page <= count; page++) {
    if (page === 1 || page === count || Math.abs(page - current) <= 2) pages.push(page);
    else if (pages.at(-1) !== 'gap') pages.push('gap');
  }
  return pages;
}

/**
 * Links that work as plain links; with htmx they swap only `target` and push the URL, so
 * back and forward still work. The nav styles its links, current page and gaps (.pagination).
 */
export function Pagination({ page, pageCount, hrefFor, target }: { page: number; pageCount: number; hrefFor: (page: number) => string; target: string }): JSX.Element {
  if (pageCount <= 1) return '';
  const link = (to: number, label: JSX.Element, extra: Record<string, string> = {}) => (
    <a
      href={hrefFor(to)}
      hx-get={hrefFor(to)}
      hx-target={`#${target}`}
      hx-swap="outerHTML show:top"
      hx-push-url="true"
      {...extra}
    >
      {label}
    </a>
  );
  return (
    <nav aria-label="Pagination" class="pagination">
      {page > 1 ? link(page - 1, <><ChevronIcon direction="left" /><span>Previous</span></>, { rel: 'prev' }) : ''}
      {pageWindow(page, pageCount).map((entry) =>
        entry === 'gap' ? (
          <span aria-hidden="true">
            …
          </span>
        ) : entry === page ? (
          <span aria-current="page">
            <span class="sr-only">Page </span>
            {entry}
          </span>
        ) : (
          link(entry, <><span class="sr-only">Page </span>{entry}</>)
        ),
      )}
      {page < pageCount ? link(page + 1, <><span>Next</span><ChevronIcon /></>, { rel: 'next' }) : ''}
    </nav>
  );
}
