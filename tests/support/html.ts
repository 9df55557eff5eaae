import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parse, type HTMLElement } from 'node-html-parser';

/** Parses a response body into a DOM to assert on what a shopper would see. */
export async function htmlOf(response: Response): Promise<HTMLElement> {
  return parse(await response.text());
}

export function textOf(root: HTMLElement, selector: string): string {
  const element = root.querySelector(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  return element.text.replace(/\s+/g, ' ').trim();
}

/** A body as it came over the wire, decompressed by its Content-Encoding (br, gzip or none). */
export function decodedBody(raw: Buffer, encoding: string | null | undefined): string {
  return (encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}
