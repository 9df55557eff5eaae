import type { Children } from '@kitajs/html';

export interface DocumentAssets {
  css: string;
  htmx: string;
  app: string;
  favicon: string;
}

/** What search engines and link previews read about a page. */
export interface PageMeta {
  description?: string;
  /** Absolute; filter permutations of one listing share one. */
  canonicalUrl?: string;
  /** e.g. "noindex, follow" for search results. */
  robots?: string;
  openGraph?: { type: 'website' | 'product'; image?: string | null };
  /** schema.org objects, rendered as JSON-LD. */
  structuredData?: object[];
  /** Further scripts for this page alone, deferred, in order (the Stripe payment step). */
  scripts?: string[];
}

export interface DocumentProps {
  title: string;
  siteName: string;
  meta?: PageMeta;
  assets: DocumentAssets;
  children: Children;
}

/** JSON that cannot end the script element it sits in, whatever the text inside it says. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function SocialTags({ title, siteName, meta }: { title: string; siteName: string; meta: PageMeta }): JSX.Element {
  if (!meta.openGraph) return '';
  return (
    <>
      <meta property="og:site_name" content={siteName} />
      <meta property="og:type" content={meta.openGraph.type} />
      <meta property="og:title" content={title} />
      {meta.description ? <meta property="og:description" content={meta.description} /> : ''}
      {meta.canonicalUrl ? <meta property="og:url" content={meta.canonicalUrl} /> : ''}
      {meta.openGraph.image ? <meta property="og:image" content={meta.openGraph.image} /> : ''}
    </>
  );
}

/** The HTML document every page shares: head, styles, and the few deferred scripts. */
export function Document({ title, siteName, meta = {}, assets, children }: DocumentProps): JSX.Element {
  const { description, canonicalUrl, robots } = meta;
  return (
    <>
      {'<!doctype html>'}
      <html lang="en" class="h-full">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{title}</title>
          {description ? <meta name="description" content={description} /> : ''}
          {canonicalUrl ? <link rel="canonical" href={canonicalUrl} /> : ''}
          {robots ? <meta name="robots" content={robots} /> : ''}
          <SocialTags title={title} siteName={siteName} meta={meta} />
          {(meta.structuredData ?? []).map((data) => {
            const safeJsonLd = scriptSafeJson(data);
            return <script type="application/ld+json">{safeJsonLd}</script>;
          })}
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="icon" href={assets.favicon} type="image/svg+xml" />
          <link rel="stylesheet" href={assets.css} />
          {/* Ours first: it folds the listing's filters on phones before anything is painted. */}
          <script src={assets.app} defer></script>
          <script src={assets.htmx} defer></script>
          {(meta.scripts ?? []).map((src) => (
            <script src={src} defer></script>
          ))}
        </head>
        <body class="flex min-h-full flex-col">{children}</body>
      </html>
    </>
  );
}
