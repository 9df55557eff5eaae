/**
 * A picture in a fixed-ratio frame: the page never shifts while it loads, and when it cannot
 * load at all the frame and its alt text stay.
 */
export function ProductImage({
  url,
  alt,
  ratio = 'aspect-square',
  eager = false,
  class: className = '',
}: {
  url: string | null;
  alt: string;
  ratio?: string;
  eager?: boolean;
  class?: string;
}): JSX.Element {
  return (
    <div class={`media-frame ${ratio} ${className}`}>
      {url ? (
        <img src={url} alt={alt} loading={eager ? 'eager' : 'lazy'} decoding="async" width="600" height="600" />
      ) : (
        <span class="absolute inset-0 flex items-center justify-center p-4 text-center text-xs text-slate-500" safe>
          {alt}
        </span>
      )}
    </div>
  );
}
