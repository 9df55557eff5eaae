/**
 * Cells as text. Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return)
 * as a formula, so a product named "=HYPERLINK(…)" could act when staff open an export. The
 * export puts a ' before such a cell unless it is a plain number (Shopify's own exports do not,
 * but a spreadsheet shows the ' as an escape), and the import takes exactly one such ' off
 * again, so export → import gives back the same text. A value that really starts with ' before
 * a formula character gets a second one, so even that survives the round trip.
 */
const formulaStart = /^'*[=+\-@\t\r]/;
const plainNumber = /^[+-]?\d+(\.\d+)?$/;

export function escapeFormula(value: string): string {
  return formulaStart.test(value) && !plainNumber.test(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/** One CSV line (RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled). */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(quoteCell).join(',')}\n`;
}

function quoteCell(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export class CsvFileError extends Error {
  override name = 'CsvFileError';
}

/** The upload as text: UTF-8, as Shopify writes it (a byte-order mark is dropped); anything else is refused. */
export function decodeUpload(bytes: Uint8Array): string {
  if (bytes.byteLength === 0) throw new CsvFileError('The file is empty.');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CsvFileError('The file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.');
  }
}
