import { parse } from 'csv-parse/sync';
import { fieldForHeader, type Field } from './columns.js';
import { CsvFileError, unescapeFormula } from './csv-text.js';

/** Enough for a large catalog in one file; a bigger one is imported in parts. */
export const MAX_IMPORT_ROWS = 50_000;

/** One data row: its number as a spreadsheet shows it (the header is row 1) and its cells by field. */
export interface CsvRow {
  row: number;
  cells: Partial<Record<Field, string>>;
  /** Columns we do not import that hold something on this row (said when nothing else is there). */
  ignored: string[];
}

export interface ParsedCsv {
  /** The fields the file has a column for: a missing column leaves that field of an existing product alone. */
  columns: ReadonlySet<Field>;
  rows: CsvRow[];
}

/**
 * Reads a Shopify product CSV. A file that is not one (no Handle or Title column, broken quoting,
 * more than `maxRows` rows) is refused whole with one message, before anything is planned.
 */
export function parseShopifyCsv(text: string, maxRows = MAX_IMPORT_ROWS): ParsedCsv {
  const records = readRecords(text, maxRows);
  const [header, ...body] = records;
  if (!header || header.every((cell) => cell.trim() === '')) throw new CsvFileError('The file is empty.');
  const fields = header.map((name) => fieldForHeader(name));
  checkHeader(header, fields);
  if (body.length > maxRows) {
    throw new CsvFileError(`The file has more than ${maxRows.toLocaleString('en-US')} rows. Split it into files of at most ${maxRows.toLocaleString('en-US')} rows and import them one after another.`);
  }
  const rows: CsvRow[] = [];
  body.forEach((record, index) => {
    if (record.every((cell) => cell.trim() === '')) return;
    rows.push(toRow(record, index + 2, header, fields));
  });
  return { columns: new Set(fields.filter((field): field is Field => field !== undefined)), rows };
}

function readRecords(text: string, maxRows: number): string[][] {
  try {
    // One record past the cap (plus the header) is enough to know the file is too long.
    return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, to: maxRows + 2, max_record_size: 1_000_000 }) as string[][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CsvFileError(`The file is not a readable CSV file: ${reason}`);
  }
}

function checkHeader(header: string[], fields: (Field | undefined)[]): void {
  const seen = new Set<Field>();
  fields.forEach((field, index) => {
    if (field === undefined) return;
    if (seen.has(field)) throw new CsvFileError(`The column "${header[index]?.trim()}" appears twice in the first line; keep one.`);
    seen.add(field);
  });
  const missing = (['handle', 'title'] as const).filter((field) => !seen.has(field));
  if (missing.length > 0) {
    const start = header.slice(0, 4).map((name) => `"${name.trim()}"`).join(', ');
    throw new CsvFileError(
      `This is not a Shopify product CSV: its first line has no ${missing.map((field) => (field === 'handle' ? 'Handle' : 'Title')).join(' or ')} column (it starts with ${start}). Export products from Shopify, or start from this store's export.`,
    );
  }
}

function toRow(record: string[], row: number, header: string[], fields: (Field | undefined)[]): CsvRow {
  const cells: Partial<Record<Field, string>> = {};
  const ignored: string[] = [];
  record.forEach((raw, index) => {
    const value = unescapeFormula(raw.trim());
    const field = fields[index];
    if (field) cells[field] = value;
    else if (value !== '' && header[index] !== undefined) ignored.push(header[index].trim());
  });
  return { row, cells, ignored };
}
