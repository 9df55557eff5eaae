import { parse, type HTMLElement } from 'node-html-parser';

/** Issue 9's page-weight budgets. A KB is 1,024 bytes. */
export const BUDGETS = {
  /** JavaScript a page loads, brotli-compressed as the store serves it. */
  scriptBytes: 32 * 1024,
  /** Stylesheets a page loads, brotli-compressed as served. */
  styleBytes: 15 * 1024,
  /** The listing's HTML before compression. */
  listingHtmlBytes: 35 * 1024,
};

/** What app.request (or fetch against a running store) looks like to the checker. */
export type Requester = (path: string, init?: RequestInit) => Response | Promise<Response>;

export interface LoadedFile {
  url: string;
  /** Bytes on the wire with `Accept-Encoding: br`; 0 for another site's file (not ours to weigh). */
  bytes: number;
  thirdParty: boolean;
}

export interface PageWeight {
  path: string;
  status: number;
  htmlBytes: number;
  scripts: LoadedFile[];
  styles: LoadedFile[];
  scriptBytes: number;
  styleBytes: number;
}

const ORIGIN = 'http://store.test';

const scriptUrls = (root: HTMLElement) => [
  ...root.querySelectorAll('script[src]').map((element) => element.getAttribute('src')!),
  ...root.querySelectorAll('link[rel=modulepreload], link[rel=preload][as=script]').map((element) => element.getAttribute('href')!),
];
const styleUrls = (root: HTMLElement) => root.querySelectorAll('link[rel=stylesheet], link[rel=preload][as=style]').map((element) => element.getAttribute('href')!);

/**
 * The fragments htmx would fetch into this page (hx-get on the same site): a script or
 * stylesheet in one of them is loaded lazily, and counts against the page too.
 */
async function lazyFragments(request: Requester, root: HTMLElement, init: RequestInit): Promise<HTMLElement[]> {
  const paths = new Set(root.querySelectorAll('[hx-get]').map((element) => element.getAttribute('hx-get')!));
  const fragments: HTMLElement[] = [];
  for (const path of paths) {
    if (new URL(path, ORIGIN).origin !== ORIGIN) continue;
    const response = await request(path, { ...init, headers: { ...(init.headers as Record<string, string>), 'HX-Request': 'true' } });
    fragments.push(parse(await response.text()));
  }
  return fragments;
}

async function weighFile(request: Requester, url: string): Promise<LoadedFile> {
  const resolved = new URL(url, ORIGIN);
  if (resolved.origin !== ORIGIN) return { url, bytes: 0, thirdParty: true };
  const response = await request(resolved.pathname + resolved.search, { headers: { 'Accept-Encoding': 'br' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return { url, bytes: (await response.arrayBuffer()).byteLength, thirdParty: false };
}

const sum = (files: LoadedFile[]) => files.reduce((total, file) => total + file.bytes, 0);

/** Every script and stylesheet `path` loads, each counted once, weighed as the store serves it. */
export async function weighPage(request: Requester, path: string, init: RequestInit = {}): Promise<PageWeight> {
  const response = await request(path, init);
  const html = await response.text();
  const root = parse(html);
  const documents = [root, ...(await lazyFragments(request, root, init))];
  const scripts = await Promise.all([...new Set(documents.flatMap(scriptUrls))].map((url) => weighFile(request, url)));
  const styles = await Promise.all([...new Set(documents.flatMap(styleUrls))].map((url) => weighFile(request, url)));
  return { path, status: response.status, htmlBytes: Buffer.byteLength(html), scripts, styles, scriptBytes: sum(scripts), styleBytes: sum(styles) };
}

/** What breaks the budgets on a page, in words; empty when it keeps them. */
export function budgetViolations(page: PageWeight, kind: { listing?: boolean; paymentStep?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (page.status !== 200) problems.push(`${page.path} answered ${page.status}, not 200`);
  if (page.scriptBytes > BUDGETS.scriptBytes) problems.push(`${page.path} loads ${page.scriptBytes} bytes of compressed JavaScript (budget ${BUDGETS.scriptBytes})`);
  if (page.styleBytes > BUDGETS.styleBytes) problems.push(`${page.path} loads ${page.styleBytes} bytes of compressed CSS (budget ${BUDGETS.styleBytes})`);
  if (kind.listing && page.htmlBytes > BUDGETS.listingHtmlBytes) problems.push(`${page.path} is ${page.htmlBytes} bytes of HTML (budget ${BUDGETS.listingHtmlBytes})`);
  if (!kind.paymentStep) {
    for (const script of page.scripts.filter((file) => file.thirdParty)) problems.push(`${page.path} loads a third-party script: ${script.url}`);
  }
  return problems;
}
