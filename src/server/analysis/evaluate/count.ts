import "server-only";
import type { TCategorical, TNumeric } from "~/shared/analysis-spec";
import { cellIndex, clamp, type CohortColumns } from "./columns";

/**
 * Exact cell counts of a table and of a histogram (docs/compute-to-data.md §1). Noise and
 * suppression come after, in disclosure/; these never leave the engine.
 */
export function countCells(
  by: readonly TCategorical[],
  columns: CohortColumns,
  records: readonly number[],
): Int32Array {
  const cells = new Int32Array(by.reduce((n, v) => n * (v.levels.length + 1), 1));
  for (const record of records) cells[cellIndex(by, columns, record)]!++;
  return cells;
}

/** Equal-width bins of the declared [min, max]; values outside are clamped into the end bins. */
export function histogramCells(
  of: TNumeric,
  bins: number,
  columns: CohortColumns,
  records: readonly number[],
): { edges: number[]; cells: Int32Array } {
  const values = columns.numeric.get(of.variable)!;
  const width = (of.max - of.min) / bins;
  const cells = new Int32Array(bins);
  for (const record of records) {
    const x = clamp(values[record]!, of.min, of.max);
    cells[Math.min(bins - 1, Math.floor((x - of.min) / width))]!++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => of.min + i * width);
  return { edges, cells };
}

/** The labels of a table's dimensions, `other` last. */
export function dimensionLabels(by: readonly TCategorical[]) {
  return by.map((v) => ({ variable: v.variable, levels: [...v.levels, "other"] }));
}
