import type { Suggestions } from '../../src/catalog/search.js';
import { formatMoney } from '../../src/lib/money.js';

export const SUGGESTIONS_ID = 'search-suggestions';

/**
 * The options of the header's search combobox. An option may not hold a link (it would be a
 * control inside a control), so each names its page in data-href; public/app.js moves the
 * active option with the arrow keys and opens it on Enter or a click.
 */
export function SuggestionList({ suggestions, currency }: { suggestions: Suggestions; currency: string }): JSX.Element {
  const { products, categories } = suggestions;
  if (!products.length && !categories.length) return '';
  let index = 0;
  const optionId = () => `${SUGGESTIONS_ID}-${index++}`;
  return (
    <>
      {suggestions.correctedQuery ? (
        <li role="presentation" class="suggestion-note" safe>
          {`Showing results for “${suggestions.correctedQuery}”`}
        </li>
      ) : (
        ''
      )}
      {categories.map((category) => (
        <li role="option" id={optionId()} aria-selected="false" data-href={`/categories/${category.slug}`}>
          <span>
            <span class="suggestion-kind">Category</span>
            <span safe>{category.name}</span>
          </span>
        </li>
      ))}
      {products.map((product) => (
        <li role="option" id={optionId()} aria-selected="false" data-href={`/products/${product.slug}`}>
          <span safe>{product.name}</span>
          <span class="suggestion-price" safe>
            {formatMoney(product.price_min_cents, currency)}
          </span>
        </li>
      ))}
    </>
  );
}
