import Papa from "papaparse";
import { z } from "zod";
import { STAT_KINDS } from "./analysis-spec";

/**
 * A released analysis result as the researcher's pages read it (the server's `AnalysisOutput`
 * and `DisclosureReport`, docs/compute-to-data.md §3.2). The browser parses what it is sent
 * with these, so a page never guesses at a shape; a suppressed value is `null`.
 */
const cell = z.number().nullable();

export const ZReleasedOutputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("count"),
    dimensions: z.array(z.object({ variable: z.string(), levels: z.array(z.string()) })),
    cells: z.array(cell),
  }),
  z.object({
    kind: z.literal("histogram"),
    variable: z.string(),
    edges: z.array(z.number()),
    cells: z.array(cell),
  }),
  z.object({
    kind: z.literal("summary"),
    variable: z.string(),
    groups: z.array(
      z.object({
        level: z.string().nullable(),
        n: cell,
        stats: z.partialRecord(z.enum(STAT_KINDS), z.number()).nullable(),
      }),
    ),
  }),
  z.object({
    kind: z.enum(["linear", "logistic"]),
    n: cell,
    coefficients: z
      .array(z.object({ term: z.string(), estimate: z.number(), se: z.number() }))
      .nullable(),
  }),
]);

export const ZDisclosureSchema = z.object({
  threshold: z.number(),
  noisyThreshold: z.number(),
  suppressedCells: z.number(),
  rounding: z.string(),
  epsilonCentis: z.number(),
  recordsPerListing: z.number(),
  noiseScale: z.number(),
  mechanism: z.string(),
});

export type TReleasedOutput = z.infer<typeof ZReleasedOutputSchema>;
export type TDisclosure = z.infer<typeof ZDisclosureSchema>;

/** One table of a result: what the page shows and the CSV holds, in the same rows. */
export type ResultTable = {
  header: string[];
  rows: { label: string; values: (string | number | null)[] }[];
  /** The column a chart draws (counts), when the result has one. */
  chartColumn?: number;
};

/** The cells of a table, row-major as the engine counts them (the first variable slowest). */
function countRows(dimensions: { variable: string; levels: string[] }[], cells: (number | null)[]) {
  return cells.map((value, index) => {
    const labels: string[] = [];
    let rest = index;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      const levels = dimensions[d]!.levels;
      labels.unshift(levels[rest % levels.length]!);
      rest = Math.floor(rest / levels.length);
    }
    return { label: labels.join(" · ") || "all records", values: [...labels, value] };
  });
}

export function resultTable(output: TReleasedOutput): ResultTable {
  switch (output.kind) {
    case "count": {
      const header = [...output.dimensions.map((d) => d.variable), "count"];
      return {
        header,
        rows: countRows(output.dimensions, output.cells),
        chartColumn: header.length - 1,
      };
    }
    case "histogram":
      return {
        header: [`${output.variable} from`, `${output.variable} to`, "count"],
        rows: output.cells.map((value, index) => {
          const from = output.edges[index]!;
          const to = output.edges[index + 1]!;
          return { label: `${from}–${to}`, values: [from, to, value] };
        }),
        chartColumn: 2,
      };
    case "summary": {
      const stats = STAT_KINDS.filter((stat) =>
        output.groups.some((group) => group.stats?.[stat] !== undefined),
      );
      return {
        header: ["group", "n", ...stats.map((stat) => `${stat} of ${output.variable}`)],
        rows: output.groups.map((group) => ({
          label: group.level ?? "all records",
          values: [
            group.level ?? "all records",
            group.n,
            ...stats.map((stat) => (group.stats ? (group.stats[stat] ?? null) : null)),
          ],
        })),
      };
    }
    case "linear":
    case "logistic":
      return {
        header: ["term", "estimate", "standard error"],
        rows: (output.coefficients ?? []).map((term) => ({
          label: term.term,
          values: [term.term, term.estimate, term.se],
        })),
      };
  }
}

/** How a suppressed value reads, on the page and in the CSV alike. */
export const suppressedText = (threshold: number) => `< ${threshold} (suppressed)`;

/**
 * The CSV of a released result: its table with suppressed values written as such, then the
 * disclosure facts as comment-free trailing rows. Only released figures exist on this side.
 */
export function resultCsv(output: TReleasedOutput, disclosure: TDisclosure): string {
  const table = resultTable(output);
  const rows = table.rows.map((row) =>
    row.values.map((value) => (value === null ? suppressedText(disclosure.threshold) : value)),
  );
  const body = Papa.unparse({ fields: table.header, data: rows }, { escapeFormulae: true });
  const facts = Papa.unparse(
    {
      fields: ["disclosure", "value"],
      data: [
        ["epsilon", (disclosure.epsilonCentis / 100).toFixed(2)],
        ["smallest group shown", disclosure.threshold],
        ["noisy threshold", disclosure.noisyThreshold],
        ["cells suppressed", disclosure.suppressedCells],
        ["rounding", disclosure.rounding],
        ["noise", `${disclosure.mechanism}, scale ${disclosure.noiseScale}`],
        ["records per listing", disclosure.recordsPerListing],
      ],
    },
    { escapeFormulae: true },
  );
  return `${body}\r\n\r\n${facts}\r\n`;
}
