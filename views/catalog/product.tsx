import type { CategoryNode } from '../../src/catalog/categories.js';
import type { ImageView, ProductDetail, VariantView } from '../../src/catalog/product-detail.js';
import { stockLevel, type OptionGroup } from '../../src/catalog/variants.js';
import { breadcrumbData, productData } from '../../src/catalog/structured-data.js';
import { percentOff } from '../../src/lib/money.js';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { Price } from '../components/money.js';
import { AddToCartForm } from '../cart/cart.js';
import { ProductImage } from '../components/product-image.js';
import { ShopLayout, type LayoutProps } from '../layouts/shop.js';

export const PRODUCT_DETAIL_ID = 'product-detail';

export interface ProductViewProps {
  layout: LayoutProps;
  product: ProductDetail;
  variant: VariantView;
  options: OptionGroup[];
  categoryPath: CategoryNode[];
  canonicalUrl: string;
}

export function ProductPage(props: ProductViewProps): JSX.Element {
  const { layout, product } = props;
  const description = product.description.length > 160 ? `${product.description.slice(0, 157)}…` : product.description;
  const crumbs = [
    { label: 'Home', href: '/' },
    ...props.categoryPath.map((category) => ({ label: category.name, href: `/categories/${category.slug}` })),
    { label: product.name },
  ];
  return (
    <ShopLayout
      layout={layout}
      title={product.name}
      meta={{
        description,
        canonicalUrl: props.canonicalUrl,
        openGraph: { type: 'product', image: product.images[0]?.url ?? null },
        structuredData: [
          productData({ appUrl: layout.appUrl, product, images: product.images, currency: layout.currency, categoryName: props.categoryPath.at(-1)?.name }),
          breadcrumbData(layout.appUrl, crumbs),
        ],
      }}
    >
      <Breadcrumbs crumbs={crumbs} />
      <ProductDetailSection {...props} />
      <section aria-labelledby="about-heading" class="mt-12 max-w-3xl">
        <h2 id="about-heading" class="text-lg font-bold text-slate-900">
          About this product
        </h2>
        <p class="mt-2 leading-relaxed whitespace-pre-line text-slate-700" safe>
          {product.description}
        </p>
      </section>
    </ShopLayout>
  );
}

/** Gallery and buying panel: everything that follows the chosen variant, swapped as one. */
export function ProductDetailSection({ layout, product, variant, options }: ProductViewProps): JSX.Element {
  const images = imagesFor(product.images, variant);
  const off = percentOff(variant.price_cents, variant.compare_at_cents);
  return (
    <div id={PRODUCT_DETAIL_ID} class="grid gap-8 md:grid-cols-2 lg:gap-12" data-loading-dim>
      <Gallery images={images} productName={product.name} />
      <div class="flex flex-col gap-5">
        <div>
          {product.brand ? (
            <p class="text-sm font-semibold tracking-wide text-brand-700 uppercase" safe>
              {product.brand}
            </p>
          ) : (
            ''
          )}
          <h1 class="page-title mt-1" safe>
            {product.name}
          </h1>
        </div>
        <div class="flex items-center gap-3">
          <Price cents={variant.price_cents} compareAtCents={variant.compare_at_cents} currency={layout.currency} size="large" />
          {off ? <span class="rounded-md bg-rose-100 px-2 py-1 text-xs font-bold text-rose-800">Save {off}%</span> : ''}
        </div>
        {options.map((group) => (
          <OptionPicker group={group} slug={product.slug} />
        ))}
        <StockStatus stock={variant.stock} />
        <AddToCartForm variantId={variant.id} stock={variant.stock} />
        <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-slate-600">
          <dt>SKU</dt>
          <dd class="font-mono text-slate-800" data-variant-sku safe>
            {variant.sku}
          </dd>
          {variant.weight_grams ? (
            <>
              <dt>Weight</dt>
              <dd safe>{formatWeight(variant.weight_grams)}</dd>
            </>
          ) : (
            ''
          )}
        </dl>
      </div>
    </div>
  );
}

/** The chosen variant's own pictures first, then the product's shared ones. */
function imagesFor(images: ImageView[], variant: VariantView): ImageView[] {
  const own = images.filter((image) => image.variant_id === variant.id);
  const shared = images.filter((image) => image.variant_id === null);
  return own.length ? [...own, ...shared] : shared.length ? shared : images.slice(0, 1);
}

function Gallery({ images, productName }: { images: ImageView[]; productName: string }): JSX.Element {
  const [main] = images;
  return (
    <div data-gallery class="flex flex-col gap-3">
      <ProductImage url={main?.url ?? null} alt={main?.alt || productName} eager class="rounded-2xl" />
      {images.length > 1 ? (
        <ul class="grid grid-cols-5 gap-2" aria-label="More pictures">
          {images.map((image, index) => (
            <li>
              <a
                href={image.url}
                data-gallery-index={String(index)}
                class="thumb"
                aria-current={index === 0 ? 'true' : 'false'}
              >
                <ProductImage url={image.url} alt={`${image.alt || productName}, picture ${index + 1}`} caption={false} class="rounded-lg" />
              </a>
            </li>
          ))}
        </ul>
      ) : (
        ''
      )}
    </div>
  );
}

function OptionPicker({ group, slug }: { group: OptionGroup; slug: string }): JSX.Element {
  const selected = group.choices.find((choice) => choice.selected);
  return (
    <fieldset>
      <legend class="mb-2 text-sm font-medium text-slate-700">
        <span safe>{group.name}</span>: <span class="font-semibold text-slate-900" safe>{selected?.value ?? ''}</span>
      </legend>
      {/* .chip styles the chosen choice by its aria-current. */}
      <ul class="flex flex-wrap gap-2">
        {group.choices.map((choice) => {
          const href = `/products/${slug}?variant=${choice.variantId}`;
          return (
            <li>
              <a
                href={href}
                hx-get={href}
                hx-target={`#${PRODUCT_DETAIL_ID}`}
                hx-swap="outerHTML"
                hx-push-url="true"
                aria-current={choice.selected ? 'true' : undefined}
                class={choice.inStock ? 'chip' : 'chip chip-sold'}
              >
                <span safe>{choice.value}</span>
                {choice.inStock ? '' : <span class="sr-only"> (sold out)</span>}
              </a>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function StockStatus({ stock }: { stock: number }): JSX.Element {
  const level = stockLevel(stock);
  if (level === 'out') return <p class="font-semibold text-rose-700" data-stock-status="out">Sold out</p>;
  if (level === 'low')
    return (
      <p class="font-semibold text-amber-800" data-stock-status="low">
        Only {stock} left in stock
      </p>
    );
  return (
    <p class="flex items-center gap-2 font-semibold text-emerald-800" data-stock-status="in">
      <span class="h-2 w-2 rounded-full bg-emerald-600" aria-hidden="true"></span>In stock
    </p>
  );
}

const kilograms = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function formatWeight(grams: number): string {
  return grams >= 1000 ? `${kilograms.format(grams / 1000)} kg` : `${grams} g`;
}
