import { MAX_ALT_LENGTH } from '../../src/catalog/product-images.js';
import { IMAGE_UPLOAD_MAX_BYTES } from '../../src/web/upload-limits.js';
import { Notice } from '../components/field.js';

export interface AdminImage {
  id: number;
  url: string;
  alt: string;
}

const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,image/avif';

/** A product's pictures in shop order: alt text, move up or down, remove; and an upload form. */
export function ProductImages({ productId, images, error }: { productId: number; images: AdminImage[]; error: string | undefined }): JSX.Element {
  const base = `/admin/products/${productId}/images`;
  return (
    <section class="panel" aria-labelledby="product-images-heading" id="product-images">
      <h2 id="product-images-heading" class="section-title mb-4">
        Pictures
      </h2>
      {images.length === 0 ? (
        <p class="mb-4 text-sm text-slate-700">No pictures yet.</p>
      ) : (
        <ol class="mb-6 grid gap-4 sm:grid-cols-2 xl:grid-cols-3" data-product-images>
          {images.map((image, index) => (
            <li class="rounded-lg border border-slate-200 p-3" data-image={String(image.id)}>
              <img src={image.url} alt={image.alt} width="160" height="160" loading="lazy" class="mb-2 h-40 w-40 rounded bg-slate-100 object-contain" />
              <form method="post" action={`${base}/${image.id}`} class="mb-2">
                <label for={`image-alt-${image.id}`} class="label">
                  Alt text (picture {index + 1})
                </label>
                <div class="flex gap-2">
                  <input id={`image-alt-${image.id}`} name="alt" type="text" class="input" value={image.alt} maxlength={String(MAX_ALT_LENGTH)} />
                  <button type="submit" class="btn-secondary">
                    Save
                  </button>
                </div>
              </form>
              <div class="flex flex-wrap gap-2">
                {index > 0 ? <MoveButton action={`${base}/${image.id}/move`} direction="up" position={index + 1} /> : ''}
                {index < images.length - 1 ? <MoveButton action={`${base}/${image.id}/move`} direction="down" position={index + 1} /> : ''}
                <form method="post" action={`${base}/${image.id}/delete`}>
                  <button type="submit" class="btn-secondary">
                    Remove<span class="sr-only"> picture {index + 1}</span>
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ol>
      )}
      <h3 class="mb-2 font-semibold">Add a picture</h3>
      {error ? <Notice tone="error" message={error} /> : ''}
      <form method="post" action={base} enctype="multipart/form-data" class="grid max-w-xl gap-2">
        <div class="field">
          <label for="image-file" class="label">
            Image file
          </label>
          <p id="image-file-hint" class="field-hint">
            JPEG, PNG, WebP, GIF or AVIF, at most {IMAGE_UPLOAD_MAX_BYTES / 1024 / 1024} MB.
          </p>
          <input id="image-file" name="image" type="file" accept={ACCEPT} required class="block text-sm" aria-describedby="image-file-hint" />
        </div>
        <div class="field">
          <label for="image-alt-new" class="label">
            Alt text (what the picture shows)
          </label>
          <input id="image-alt-new" name="alt" type="text" class="input" maxlength={String(MAX_ALT_LENGTH)} />
        </div>
        <div>
          <button type="submit" class="btn-primary">
            Upload picture
          </button>
        </div>
      </form>
    </section>
  );
}

function MoveButton({ action, direction, position }: { action: string; direction: 'up' | 'down'; position: number }): JSX.Element {
  return (
    <form method="post" action={action}>
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" class="btn-secondary">
        {direction === 'up' ? 'Move earlier' : 'Move later'}
        <span class="sr-only"> picture {position}</span>
      </button>
    </form>
  );
}
