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

/** One listing's de-identified rows, and where each catalogue variable is in them. */
export type CohortPart = {
  rows: readonly RawRecord[];
  /** The row key of each catalogue name (the file's own header); the name itself when absent. */
  keyOf?: ReadonlyMap<string, string>;
};

const valueIn = (row: RawRecord, key: string | undefined) =>
  key === undefined ? undefined : row[key];

/**
 * Builds the columns from each listing's rows (a record's listing is its part's position); the
 * parent does this before the child runs. Rows are read where they are, in plain loops: an
 * analysis encodes every record of its cohort (bench:analysis).
 */
export function encodeColumns(spec: TAnalysisSpec, parts: readonly CohortPart[]): CohortColumns {
  const count = parts.reduce((sum, part) => sum + part.rows.length, 0);
  const keyIn = (part: CohortPart, variable: string) =>
    part.keyOf ? part.keyOf.get(variable) : variable;
  const numeric = new Map<string, Float64Array>();
  const categorical = new Map<string, Uint8Array>();
  for (const v of specVariables(spec)) {
    const codes = isCategorical(v) ? new Uint8Array(count) : undefined;
    const values = codes ? undefined : new Float64Array(count);
    let r = 0;
    for (const part of parts) {
      const key = keyIn(part, v.variable);
      for (const row of part.rows) {
        const value = valueIn(row, key);
        if (codes) codes[r] = encodeLevel(value, (v as TCategorical).levels);
        else {
          const number = typeof value === "number" ? value : Number(value ?? Number.NaN);
          values![r] =
            value === null || value === "" || !Number.isFinite(number) ? Number.NaN : number;
        }
        r += 1;
      }
    }
    if (codes) categorical.set(v.variable, codes);
    else numeric.set(v.variable, values!);
  }
  const keep = new Uint8Array(count);
  const listingOf = new Uint32Array(count);
  let r = 0;
  for (const [listing, part] of parts.entries()) {
    const filterKeys = spec.filter.map((f) => keyIn(part, f.variable));
    for (const row of part.rows) {
      listingOf[r] = listing;
      keep[r] = spec.filter.every((f, i) =>
        f.in.includes(String(valueIn(row, filterKeys[i]) ?? "").trim()),
      )
        ? 1
        : 0;
      r += 1;
    }
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
