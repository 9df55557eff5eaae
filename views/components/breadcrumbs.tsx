import { ChevronIcon } from './icons.js';

export interface Crumb {
  label: string;
  href?: string;
}

/** The trail back up the catalog; the last crumb is the current page. */
export function Breadcrumbs({ crumbs }: { crumbs: Crumb[] }): JSX.Element {
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      <ol>
        {crumbs.map((crumb, index) => (
          <li>
            {index > 0 ? <ChevronIcon class="" /> : ''}
            {crumb.href && index < crumbs.length - 1 ? (
              <a href={crumb.href} safe>
                {crumb.label}
              </a>
            ) : (
              <span aria-current="page" safe>
                {crumb.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
