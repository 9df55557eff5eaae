import { ChevronIcon } from './icons.js';

export interface Crumb {
  label: string;
  href?: string;
}

/** The trail back up the catalog; the last crumb is the current page. */
export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="mb-4 text-sm text-slate-600">
      <ol class="flex flex-wrap items-center gap-1">
        {crumbs.map((crumb, index) => (
          <li class="flex items-center gap-1">
            {index > 0 ? <ChevronIcon class="h-3.5 w-3.5 text-slate-400" /> : ''}
            {crumb.href && index < crumbs.length - 1 ? (
              <a href={crumb.href} class="hover:text-slate-900 hover:underline" safe>
                {crumb.label}
              </a>
            ) : (
              <span aria-current="page" class="font-medium text-slate-900" safe>
                {crumb.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
