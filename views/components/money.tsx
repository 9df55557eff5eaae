import { formatMoney } from '../../src/lib/money.js';

/** A price; with a compare-at above it, the old price struck through beside it. */
export function Price({
  cents,
  maxCents,
  compareAtCents,
  currency,
  size = 'base',
}: {
  cents: number;
  maxCents?: number;
  compareAtCents?: number | null;
  currency: string;
  size?: 'base' | 'large';
}): JSX.Element {
  const current = formatMoney(cents, currency);
  const isRange = maxCents !== undefined && maxCents > cents;
  const onSale = compareAtCents != null && compareAtCents > cents;
  const priceClass = size === 'large' ? 'text-2xl font-bold' : 'text-base font-semibold';
  return (
    <p class="flex flex-wrap items-baseline gap-x-2">
      <span class={`${priceClass} ${onSale ? 'text-rose-700' : 'text-slate-900'}`}>
        {isRange ? <span class="text-sm font-normal text-slate-600">From </span> : ''}
        <span safe>{current}</span>
      </span>
      {onSale ? (
        <span class="text-sm text-slate-600 line-through">
          <span class="sr-only">Was </span>
          <span safe>{formatMoney(compareAtCents, currency)}</span>
        </span>
      ) : (
        ''
      )}
    </p>
  );
}
