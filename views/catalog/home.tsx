import type { CategoryNode } from '../../src/catalog/categories.js';
import type { ProductCard } from '../../src/catalog/products.js';
import { websiteData } from '../../src/catalog/structured-data.js';
import { ProductGrid } from '../components/product-card.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export interface HomeProps {
  layout: LayoutProps;
  featured: ProductCard[];
  newest: ProductCard[];
}

export function HomePage({ layout, featured, newest }: HomeProps): JSX.Element {
  return (
    <ShopLayout
      layout={layout}
      title={layout.storeName}
      meta={{
        description: `Shop ${layout.storeName}: electronics, fashion, beauty, home and more.`,
        canonicalUrl: `${layout.appUrl}/`,
        openGraph: { type: 'website' },
        structuredData: [websiteData(layout.appUrl, layout.storeName)],
      }}
    >
      <section class="relative overflow-hidden rounded-3xl bg-gradient-to-br from-brand-900 via-brand-800 to-brand-600 px-6 py-10 text-white sm:px-10 sm:py-12">
        <p class="text-sm font-semibold tracking-widest text-brand-100 uppercase">New season</p>
        <h1 class="mt-3 max-w-2xl text-3xl font-extrabold tracking-tight sm:text-4xl">Everything you need, delivered fast.</h1>
        <p class="mt-4 max-w-xl text-lg text-brand-50">From phones to fragrances and espresso machines: hundreds of products, honest prices, no tracking.</p>
        <div class="mt-6 flex flex-wrap gap-3">
          <a href="/products" class="btn bg-white text-brand-900 hover:bg-brand-50">
            Shop all products
          </a>
          <a href="/products?sort=price_asc&amp;in_stock=1" class="btn border border-white/60 text-white hover:bg-white/10">
            Lowest prices first
          </a>
        </div>
      </section>

      <CategoryTiles categories={layout.categories} />

      {featured.length ? (
        <section aria-labelledby="featured-heading" class="mt-12">
          <SectionHeading id="featured-heading" title="Featured" href="/products" />
          <ProductGrid products={featured} currency={layout.currency} eagerCount={4} />
        </section>
      ) : (
        ''
      )}
      {newest.length ? (
        <section aria-labelledby="new-heading" class="mt-12">
          <SectionHeading id="new-heading" title="New arrivals" href="/products?sort=newest" />
          <ProductGrid products={newest} currency={layout.currency} />
        </section>
      ) : (
        ''
      )}
    </ShopLayout>
  );
}

function SectionHeading({ id, title, href }: { id: string; title: string; href: string }): JSX.Element {
  return (
    <div class="mb-4 flex items-baseline justify-between gap-4">
      <h2 id={id} class="section-title" safe>
        {title}
      </h2>
      <a href={href} class="text-sm font-semibold text-brand-700 hover:underline">
        View all<span class="sr-only" safe> {title.toLowerCase()}</span>
      </a>
    </div>
  );
}

function CategoryTiles({ categories }: { categories: CategoryNode[] }): JSX.Element {
  if (!categories.length) return '';
  return (
    <section aria-labelledby="categories-heading" class="mt-10">
      <h2 id="categories-heading" class="section-title mb-4">
        Shop by category
      </h2>
      <ul class="category-tiles">
        {categories.map((category) => (
          <li>
            <a href={`/categories/${category.slug}`}>
              <span safe>{category.name}</span>
              <span safe>
                {category.children.map((child) => child.name).join(' · ') || category.description}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
