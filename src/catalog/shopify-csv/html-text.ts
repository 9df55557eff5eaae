import { escapeHtml } from '@kitajs/html';
import { HTMLElement, parse, TextNode, type Node } from 'node-html-parser';

/**
 * Shopify keeps descriptions as HTML; the storefront shows plain text (escaped, paragraphs
 * kept). So an import turns Body (HTML) into readable text, and an export turns the text back
 * into simple HTML. For text in the form htmlToText gives (paragraphs split by one blank line,
 * lines by one line break, single spaces), htmlToText(textToHtml(text)) is that text again,
 * which is what makes export → import give the same catalog.
 */

const PARAGRAPH = '\n\n';
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'header', 'footer', 'aside', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'figure', 'figcaption', 'address']);
const LINES = new Set(['li', 'dt', 'dd']);
const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'iframe', 'object', 'svg']);

export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return normalizeText(html.replace(/[\t\n\f\r]+/g, ' '));
  const parts: string[] = [];
  walk(parse(html, { comment: false }), parts);
  return normalizeText(parts.join(''));
}

function walk(node: Node, parts: string[]): void {
  for (const child of node.childNodes) {
    if (child instanceof TextNode) {
      // HTML collapses white space; line breaks come only from the markup.
      parts.push(child.text.replace(/[\s\u00a0]+/g, ' '));
    } else if (child instanceof HTMLElement) {
      const tag = child.rawTagName?.toLowerCase() ?? '';
      if (SKIPPED.has(tag)) continue;
      if (tag === 'br') {
        parts.push('\n');
        continue;
      }
      const block = BLOCKS.has(tag);
      if (block) parts.push(PARAGRAPH);
      if (LINES.has(tag)) parts.push(tag === 'li' ? '\n• ' : '\n');
      if (tag === 'td' || tag === 'th') parts.push(' ');
      walk(child, parts);
      if (block) parts.push(PARAGRAPH);
    }
  }
}

/** Trimmed lines with single spaces; a run of empty lines becomes one paragraph break. */
export function normalizeText(text: string): string {
  const paragraphs: string[][] = [[]];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/[ \t\u00a0]+/g, ' ').trim();
    if (line !== '') paragraphs.at(-1)!.push(line);
    else if (paragraphs.at(-1)!.length > 0) paragraphs.push([]);
  }
  return paragraphs
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join(PARAGRAPH);
}

/** Plain text as HTML: each paragraph a <p>, each line break a <br>, every character escaped. */
export function textToHtml(text: string): string {
  return normalizeText(text)
    .split(PARAGRAPH)
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${paragraph.split('\n').map((line) => escapeHtml(line)).join('<br>')}</p>`)
    .join('');
}
