import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An S3-compatible bucket on 127.0.0.1 for the media storage to talk to: path-style PUT, GET
 * and DELETE of objects, each request's AWS Signature V4 checked against the test credentials
 * (a wrong or missing signature is a 403, as S3 answers), and every request recorded.
 */

export interface FakeS3Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The signature matched the credentials, the signed headers and the payload hash. */
  signatureValid: boolean;
}

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  requests: FakeS3Request[];
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** The environment that points the store at this bucket. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** SigV4 as S3 checks it: canonical request → string to sign → HMAC with the derived key. */
function signatureValid(request: IncomingMessage, body: Buffer, secretAccessKey: string): boolean {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(request.headers.authorization ?? '');
  const amzDate = request.headers['x-amz-date'];
  const payloadHash = request.headers['x-amz-content-sha256'];
  if (!match || typeof amzDate !== 'string' || typeof payloadHash !== 'string') return false;
  const [, , date, region, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return false;
  const url = new URL(request.url ?? '/', 'http://fake');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [request.method, url.pathname, url.search.slice(1), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex') === signature;
}

export async function startFakeS3(): Promise<FakeS3> {
  const bucket = 'test-media';
  const [accessKeyId, secretAccessKey, region] = ['AKIDFAKES3TEST', 'fake-s3-secret-key-for-tests', 'eu-test-1'];
  const requests: FakeS3Request[] = [];
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const valid = signatureValid(request, body, secretAccessKey);
    requests.push({ method: request.method ?? '', path, headers: request.headers as Record<string, string>, body, signatureValid: valid });
    if (!valid) return response.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
    if (!path.startsWith(`/${bucket}/`)) return response.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
    const key = path.slice(bucket.length + 2);
    if (request.method === 'PUT') {
      objects.set(key, { body, contentType: String(request.headers['content-type'] ?? 'application/octet-stream') });
      return response.writeHead(200, { ETag: `"${sha256(body).slice(0, 32)}"` }).end();
    }
    if (request.method === 'DELETE') {
      objects.delete(key);
      return response.writeHead(204).end();
    }
    const object = objects.get(key);
    if (!object) return response.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    response.writeHead(200, { 'Content-Type': object.contentType, 'Content-Length': object.body.length }).end(object.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    region,
    requests,
    objects,
    env: { S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey, S3_REGION: region },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
