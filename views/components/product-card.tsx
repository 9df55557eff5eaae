import { percentOff } from '../../src/lib/money.js';
import type { ProductCard as ProductCardData } from '../../src/catalog/products.js';
import { CardAddButton } from '../cart/cart.js';
import { Price } from './money.js';
import { ProductImage } from './product-image.js';

export function ProductCard({ product, currency, eager = false }: { product: ProductCardData; currency: string; eager?: boolean }): JSX.Element {
  const off = percentOff(product.price_min_cents, product.compare_at_cents);
  const soldOut = product.stock_total <= 0;
  const image = <ProductImage url={product.image_url} alt={product.image_alt || product.name} eager={eager} class="rounded-lg" />;
  return (
    <article data-product-card class="product-card">
      {off || soldOut ? (
        <div class="card-media">
          {image}
          <div>
            {off ? <span class="badge bg-rose-700">−{off}%</span> : ''}
            {soldOut ? <span class="badge bg-slate-800">Sold out</span> : ''}
          </div>
        </div>
      ) : (
        image
      )}
      <div class="card-body">
        {product.brand ? (
          <p class="card-brand" safe>
            {product.brand}
          </p>
        ) : (
          ''
        )}
        <h3>
          <a href={`/products/${product.slug}`} safe>
            {product.name}
          </a>
        </h3>
        <Price cents={product.price_min_cents} maxCents={product.price_max_cents} compareAtCents={product.compare_at_cents} currency={currency} />
        {product.single_variant_id !== null && !soldOut ? (
          // Above the card's stretched link, which otherwise takes every click on the card.
          <div class="relative z-10 pt-2">
            <CardAddButton variantId={product.single_variant_id} productName={product.name} />
          </div>
        ) : (
          ''
        )}
      </div>
    </article>
  );
}

/** Cards in a grid; each list item stretches its card to the row's height. */
export function ProductGrid({ products, currency, eagerCount = 0 }: { products: ProductCardData[]; currency: string; eagerCount?: number }): JSX.Element {
  return (
    <ul class="product-grid">
      {products.map((product, index) => (
        <li>
          <ProductCard product={product} currency={currency} eager={index < eagerCount} />
        </li>
      ))}
    </ul>
  );
}
