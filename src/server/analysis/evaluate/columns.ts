import "server-only";
import {
  isCategorical,
  specVariables,
  type TAnalysisSpec,
  type TCategorical,
} from "~/shared/analysis-spec";
import { sampleIndices, type RandomSource } from "../noise/random";

/**
 * The cohort as the engine sees it (docs/compute-to-data.md §2): columnar typed arrays of the
 * variables the spec names, nothing else. A categorical value is its index in the spec's
 * levels, `levels.length` for the implicit `other`, MISSING when absent; a number is NaN when
 * absent. `keep` is 1 where the record passes the spec's filter.
 */
export const MISSING = 255;

export type CohortColumns = {
  listingOf: Uint32Array;
  keep: Uint8Array;
  numeric: ReadonlyMap<string, Float64Array>;
  categorical: ReadonlyMap<string, Uint8Array>;
};

export type RawRecord = Readonly<Record<string, string | number | null | undefined>>;

export function encodeLevel(
  value: string | number | null | undefined,
  levels: readonly string[],
): number {
  if (value === null || value === undefined || value === "") return MISSING;
  const index = levels.indexOf(String(value).trim());
  return index >= 0 ? index : levels.length;
}

/** Builds the columns from de-identified rows; the parent does this before the child runs. */
export function encodeColumns(
  spec: TAnalysisSpec,
  records: readonly { listing: number; row: RawRecord }[],
): CohortColumns {
  // Plain loops: TypedArray.from with a mapping function costs several times more per record,
  // and an analysis encodes every record of its cohort (bench:analysis).
  const count = records.length;
  const numeric = new Map<string, Float64Array>();
  const categorical = new Map<string, Uint8Array>();
  for (const v of specVariables(spec)) {
    if (isCategorical(v)) {
      const codes = new Uint8Array(count);
      for (let r = 0; r < count; r += 1)
        codes[r] = encodeLevel(records[r]!.row[v.variable], v.levels);
      categorical.set(v.variable, codes);
    } else {
      const values = new Float64Array(count);
      for (let r = 0; r < count; r += 1) {
        const value = records[r]!.row[v.variable];
        const number = typeof value === "number" ? value : Number(value ?? Number.NaN);
        values[r] =
          value === null || value === "" || !Number.isFinite(number) ? Number.NaN : number;
      }
      numeric.set(v.variable, values);
    }
  }
  const keep = new Uint8Array(count);
  const listingOf = new Uint32Array(count);
  for (let r = 0; r < count; r += 1) {
    const { row, listing } = records[r]!;
    listingOf[r] = listing;
    keep[r] = spec.filter.every((f) => f.in.includes(String(row[f.variable] ?? "").trim())) ? 1 : 0;
  }
  return { listingOf, keep, numeric, categorical };
}

/**
 * Contribution bounding: at most L records per listing, chosen uniformly at random from the
 * job's randomness, never from record content, among records that pass the filter and have
 * every variable the spec uses.
 */
export function boundContributions(
  spec: TAnalysisSpec,
  columns: CohortColumns,
  rng: RandomSource,
  eligible: (record: number) => boolean = () => true,
): number[] {
  const byListing = new Map<number, number[]>();
  const used = specVariables(spec);
  const codes = used.filter(isCategorical).map((v) => columns.categorical.get(v.variable)!);
  const numbers = used
    .filter((v) => !isCategorical(v))
    .map((v) => columns.numeric.get(v.variable)!);
  for (let i = 0; i < columns.listingOf.length; i++) {
    if (columns.keep[i] !== 1 || !eligible(i)) continue;
    if (codes.some((c) => c[i] === MISSING) || numbers.some((x) => Number.isNaN(x[i]!))) continue;
    const listing = columns.listingOf[i]!;
    const list = byListing.get(listing);
    if (list) list.push(i);
    else byListing.set(listing, [i]);
  }
  const chosen: number[] = [];
  for (const listing of [...byListing.keys()].sort((a, b) => a - b)) {
    const records = byListing.get(listing)!;
    // A listing within its bound contributes everything: no randomness needed.
    if (records.length <= spec.recordsPerListing) chosen.push(...records);
    else
      for (const pick of sampleIndices(records.length, spec.recordsPerListing, rng))
        chosen.push(records[pick]!);
  }
  return chosen.sort((a, b) => a - b);
}

/** A record's cell in a table: mixed radix over (levels + other) of each variable. */
export function cellIndex(by: readonly TCategorical[], columns: CohortColumns, record: number) {
  let index = 0;
  for (const v of by)
    index = index * (v.levels.length + 1) + columns.categorical.get(v.variable)![record]!;
  return index;
}

/** Clamp to the declared range: the sensitivity the noise assumes. */
export const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));
