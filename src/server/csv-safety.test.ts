import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeCell, unescapeCell } from "./csv-safety";

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
});
