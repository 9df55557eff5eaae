import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { diskStorage, mediaStorageFor, newMediaKey } from '../../src/media/storage.js';

const env = (extra: NodeJS.ProcessEnv) => ({ NODE_ENV: 'test' as const, DATA_DIR: mkdtempSync(join(tmpdir(), 'hyperstore-media-')), APP_SECRET: 'x'.repeat(40), ...extra });

describe('media storage configuration', () => {
  it('names every S3 variable missing when only some are set', () => {
    try {
      loadConfig(env({ S3_BUCKET: 'media', S3_ENDPOINT: 'https://s3.example.test' }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['S3_ACCESS_KEY_ID is required when any S3_ variable is set', 'S3_SECRET_ACCESS_KEY is required when any S3_ variable is set']);
    }
    expect(() => loadConfig(env({ S3_ENDPOINT: 'ftp://nope' }))).toThrow('S3_ENDPOINT must be a URL');
  });

  it('uses the bucket when S3 is configured (with its public address), the data folder otherwise', () => {
    const bucket = mediaStorageFor(loadConfig(env({ S3_BUCKET: 'm', S3_ENDPOINT: 'https://s3.example.test', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_PUBLIC_URL: 'https://cdn.example.test/' })));
    expect(bucket.publicUrl('k.png')).toBe('https://cdn.example.test/k.png');
    expect(mediaStorageFor(loadConfig(env({}))).publicUrl('k.png')).toBeUndefined();
  });

  it('keeps files on disk under their keys only, and refuses any other name', async () => {
    const storage = diskStorage(mkdtempSync(join(tmpdir(), 'hyperstore-disk-')));
    const key = newMediaKey('png');
    await storage.put(key, new Uint8Array([1, 2, 3]), 'image/png');
    expect(await storage.get(key)).toEqual(Buffer.from([1, 2, 3]));
    await expect(storage.put(key, new Uint8Array([4]), 'image/png')).rejects.toThrow(); // written once
    expect(await storage.get('../app-secret')).toBeUndefined();
    await expect(storage.put('../escape.png', new Uint8Array([1]), 'image/png')).rejects.toThrow(RangeError);
    await storage.remove(key);
    expect(await storage.get(key)).toBeUndefined();
  });
});
