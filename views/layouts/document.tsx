import type { Children } from '@kitajs/html';

export interface DocumentAssets {
  css: string;
  htmx: string;
  alpine: string;
  app: string;
  favicon: string;
}

export interface DocumentProps {
  title: string;
  description?: string;
  canonicalUrl?: string;
  assets: DocumentAssets;
  children: Children;
}

/** The HTML document every page shares: head, styles, and the few deferred scripts. */
export function Document({ title, description, canonicalUrl, assets, children }: DocumentProps): JSX.Element {
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
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="icon" href={assets.favicon} type="image/svg+xml" />
          <link rel="stylesheet" href={assets.css} />
          <script src={assets.htmx} defer></script>
          <script src={assets.app} defer></script>
          <script src={assets.alpine} defer></script>
        </head>
        <body class="flex min-h-full flex-col">{children}</body>
      </html>
    </>
  );
}
