import { describe, expect, it } from 'vitest';
import { checkImage, ImageRefusedError, sniffImageFormat } from '../../src/media/image-check.js';
import { contentTypeOfKey, isMediaKey, newMediaKey } from '../../src/media/storage.js';

const bytes = (...parts: (number[] | string)[]) => Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

describe('image formats by their bytes', () => {
  it('knows the accepted formats by their signatures', () => {
    expect(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(bytes([0x89], 'PNG\r\n\x1a\n'))).toBe('png');
    expect(sniffImageFormat(bytes('GIF89a'))).toBe('gif');
    expect(sniffImageFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1miaf'))).toBe('avif');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'mif1avif'))).toBe('avif');
  });

  it('knows nothing else: HTML, SVG, HEIC, PDF, a BMP', () => {
    for (const other of [bytes('<!doctype html>'), bytes('<svg xmlns="http://www.w3.org/2000/svg">'), bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'heicmif1'), bytes('%PDF-1.7'), bytes('BM')]) {
      expect(sniffImageFormat(other)).toBeUndefined();
      expect(() => checkImage(other, 1000)).toThrow(ImageRefusedError);
    }
  });

  it('refuses a file over the limit before looking at it', () => {
    expect(() => checkImage(new Uint8Array(11), 10)).toThrow('larger than we accept');
  });
});

describe('media keys', () => {
  it('are random, carry the real extension, and nothing else passes for one', () => {
    const key = newMediaKey('webp');
    expect(key).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect(newMediaKey('webp')).not.toBe(key);
    expect(isMediaKey(key)).toBe(true);
    expect(contentTypeOfKey(key)).toBe('image/webp');
    for (const bad of ['../app-secret', `${key}/..`, key.replace('.webp', '.svg'), key.toUpperCase(), `a/${key}`, '']) expect(isMediaKey(bad)).toBe(false);
    expect(() => newMediaKey('html')).toThrow(RangeError);
  });
});
