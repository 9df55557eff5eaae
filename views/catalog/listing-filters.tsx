import type { PriceBand } from '../../src/catalog/facets.js';
import { centsToMajor, type ListingQueryProblem } from '../../src/catalog/listing-query.js';
import { formatMoney } from '../../src/lib/money.js';
import { FilterIcon } from '../components/icons.js';
import { listingHref, type ListingProps } from './listing.js';

function Problem({ problems, field }: { problems: ListingQueryProblem[]; field: ListingQueryProblem['field'] }): JSX.Element {
  const problem = problems.find((candidate) => candidate.field === field);
  return problem ? (
    <p id={`${field}-error`} class="mt-1 text-sm text-rose-700" safe>
      {problem.message}
    </p>
  ) : (
    ''
  );
}

/** Brands with products under the other filters, and any the shopper picked even if none are left. */
function brandChoices(props: ListingProps): { brand: string; count: number }[] {
  const picked = props.query.brands.filter((brand) => !props.facets.brands.some((entry) => entry.brand === brand));
  return [...props.facets.brands, ...picked.map((brand) => ({ brand, count: 0 }))];
}

/**
 * A brand's checkbox id, the same whichever other brands are listed. A filter change morphs
 * the form, matching elements by id, and a box keeps the checked state the shopper gave it:
 * were ids positions, a brand dropping out of the list would hand one brand's tick to the next.
 * Letters, digits and '-' stay as they are; every other byte becomes _xx, so no two brands meet.
 */
function brandInputId(brand: string): string {
  let id = 'brand-';
  for (const byte of new TextEncoder().encode(brand)) {
    const char = String.fromCharCode(byte);
    id += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return id;
}

function bandLabel(band: PriceBand, currency: string): string {
  const money = (cents: number) => formatMoney(cents, currency).replace(/\.00$/, '');
  if (band.minCents === undefined) return `Under ${money((band.maxCents ?? 0) + 1)}`;
  if (band.maxCents === undefined) return `${money(band.minCents)} and over`;
  return `${money(band.minCents)} to ${money(band.maxCents + 1)}`;
}

/** Price ranges as links, each with the number of products it would show. */
function PriceBands(props: ListingProps): JSX.Element {
  const bands = props.facets.priceBands.filter((band) => band.count > 0);
  if (!bands.length) return '';
  return (
    <ul class="mt-3 space-y-1 text-sm" aria-label="Price ranges">
      {bands.map((band) => (
        <li>
          <a
            href={listingHref(props, { minPriceCents: band.minCents, maxPriceCents: band.maxCents, page: 1 })}
            class="text-brand-700 hover:underline"
            data-price-band
          >
            <span safe>{bandLabel(band, props.layout.currency)}</span> <span class="text-slate-500">({band.count})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The filter panel: category, price, stock and brand, each value with the count it would give. */
export function Filters(props: ListingProps): JSX.Element {
  const { query, problems } = props;
  const priceValue = (field: 'min_price' | 'max_price', cents: number | undefined) =>
    problems.some((problem) => problem.field === field) ? '' : cents === undefined ? '' : centsToMajor(cents);
  // Closed, so on a phone the products come first; from lg up the stylesheet shows the panel
  // whatever its state (.filter-panel). Open only when a price needs correcting, so its message is seen.
  const priceProblem = problems.some((problem) => problem.field === 'min_price' || problem.field === 'max_price');
  return (
    <details data-filters class="filter-panel" open={priceProblem}>
      <summary>
        <FilterIcon /> Filters
      </summary>
      <div>
        {props.categoryIsFilter ? (
          <div>
            <label for="filter-category" class="label">
              Category
            </label>
            <select id="filter-category" name="category" class="input">
              <option value="">All categories</option>
              {props.categoryChoices.map((root) => (
                <>
                  <option value={root.slug} selected={query.category === root.slug} safe>
                    {`${root.name} (${props.facets.categoryCounts.get(root.id) ?? 0})`}
                  </option>
                  {root.children.map((child) => (
                    <option value={child.slug} selected={query.category === child.slug} safe>
                      {`\u00a0\u00a0${child.name} (${props.facets.categoryCounts.get(child.id) ?? 0})`}
                    </option>
                  ))}
                </>
              ))}
            </select>
          </div>
        ) : (
          ''
        )}
        <fieldset>
          <legend class="label">Price</legend>
          <div class="flex items-start gap-2">
            <div class="flex-1">
              <label for="min_price" class="sr-only">
                Minimum price
              </label>
              <input
                id="min_price"
                name="min_price"
                inputmode="decimal"
                placeholder="Min"
                value={priceValue('min_price', query.minPriceCents)}
                class="input"
                aria-invalid={problems.some((problem) => problem.field === 'min_price') ? 'true' : undefined}
                aria-describedby={problems.some((problem) => problem.field === 'min_price') ? 'min_price-error' : undefined}
              />
            </div>
            <span class="pt-2 text-slate-500" aria-hidden="true">
              –
            </span>
            <div class="flex-1">
              <label for="max_price" class="sr-only">
                Maximum price
              </label>
              <input
                id="max_price"
                name="max_price"
                inputmode="decimal"
                placeholder="Max"
                value={priceValue('max_price', query.maxPriceCents)}
                class="input"
                aria-invalid={problems.some((problem) => problem.field === 'max_price') ? 'true' : undefined}
                aria-describedby={problems.some((problem) => problem.field === 'max_price') ? 'max_price-error' : undefined}
              />
            </div>
          </div>
          <Problem problems={problems} field="min_price" />
          <Problem problems={problems} field="max_price" />
          <PriceBands {...props} />
        </fieldset>
        <div class="flex items-center gap-2">
          <input id="in_stock" name="in_stock" type="checkbox" value="1" checked={query.inStock} class="checkbox" />
          <label for="in_stock" class="text-sm text-slate-700">
            In stock only <span class="text-slate-500">({props.facets.inStock})</span>
          </label>
        </div>
        {brandChoices(props).length ? (
          <fieldset>
            <legend class="label">Brand</legend>
            {/* Dozens of rows: the list styles them (.facet-list), so each row carries no class. */}
            <ul class="facet-list">
              {brandChoices(props).map(({ brand, count }) => (
                <li>
                  <input id={brandInputId(brand)} name="brand" type="checkbox" value={brand} checked={query.brands.includes(brand)} />
                  <label for={brandInputId(brand)}>
                    <span safe>{brand}</span>
                    <span>{count}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : (
          ''
        )}
        <div class="flex gap-2">
          <button type="submit" class="btn-primary flex-1">
            Apply filters
          </button>
          <a href={props.basePath} class="btn-secondary">
            Clear
          </a>
        </div>
      </div>
    </details>
  );
}
