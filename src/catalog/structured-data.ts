import { toDecimalString } from '../lib/money.js';
import type { ImageView, ProductDetail } from './product-detail.js';

/** schema.org data for search engines, built from what the page itself shows. */

const context = 'https://schema.org';

export function breadcrumbData(appUrl: string, crumbs: { label: string; href?: string }[]): object {
  return {
    '@context': context,
    '@type': 'BreadcrumbList',
    itemListElement: crumbs.map((crumb, index) => ({
      '@type': 'ListItem',
      position: index + 1,
      name: crumb.label,
      ...(crumb.href ? { item: `${appUrl}${crumb.href}` } : {}),
    })),
  };
}

export function productData(options: { appUrl: string; product: ProductDetail; images: ImageView[]; currency: string; categoryName?: string }): object {
  const { appUrl, product, currency } = options;
  const url = `${appUrl}/products/${product.slug}`;
  return {
    '@context': context,
    '@type': 'Product',
    name: product.name,
    description: product.description,
    url,
    ...(product.brand ? { brand: { '@type': 'Brand', name: product.brand } } : {}),
    ...(options.categoryName ? { category: options.categoryName } : {}),
    image: options.images.map((image) => image.url),
    offers: product.variants.map((variant) => ({
      '@type': 'Offer',
      sku: variant.sku,
      url: `${url}?variant=${variant.id}`,
      price: toDecimalString(variant.price_cents),
      priceCurrency: currency,
      availability: variant.stock > 0 ? `${context}/InStock` : `${context}/OutOfStock`,
      itemCondition: `${context}/NewCondition`,
    })),
  };
}

/** Lets search engines offer a search box for the store. */
export function websiteData(appUrl: string, storeName: string): object {
  return {
    '@context': context,
    '@type': 'WebSite',
    name: storeName,
    url: `${appUrl}/`,
    potentialAction: {
      '@type': 'SearchAction',
      target: `${appUrl}/products?q={search_term_string}`,
      'query-input': 'required name=search_term_string',
    },
  };
}
