import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CategoryResolver } from '../../src/catalog/shopify-csv/category-resolver.js';
import { csvLine, CsvFileError, escapeFormula, unescapeFormula } from '../../src/catalog/shopify-csv/csv-text.js';
import { draftImport } from '../../src/catalog/shopify-csv/draft.js';
import { htmlToText, normalizeText, textToHtml } from '../../src/catalog/shopify-csv/html-text.js';
import { parseShopifyCsv } from '../../src/catalog/shopify-csv/parse.js';
import { inFileOrder } from '../../src/catalog/shopify-csv/plan-diff.js';
import { planAgainst } from '../../src/catalog/shopify-csv/plan.js';

const draftOf = (csv: string, appUrl?: string) => draftImport(parseShopifyCsv(csv), appUrl);
const emptyCatalog = { productsBySlug: new Map(), skuOwners: new Map(), categories: [] };
const planOf = (csv: string) => planAgainst(draftOf(csv), emptyCatalog);
const notesOf = (csv: string) => new Map(planOf(csv).rows.map((row) => [row.row, row.notes.map((note) => `${note.tone}: ${note.text}`)]));

describe('Body (HTML) as plain text', () => {
  it('keeps paragraphs, line breaks and list items, decodes entities, and drops scripts and styles', () => {
    expect(htmlToText('<h2>Care</h2><p>Wash &amp; dry<br/>at 30&nbsp;°C.</p><ul>\n  <li>Cotton</li>\n  <li>Made in <b>Portugal</b></li></ul><style>p{}</style><script>alert(1)</script>')).toBe('Care\n\nWash & dry\nat 30 °C.\n\n• Cotton\n• Made in Portugal');
    expect(htmlToText('Plain text,\n  wrapped   by a spreadsheet')).toBe('Plain text, wrapped by a spreadsheet');
    expect(htmlToText('<div><p></p></div>  ')).toBe('');
  });

  it('writes text as escaped paragraphs that read back as the same text', () => {
    expect(textToHtml('A <b> & "c"\nnext line\n\nSecond')).toBe('<p>A &lt;b> &amp; &#34;c&#34;<br>next line</p><p>Second</p>');
    expect(textToHtml('')).toBe('');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\n', '&', '<', '>', '"', "'", '•', 'é', '\t') }), (text) => {
        const normal = normalizeText(text);
        expect(htmlToText(textToHtml(normal))).toBe(normal);
      }),
    );
  });
});

describe('cells as text', () => {
  it('puts a quote before text a spreadsheet would run, never before a number, and takes exactly one off again', () => {
    expect(['=SUM(A1)', '+1 free', '-minus', '@home', '-12.5', '12', "'=x", 'plain'].map(escapeFormula)).toEqual([`'=SUM(A1)`, `'+1 free`, `'-minus`, `'@home`, '-12.5', '12', `''=x`, 'plain']);
    fc.assert(fc.property(fc.string(), (value) => unescapeFormula(escapeFormula(value)) === value));
  });

  it('quotes a cell with a comma, quote or line break', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', ' padded'])).toBe('a,"b,c","say ""hi""","two\nlines"," padded"\n');
  });
});

describe('parseShopifyCsv', () => {
  it('reads a BOM, CRLF, quoted newlines and commas, headers in any case, and numbers rows as a spreadsheet does', () => {
    const parsed = parseShopifyCsv('\uFEFFhandle,TITLE,Body (HTML),Metafield: custom.x\r\nmug,"Mug, large","<p>one\r\ntwo</p>",x\r\n\r\nmug,,,\r\n');
    expect([...parsed.columns].sort()).toEqual(['body', 'handle', 'title']);
    expect(parsed.rows).toEqual([
      { row: 2, cells: { handle: 'mug', title: 'Mug, large', body: '<p>one\r\ntwo</p>' }, ignored: ['Metafield: custom.x'] },
      { row: 4, cells: { handle: 'mug', title: '', body: '' }, ignored: [] },
    ]);
  });

  it("reads the newer template's column names as the same fields", () => {
    const parsed = parseShopifyCsv('Title,URL handle,Description,SKU,Price,Compare-at price,Inventory quantity,Product image URL,Variant image URL,SEO title\n');
    expect([...parsed.columns].sort()).toEqual(['body', 'compareAt', 'handle', 'imageSrc', 'inventoryQty', 'price', 'seoTitle', 'sku', 'title', 'variantImage']);
  });

  it('refuses what is not a product CSV, with one message', () => {
    expect(() => parseShopifyCsv('')).toThrow(new CsvFileError('The file is empty.'));
    expect(() => parseShopifyCsv('Handle,Title\n' + 'a,A\n'.repeat(11), 10)).toThrow(/more than 10 rows/);
    expect(parseShopifyCsv('Handle,Title\n' + 'a,A\n'.repeat(10), 10).rows).toHaveLength(10);
  });
});

describe('reading rows into products', () => {
  it('treats Title / Default Title as no options, and makes a SKU from the handle and options when there is none', () => {
    const draft = draftOf('Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,Variant Price\nmug,Mug,Title,Default Title,,,,5\ntee,Tee,Colour,Red,Size,XL,,10\n');
    expect(draft.products.map((product) => [product.optionNames, product.variants.map((variant) => [variant.sku, variant.options])])).toEqual([
      [[], [['mug', {}]]],
      [['Colour', 'Size'], [['tee-red-xl', { Colour: 'Red', Size: 'XL' }]]],
    ]);
  });

  it('reads Variant Grams (also "264.0"), or Variant Weight in its unit', () => {
    const draft = draftOf('Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Grams,Variant Weight,Variant Weight Unit\nbox,Box,Size,S,B-S,1,264.0,,\nbox,,,M,B-M,1,,1.5,kg\nbox,,,L,B-L,1,,2,lb\nbox,,,XL,B-XL,1,,,\n');
    expect(draft.products[0]!.variants.map((variant) => variant.weightGrams)).toEqual([264, 1500, 907, null]);
  });

  it('refuses a bad cell with the column it came from, and keeps reading the other rows', () => {
    const notes = notesOf(
      [
        'Handle,Title,Published,Status,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Compare At Price,Variant Inventory Qty,Variant Grams,Image Src,Image Position,Variant Weight,Variant Weight Unit',
        'a,A,maybe,,Size,S,A-1,1,,,,,,,',
        'b,B,,sold,Size,S,B-1,1,,,,,,,',
        'c,C,,,Size,,C-1,-1,x,1.5,-3,javascript:alert(1),0,,',
        'd,D,,,,Blue,D 1,1,,,,,,2,stone',
        'e,,,,Size,S,E-1,1,,,,,,,',
        'f,F,,,Size,S,F-1,1,,,,,,,',
        'f,,,,,S,F-2,2,,,,,,,',
      ].join('\n'),
    );
    expect(notes.get(2)).toEqual(['error: Published "maybe" must be TRUE or FALSE.']);
    expect(notes.get(3)).toEqual(['error: Status "sold" must be active, draft or archived.']);
    expect(notes.get(4)).toEqual([
      'error: Option1 Value is missing: the product has the option "Size".',
      'error: Variant Price "-1" is negative; prices are 0 or more.',
      'error: Variant Compare At Price "x" is not an amount like 12.50.',
      'error: Variant Inventory Qty "1.5" is not a whole number.',
      'error: Variant Grams cannot be negative.',
      'error: Image Src must be a web address starting with https:// or http://.',
      'error: Image Position must be 1 or more.',
    ]);
    expect(notes.get(5)).toEqual(['error: Option1 Value "Blue" has no Option1 Name on the product\'s first row.', 'error: Variant SKU is letters, digits and punctuation, without spaces.']);
    expect(notes.get(6)).toEqual(['error: Title is missing: the first row of a product must have it.']);
    expect(notes.get(8)).toEqual(['error: Same options (Size S) as row 7: a product\'s variants must differ in their options.']);
    expect(notes.get(7)).toEqual(['info: Skipped with its product: row 8 of f was refused.']);
  });

  it('refuses a second use of a SKU anywhere in the file, and a new product without a variant', () => {
    const plan = planOf('Handle,Title,Variant SKU,Variant Price\na,A,SAME,1\nb,B,SAME,2\nc,C,,\n');
    expect(plan.rows.map((row) => [row.row, row.outcome, row.notes.map((note) => note.text)])).toEqual([
      [2, 'create', []],
      [3, 'refused', ['Variant SKU SAME is already used on row 2.']],
      [4, 'refused', ['No variant rows: only the product itself is read (a new product needs a row with a Variant Price).', 'A new product needs at least one variant: a row with a Variant Price.']],
    ]);
    expect(plan.totals).toMatchObject({ create: 1, skipped: 2, refusedRows: 2 });
  });

  it("reads this store's own image addresses back as the paths it keeps", () => {
    const draft = draftOf('Handle,Title,Variant SKU,Variant Price,Image Src\nmug,Mug,M-1,1,https://shop.example/media/a.webp\nmug,,,,https://cdn.example/b.jpg\n', 'https://shop.example');
    expect(draft.products[0]!.images.map((image) => image.url)).toEqual(['/media/a.webp', 'https://cdn.example/b.jpg']);
  });
});

describe('categories named by Type', () => {
  const existing = [
    { id: 1, parent_id: null, slug: 'appliances', name: 'Appliances', position: 0 },
    { id: 2, parent_id: 1, slug: 'kitchen', name: 'Kitchen', position: 0 },
    { id: 3, parent_id: null, slug: 'garden', name: 'Garden', position: 1 },
    { id: 4, parent_id: 3, slug: 'kitchen-2', name: 'Kitchen', position: 0 },
  ];

  it('matches a name or the end of a path, the shallowest first, and plans what is missing along the path', () => {
    const resolver = new CategoryResolver(existing);
    expect(resolver.resolve({ path: ['kitchen'] })).toEqual({ key: 'id:2', created: [] });
    expect(resolver.resolve({ path: ['Garden', 'Kitchen'] })).toEqual({ key: 'id:4', created: [] });
    expect(resolver.resolve({ path: ['Appliances', 'Kitchen', 'Kettles'] })).toEqual({ key: 'new:appliances>kitchen>kettles', created: ['Appliances > Kitchen > Kettles'] });
    expect(resolver.resolve({ path: ['Outdoor', 'Kitchen'] })).toEqual({ key: 'new:outdoor>kitchen', created: ['Outdoor', 'Outdoor > Kitchen'] });
    expect(resolver.planned().map((node) => [node.slug, node.parentKey, node.position])).toEqual([
      ['kettles', 'id:2', 0],
      ['outdoor', null, 2],
      ['kitchen-3', 'new:outdoor', 0],
    ]);
  });
});

describe('order of variants and images', () => {
  it("follows the file when it names everything, else keeps the present order and adds what is new", () => {
    expect(inFileOrder(['b', 'a'], ['a', 'b'])).toEqual(['b', 'a']);
    expect(inFileOrder(['c', 'a'], ['a', 'b'])).toEqual(['a', 'b', 'c']);
    expect(inFileOrder(['a'], [])).toEqual(['a']);
  });
});
