/**
 * CSV as RFC 4180 has it: CRLF line ends, a header row, and a field quoted
 * (its quotes doubled) when it holds a comma, a quote, CR or LF. A text
 * cell starting with = + - @, a tab or CR would be run as a formula by a
 * spreadsheet: it is written with a leading apostrophe (OWASP's advice), so
 * it opens as the text it is. Pure.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvValue = string | number | null;

export function csvField(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole document: the header, then one record per row, each line ended by CRLF. */
export function toCsv<K extends string>(columns: readonly K[], rows: readonly Record<K, CsvValue>[]): string {
  const lines = [columns.join(","), ...rows.map((row) => columns.map((column) => csvField(row[column])).join(","))];
  return `${lines.map((line) => `${line}\r\n`).join("")}`;
}
