import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form } from '../../support/accounts.js';
import { multipart, signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { startFakeS3, type FakeS3 } from '../../support/fake-s3.js';
import { insertProduct } from '../../support/factories.js';
import { htmlOf, textOf } from '../../support/html.js';

/** A real PNG (white pixels) of the given size. */
function pngOf(width: number, height: number): Uint8Array<ArrayBuffer> {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height, 0xff);
  for (let row = 0; row < height; row++) rows[row * (width * 3 + 1)] = 0; // filter: none
  const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  return new Uint8Array(bytes);
}
const GIF = Uint8Array.from(Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'));

const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-images-'));
const uploads = () => (existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')) : []);
let ctx: TestContext;
let admin: { id: number };
let cookie: string;
beforeAll(async () => {
  ctx = await createTestApp({ env: { DATA_DIR: dataDir } });
  ({ admin, cookie } = await signInAdmin(ctx));
});
afterAll(() => ctx.close());

const db = () => ctx.database.db;
const imagesOf = (productId: number) => db().selectFrom('product_images').selectAll().where('product_id', '=', productId).orderBy('position').orderBy('id').execute();
const auditCount = async () => Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const lastAudit = (productId: number) => db().selectFrom('audit_events').selectAll().where('entity_type', '=', 'product').where('entity_id', '=', String(productId)).orderBy('id', 'desc').executeTakeFirstOrThrow();
const upload = (productId: number, file: File, alt = '', as = cookie) => ctx.app.request(`/admin/products/${productId}/images`, multipart({ image: file, alt }, as));

describe('uploading a picture', () => {
  it('stores it under a server-made name, serves it at /media with safe headers, audits it, and the shop shows it', async () => {
    const { product } = await insertProduct(db(), { name: 'Red Mug' }, [{}], []);
    expect((await ctx.app.request(`/products/${product.slug}`)).status).toBe(200); // cached without a picture
    const bytes = pngOf(3, 2);
    const response = await upload(product.id, new File([bytes], '../../evil name.html', { type: 'text/html' }), 'A red enamel mug');
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe(`/admin/products/${product.id}#product-images`);

    const [image] = await imagesOf(product.id);
    expect(image).toMatchObject({ alt: 'A red enamel mug', content_type: 'image/png', byte_size: bytes.length, position: 0 });
    expect(image!.storage_key).toMatch(/^[0-9a-f]{32}\.png$/);
    expect(image!.url).toBe(`/media/${image!.storage_key}`);
    expect(uploads()).toContain(image!.storage_key);
    const audit = await lastAudit(product.id);
    expect(audit).toMatchObject({ action: 'product.image_added', actor_user_id: admin.id });
    expect(audit.after).toMatchObject({ image_id: image!.id, url: image!.url, content_type: 'image/png', width: 3, height: 2 });

    const served = await ctx.app.request(image!.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('Content-Type')).toBe('image/png');
    expect(served.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(served.headers.get('Content-Security-Policy')).toBe("default-src 'none'; sandbox");
    expect(served.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    const shop = await htmlOf(await ctx.app.request(`/products/${product.slug}`));
    expect(shop.querySelector(`img[src="${image!.url}"]`)?.getAttribute('alt')).toBe('A red enamel mug');
    const edit = await htmlOf(await ctx.app.request(`/admin/products/${product.id}`, { headers: { Cookie: cookie } }));
    expect(edit.querySelector(`[data-image="${image!.id}"] img`)?.getAttribute('src')).toBe(image!.url);
  });

  it('accepts a GIF, and names it by what it is', async () => {
    const { product } = await insertProduct(db(), {}, [{}], []);
    expect((await upload(product.id, new File([GIF], 'photo.jpg', { type: 'image/jpeg' }))).status).toBe(303);
    const [image] = await imagesOf(product.id);
    expect(image!.storage_key).toMatch(/\.gif$/);
    expect(image!.content_type).toBe('image/gif');
    expect(image!.alt).toBe(product.name); // no alt typed: the product's name
  });

  const refusals: [string, Uint8Array<ArrayBuffer>, string][] = [
    ['an HTML page named .png', new TextEncoder().encode('<!doctype html><html><script>alert(document.cookie)</script></html>'), 'not a JPEG, PNG, WebP, GIF or AVIF image'],
    ['an SVG with a script named .png', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>'), 'not a JPEG, PNG, WebP, GIF or AVIF image'],
    ['a PNG cut short', pngOf(4, 4).slice(0, 20), 'could not be read'],
    ['a PNG that claims to be 100000 pixels wide', pngOf(100_000, 1), 'at most 12000 pixels a side'],
    ['an empty file', new Uint8Array(0), 'Choose an image file'],
  ];
  for (const [what, bytes, message] of refusals) {
    it(`refuses ${what} with a clear message and writes nothing`, async () => {
      const { product } = await insertProduct(db(), {}, [{}], []);
      const [files, audits] = [uploads().length, await auditCount()];
      const response = await upload(product.id, new File([bytes], 'picture.png', { type: 'image/png' }));
      expect(response.status).toBe(422);
      expect(textOf(await htmlOf(response), '#product-images [role=alert]')).toContain(message);
      expect(await imagesOf(product.id)).toEqual([]);
      expect(uploads()).toHaveLength(files);
      expect(await auditCount()).toBe(audits);
    });
  }

  it('refuses a 50 MB upload with 413 before reading it, and writes nothing', async () => {
    const { product } = await insertProduct(db(), {}, [{}], []);
    const [files, audits] = [uploads().length, await auditCount()];
    const huge = new Uint8Array(50 * 1024 * 1024);
    huge.set(pngOf(1, 1));
    const response = await upload(product.id, new File([huge], 'huge.png', { type: 'image/png' }));
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('The image is larger than we accept (at most 11 MB)');
    expect(await imagesOf(product.id)).toEqual([]);
    expect(uploads()).toHaveLength(files);
    expect(await auditCount()).toBe(audits);
  });

  it('refuses a picture just over 10 MB that the request limit lets through', async () => {
    const { product } = await insertProduct(db(), {}, [{}], []);
    const big = new Uint8Array(10 * 1024 * 1024 + 1000);
    big.set(pngOf(1, 1));
    const response = await upload(product.id, new File([big], 'big.png', { type: 'image/png' }));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('larger than we accept (at most 10 MB)');
    expect(await imagesOf(product.id)).toEqual([]);
  });

  it('answers 404 for another product’s picture id and for a product that does not exist', async () => {
    const { product } = await insertProduct(db());
    const { product: other } = await insertProduct(db());
    const [foreign] = await imagesOf(other.id);
    expect((await ctx.app.request(`/admin/products/${product.id}/images/${foreign!.id}/delete`, form({}, cookie))).status).toBe(404);
    expect(await imagesOf(other.id)).toHaveLength(1);
    expect((await upload(999_999, new File([pngOf(1, 1)], 'a.png'))).status).toBe(404);
  });
});

describe('managing pictures', () => {
  it('edits alt text, moves a picture earlier and removes one (its file too), each audited, and the shop follows', async () => {
    const { product } = await insertProduct(db(), { name: 'Blue Bowl' }, [{}], []);
    for (const alt of ['first', 'second']) expect((await upload(product.id, new File([pngOf(2, 2)], 'x.png'), alt)).status).toBe(303);
    const [first, second] = await imagesOf(product.id);

    expect((await ctx.app.request(`/admin/products/${product.id}/images/${second!.id}`, form({ alt: 'A blue bowl from above' }, cookie))).status).toBe(303);
    expect((await lastAudit(product.id)).after).toEqual({ image_id: second!.id, alt: 'A blue bowl from above' });
    expect((await ctx.app.request(`/admin/products/${product.id}/images/${second!.id}/move`, form({ direction: 'up' }, cookie))).status).toBe(303);
    expect((await imagesOf(product.id)).map((image) => image.id)).toEqual([second!.id, first!.id]);
    expect(await lastAudit(product.id)).toMatchObject({ action: 'product.image_updated', before: { image_id: second!.id, position: 1 }, after: { image_id: second!.id, position: 0 } });
    const shop = await htmlOf(await ctx.app.request(`/products/${product.slug}`));
    expect(shop.querySelector('img[alt="A blue bowl from above"]')).not.toBeNull();

    const refused = await ctx.app.request(`/admin/products/${product.id}/images/${second!.id}/move`, form({ direction: 'sideways' }, cookie));
    expect(refused.status).toBe(422);

    expect((await ctx.app.request(`/admin/products/${product.id}/images/${second!.id}/delete`, form({}, cookie))).status).toBe(303);
    expect((await imagesOf(product.id)).map((image) => image.id)).toEqual([first!.id]);
    expect(uploads()).not.toContain(second!.storage_key);
    expect(await lastAudit(product.id)).toMatchObject({ action: 'product.image_removed', actor_user_id: admin.id, before: { image_id: second!.id, url: second!.url } });
    expect((await ctx.app.request(second!.url)).status).toBe(404);
  });
});

describe('/media', () => {
  it('answers 404 for unknown keys and anything that is not a key, never reading outside the folder', async () => {
    for (const path of ['/media/0123456789abcdef0123456789abcdef.png', '/media/..%2F..%2Fapp-secret', '/media/app-secret', '/media/0123456789abcdef0123456789abcdef.svg', '/media/x.png%00.png']) {
      const response = await ctx.app.request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('Content-Security-Policy'), path).toBe("default-src 'none'; sandbox");
    }
  });
});

describe('in an S3 bucket', () => {
  let s3: FakeS3;
  let bucketCtx: TestContext;
  let bucketCookie: string;
  beforeAll(async () => {
    s3 = await startFakeS3();
    bucketCtx = await createTestApp({ env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'hyperstore-s3-')), ...s3.env } });
    ({ cookie: bucketCookie } = await signInAdmin(bucketCtx));
  });
  afterAll(async () => {
    await bucketCtx.close();
    await s3.close();
  });

  it('PUTs the bytes with their type and a valid signature, serves them back through /media, and DELETEs them on removal', async () => {
    const { product } = await insertProduct(bucketCtx.database.db, {}, [{}], []);
    const bytes = pngOf(5, 5);
    const response = await bucketCtx.app.request(`/admin/products/${product.id}/images`, multipart({ image: new File([bytes], 'x.png'), alt: 'In the bucket' }, bucketCookie));
    expect(response.status).toBe(303);
    const image = await bucketCtx.database.db.selectFrom('product_images').selectAll().where('product_id', '=', product.id).executeTakeFirstOrThrow();
    const put = s3.requests.find((request) => request.method === 'PUT')!;
    expect(put.path).toBe(`/${s3.bucket}/${image.storage_key}`);
    expect(put.signatureValid).toBe(true);
    expect(put.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${s3.accessKeyId}/\\d{8}/${s3.region}/s3/aws4_request, SignedHeaders=[^ ]*content-type`));
    expect(put.headers['content-type']).toBe('image/png');
    expect(new Uint8Array(put.body)).toEqual(bytes);

    const served = await bucketCtx.app.request(image.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('Content-Type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    expect((await bucketCtx.app.request(`/admin/products/${product.id}/images/${image.id}/delete`, form({}, bucketCookie))).status).toBe(303);
    expect(s3.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/${s3.bucket}/${image.storage_key}`, signatureValid: true });
    expect(s3.objects.has(image.storage_key!)).toBe(false);
  });
});
