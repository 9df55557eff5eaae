/**
 * A picture in a fixed-ratio frame: the page never shifts while it loads. When it cannot
 * load, the browser shows the alt text; with JavaScript on, public/app.js marks the image
 * broken and the frame shows a tidy caption instead.
 */
export function ProductImage({
  url,
  alt,
  ratio = 'aspect-square',
  eager = false,
  caption = true,
  class: className = '',
}: {
  url: string | null;
  alt: string;
  ratio?: string;
  eager?: boolean;
  /** Thumbnails are too small for a caption; their frame stays empty instead. */
  caption?: boolean;
  class?: string;
}): JSX.Element {
  return (
    <div class={className ? `media-frame ${ratio} ${className}` : `media-frame ${ratio}`}>
      {url ? <img src={url} alt={alt} loading={eager ? 'eager' : 'lazy'} width="600" height="600" /> : ''}
      {caption || !url ? (
        <span class="media-fallback" aria-hidden={url ? 'true' : undefined} safe>
          {alt}
        </span>
      ) : (
        ''
      )}
    </div>
  );
}
