import { imageSize } from 'image-size';

/** The picture formats the store accepts, by what their bytes say (never by name or by the browser's claim). */
export const IMAGE_FORMATS = {
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
  png: { contentType: 'image/png', extension: 'png' },
  webp: { contentType: 'image/webp', extension: 'webp' },
  gif: { contentType: 'image/gif', extension: 'gif' },
  avif: { contentType: 'image/avif', extension: 'avif' },
} as const;

export type ImageFormat = keyof typeof IMAGE_FORMATS;

/** Large enough for any product photo; a bigger canvas is more likely a decompression bomb than a picture. */
export const MAX_IMAGE_SIDE = 12_000;
export const MAX_IMAGE_PIXELS = 80_000_000;

export class ImageRefusedError extends Error {
  override name = 'ImageRefusedError';
}

export interface CheckedImage {
  format: ImageFormat;
  contentType: string;
  extension: string;
  width: number;
  height: number;
  byteSize: number;
}

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, index) => bytes[index] === byte);

/** The format the first bytes prove, or undefined: an HTML page or an SVG named .png proves none. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  // ISO base media: a 'ftyp' box whose major or a compatible brand is AVIF's.
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const boxSize = Math.min(bytes.length, ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
    const brands = [ascii(bytes, 8, 12)];
    for (let offset = 16; offset + 4 <= boxSize; offset += 4) brands.push(ascii(bytes, offset, offset + 4));
    if (brands.includes('avif') || brands.includes('avis')) return 'avif';
  }
  return undefined;
}

function dimensionsOf(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const { width, height } = imageSize(bytes);
    return Number.isInteger(width) && Number.isInteger(height) ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks an upload by its content: one of the accepted formats, readable dimensions within
 * bounds, and not larger than `maxBytes`. Throws ImageRefusedError with a message for staff.
 */
export function checkImage(bytes: Uint8Array, maxBytes: number): CheckedImage {
  if (bytes.length === 0) throw new ImageRefusedError('Choose an image file to upload.');
  if (bytes.length > maxBytes) throw new ImageRefusedError(`The image is larger than we accept (at most ${Math.floor(maxBytes / 1024 / 1024)} MB).`);
  const format = sniffImageFormat(bytes);
  if (!format) throw new ImageRefusedError('That file is not a JPEG, PNG, WebP, GIF or AVIF image (whatever its name says).');
  const size = dimensionsOf(bytes);
  if (!size || size.width < 1 || size.height < 1) throw new ImageRefusedError('The image could not be read: it may be damaged or cut short.');
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new ImageRefusedError(`The image is ${size.width}×${size.height} pixels; at most ${MAX_IMAGE_SIDE} pixels a side.`);
  }
  return { format, ...IMAGE_FORMATS[format], ...size, byteSize: bytes.length };
}
