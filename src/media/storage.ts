import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import type { Config } from '../config.js';
import { IMAGE_FORMATS } from './image-check.js';

/** Where uploaded files live: DATA_DIR/uploads, or an S3-compatible bucket. Keys are always made by newMediaKey. */
export interface MediaStorage {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  remove(key: string): Promise<void>;
  /** Where a browser may fetch the file directly instead of through /media (a CDN in front of the bucket). */
  publicUrl(key: string): string | undefined;
}

const EXTENSIONS = Object.values(IMAGE_FORMATS).map((format) => format.extension);
const KEY_PATTERN = new RegExp(`^[a-f0-9]{32}\\.(${EXTENSIONS.join('|')})$`);

/** A random name with the format's real extension: never anything the uploader chose, so no path tricks and no guessing. */
export function newMediaKey(extension: string): string {
  if (!EXTENSIONS.includes(extension as (typeof EXTENSIONS)[number])) throw new RangeError(`not a media extension: ${extension}`);
  return `${randomBytes(16).toString('hex')}.${extension}`;
}

/** True only for names newMediaKey makes; anything else (../, slashes, other extensions) names no file. */
export function isMediaKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The content type a key's extension stands for (the extension was set from the bytes at upload). */
export function contentTypeOfKey(key: string): string | undefined {
  const extension = key.slice(key.lastIndexOf('.') + 1);
  return Object.values(IMAGE_FORMATS).find((format) => format.extension === extension)?.contentType;
}

function assertKey(key: string): void {
  if (!isMediaKey(key)) throw new RangeError('not a media key');
}

export function diskStorage(directory: string): MediaStorage {
  return {
    async put(key, bytes) {
      assertKey(key);
      await mkdir(directory, { recursive: true });
      // 'wx': a key is written once; a clash (1 in 2^128) fails rather than replacing a picture.
      await writeFile(join(directory, key), bytes, { flag: 'wx', mode: 0o640 });
    },
    async get(key) {
      if (!isMediaKey(key)) return undefined;
      try {
        return await readFile(join(directory, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(key) {
      assertKey(key);
      await rm(join(directory, key), { force: true });
    },
    publicUrl: () => undefined,
  };
}

export interface S3Settings {
  bucket: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  publicUrl?: string | undefined;
}

/** An S3-compatible bucket (AWS, R2, MinIO…), addressed path-style so any endpoint works; requests signed with SigV4. */
export function s3Storage(settings: S3Settings): MediaStorage {
  const client = new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, service: 's3', region: settings.region, retries: 2 });
  const objectUrl = (key: string) => `${settings.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(settings.bucket)}/${key}`;
  const failed = async (what: string, response: Response) => new Error(`S3 ${what} failed: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return {
    async put(key, bytes, contentType) {
      assertKey(key);
      // The payload's hash and its type are signed too (allHeaders), so the bucket refuses either changed on the way.
      const headers = { 'Content-Type': contentType, 'X-Amz-Content-Sha256': createHash('sha256').update(bytes).digest('hex') };
      const response = await client.fetch(objectUrl(key), { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers, aws: { allHeaders: true } });
      if (!response.ok) throw await failed('upload', response);
    },
    async get(key) {
      if (!isMediaKey(key)) return undefined;
      const response = await client.fetch(objectUrl(key));
      if (response.status === 404) return undefined;
      if (!response.ok) throw await failed('download', response);
      return new Uint8Array(await response.arrayBuffer());
    },
    async remove(key) {
      assertKey(key);
      const response = await client.fetch(objectUrl(key), { method: 'DELETE' });
      if (!response.ok && response.status !== 404) throw await failed('delete', response);
    },
    publicUrl: (key) => (settings.publicUrl ? `${settings.publicUrl.replace(/\/+$/, '')}/${key}` : undefined),
  };
}

const made = new WeakMap<Readonly<Config>, MediaStorage>();

/** The storage the configuration names (the bucket when S3_* is set), made once per configuration. */
export function mediaStorageFor(config: Readonly<Config>): MediaStorage {
  let storage = made.get(config);
  if (!storage) {
    storage =
      config.S3_BUCKET && config.S3_ENDPOINT && config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? s3Storage({
            bucket: config.S3_BUCKET,
            endpoint: config.S3_ENDPOINT,
            accessKeyId: config.S3_ACCESS_KEY_ID,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY,
            region: config.S3_REGION,
            publicUrl: config.S3_PUBLIC_URL,
          })
        : diskStorage(join(config.DATA_DIR, 'uploads'));
    made.set(config, storage);
  }
  return storage;
}
