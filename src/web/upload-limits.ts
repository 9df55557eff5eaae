/** The largest image staff may upload: plenty for a product photo, small enough to re-encode quickly. */
export const IMAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
/** The largest catalog CSV: tens of thousands of rows; a bigger catalog is imported in parts. */
export const CSV_UPLOAD_MAX_BYTES = 20 * 1024 * 1024;
