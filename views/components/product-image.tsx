/**
 * A picture in a square frame (.media-frame): the page never shifts while it loads. When it cannot
 * load, the browser shows the alt text; with JavaScript on, public/app.js marks the image
 * broken and the frame shows a tidy caption instead.
 */
export function ProductImage({
  url,
  alt,
  eager = false,
  caption = true,
  class: className = '',
}: {
  url: string | null;
  alt: string;
  eager?: boolean;
  /** Thumbnails are too small for a caption; their frame stays empty instead. */
  caption?: boolean;
  class?: string;
}): JSX.Element {
  return (
    <div class={className ? `media-frame ${className}` : 'media-frame'}>
      {url ? <img src={url} alt={alt} loading={eager ? 'eager' : 'lazy'} width="600" height="600" /> : ''}
      {caption || !url ? (
        <span aria-hidden={url ? 'true' : undefined} safe>
          {alt}
        </span>
      ) : (
        ''
      )}
    </div>
  );
}
