import type { DbOrTx } from '../db/database.js';

export interface SitemapEntry {
  path: string;
  lastModified?: Date;
}

/** Every page worth indexing: home, the listing, each category and each active product. */
export async function listSitemapEntries(db: DbOrTx): Promise<SitemapEntry[]> {
  const [categories, products] = await Promise.all([
    db.selectFrom('categories').select(['slug', 'updated_at']).orderBy('position').orderBy('slug').execute(),
    db
      .selectFrom('products')
      .select(['slug', 'updated_at'])
      .where('active', '=', true)
      .where('price_min_cents', 'is not', null)
      .orderBy('id')
      .execute(),
  ]);
  return [
    { path: '/' },
    { path: '/products' },
    ...categories.map((category) => ({ path: `/categories/${category.slug}`, lastModified: category.updated_at })),
    ...products.map((product) => ({ path: `/products/${product.slug}`, lastModified: product.updated_at })),
  ];
}

const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (character) => xmlEntities[character]!);

/** The sitemaps.org XML for these entries (one file holds up to 50,000). */
export function renderSitemap(appUrl: string, entries: SitemapEntry[]): string {
  const urls = entries.map(
    (entry) =>
      `<url><loc>${escapeXml(appUrl + entry.path)}</loc>${entry.lastModified ? `<lastmod>${entry.lastModified.toISOString()}</lastmod>` : ''}</url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}
