import { formatMoney } from '../../src/lib/money.js';

/** A price; with a compare-at above it, the old price struck through beside it. The first span is the price (styled by .price-sale/.price-lg). */
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
  const variants = `${size === 'large' ? ' price-lg' : ''}${onSale ? ' price-sale' : ''}`;
  return (
    <p class={`price${variants}`}>
      {isRange ? (
        <span>
          <span class="from">From </span>
          <span safe>{current}</span>
        </span>
      ) : (
        <span safe>{current}</span>
      )}
      {onSale ? (
        <span class="was">
          <span class="sr-only">Was </span>
          <span safe>{formatMoney(compareAtCents, currency)}</span>
        </span>
      ) : (
        ''
      )}
    </p>
  );
}
