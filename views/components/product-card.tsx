import { percentOff } from '../../src/lib/money.js';
import type { ProductCard as ProductCardData } from '../../src/catalog/products.js';
import { Price } from './money.js';
import { ProductImage } from './product-image.js';

export function ProductCard({ product, currency, eager = false }: { product: ProductCardData; currency: string; eager?: boolean }): JSX.Element {
  const off = percentOff(product.price_min_cents, product.compare_at_cents);
  const soldOut = product.stock_total <= 0;
  return (
    <article data-product-card class="group relative flex w-full flex-col rounded-xl border border-slate-200 bg-white p-2 transition-shadow hover:shadow-md">
      <div class="relative">
        <ProductImage url={product.image_url} alt={product.image_alt || product.name} eager={eager} class="rounded-lg" />
        <div class="absolute top-2 left-2 flex flex-col gap-1">
          {off ? <span class="rounded-md bg-rose-700 px-2 py-0.5 text-xs font-bold text-white">−{off}%</span> : ''}
          {soldOut ? <span class="rounded-md bg-slate-800 px-2 py-0.5 text-xs font-bold text-white">Sold out</span> : ''}
        </div>
      </div>
      <div class="flex flex-1 flex-col gap-1 px-1 pt-3 pb-1">
        {product.brand ? (
          <p class="text-xs font-medium tracking-wide text-slate-600 uppercase" safe>
            {product.brand}
          </p>
        ) : (
          ''
        )}
        <h3 class="line-clamp-2 text-sm font-semibold text-slate-900">
          <a href={`/products/${product.slug}`} class="after:absolute after:inset-0 focus-visible:outline-none" safe>
            {product.name}
          </a>
        </h3>
        <div class="mt-auto pt-1">
          <Price cents={product.price_min_cents} maxCents={product.price_max_cents} compareAtCents={product.compare_at_cents} currency={currency} />
        </div>
      </div>
    </article>
  );
}

export function ProductGrid({ products, currency, eagerCount = 0 }: { products: ProductCardData[]; currency: string; eagerCount?: number }): JSX.Element {
  return (
    <ul class="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 lg:grid-cols-4">
      {products.map((product, index) => (
        <li class="flex">
          <div class="flex w-full">
            <ProductCard product={product} currency={currency} eager={index < eagerCount} />
          </div>
        </li>
      ))}
    </ul>
  );
}
