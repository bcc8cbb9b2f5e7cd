import "server-only";
/**
 * k-anonymity for pooled extracts. Quasi-identifier columns are recognised by name and
 * generalised one level at a time (ages into wider bands, ZIP3 into a region and then
 * away, years into decades); whatever equivalence classes are still smaller than k are
 * suppressed if that stays within the budget. Otherwise the extract is refused.
 */
import { quasiIdentifierKind, type QuasiKind } from "~/shared/quasi-identifiers";

export { quasiIdentifierKind, type QuasiKind };

type Hierarchy = { kind: QuasiKind; levels: ((value: string) => string)[] };

const STAR = "*";

function ageBand(width: number) {
  return (value: string) => {
    if (value === "" || value === "90+") return value;
    const age = Number.parseFloat(value);
    if (!Number.isFinite(age)) return value;
    const low = Math.floor(age / width) * width;
    return low + width > 90 ? "90+" : `${low}-${low + width - 1}`;
  };
}

/** The first digit of a ZIP3 names one of ten national areas (the ZIP "region"). */
const zipRegion = (value: string) => (/^\d{3}$/.test(value) ? `${value[0]}xx` : value);

function yearTo(width: number) {
  return (value: string) => {
    const year = Number.parseInt(value, 10);
    if (!/^\d{4}$/.test(value) || !Number.isFinite(year)) return value;
    const low = Math.floor(year / width) * width;
    return width === 10 ? `${low}s` : `${low}-${low + width - 1}`;
  };
}

const HIERARCHIES: Record<QuasiKind, Hierarchy> = {
  age: {
    kind: "age",
    levels: [(value) => value, ageBand(5), ageBand(10), ageBand(20), () => STAR],
  },
  zip: { kind: "zip", levels: [(value) => value, zipRegion, () => STAR] },
  year: { kind: "year", levels: [(value) => value, yearTo(10), yearTo(20), () => STAR] },
  category: { kind: "category", levels: [(value) => value, () => STAR] },
};

export type KAnonymityOptions = { k: number; maxSuppressionShare: number };

export type KAnonymityResult =
  | {
      ok: true;
      rows: Record<string, string>[];
      /** Positions in the input of the rows kept, in order. */
      keptIndexes: number[];
      report: {
        k: number;
        kAchieved: number;
        quasiIdentifiers: { column: string; kind: QuasiKind; level: number }[];
        suppressedRecords: number;
        recordsOut: number;
        risk: { prosecutorMax: number; prosecutorAverage: number; shareAbove20Percent: number };
      };
    }
  | { ok: false; reason: string };

function classKey(row: Record<string, string>, columns: string[]): string {
  return columns.map((column) => row[column] ?? "").join("\u0000");
}

function generalise(
  rows: Record<string, string>[],
  plan: { column: string; kind: QuasiKind; level: number }[],
) {
  return rows.map((row) => {
    const copy = { ...row };
    for (const { column, kind, level } of plan)
      copy[column] = HIERARCHIES[kind].levels[level]!(row[column] ?? "");
    return copy;
  });
}

function classes(rows: Record<string, string>[], columns: string[]) {
  const sizes = new Map<string, number>();
  for (const row of rows) {
    const key = classKey(row, columns);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return sizes;
}

export function anonymize(
  rows: Record<string, string>[],
  options: KAnonymityOptions,
): KAnonymityResult {
  if (rows.length === 0) return { ok: false, reason: "There are no records to extract." };
  const columns = Object.keys(rows[0]!);
  const plan = columns.flatMap((column) => {
    const kind = quasiIdentifierKind(column);
    return kind ? [{ column, kind, level: 0 }] : [];
  });
  const qiColumns = plan.map((entry) => entry.column);
  const budget = Math.floor(rows.length * options.maxSuppressionShare);
  for (;;) {
    const generalised = generalise(rows, plan);
    const sizes = classes(generalised, qiColumns);
    const small = generalised.filter((row) => sizes.get(classKey(row, qiColumns))! < options.k);
    if (small.length <= budget && small.length < rows.length) {
      const keptIndexes = generalised.flatMap((row, index) =>
        sizes.get(classKey(row, qiColumns))! >= options.k ? [index] : [],
      );
      const kept = keptIndexes.map((index) => generalised[index]!);
      const keptSizes = classes(kept, qiColumns);
      const risks = kept.map((row) => 1 / keptSizes.get(classKey(row, qiColumns))!);
      return {
        ok: true,
        rows: kept,
        keptIndexes,
        report: {
          k: options.k,
          kAchieved: Math.min(...keptSizes.values()),
          quasiIdentifiers: plan.map((entry) => ({ ...entry })),
          suppressedRecords: small.length,
          recordsOut: kept.length,
          risk: {
            prosecutorMax: Math.max(...risks),
            prosecutorAverage: keptSizes.size / kept.length,
            shareAbove20Percent: risks.filter((risk) => risk > 0.2).length / kept.length,
          },
        },
      };
    }
    // Generalise the quasi-identifier with the most distinct values that can still go further.
    const candidates = plan.filter(
      (entry) => entry.level < HIERARCHIES[entry.kind].levels.length - 1,
    );
    if (candidates.length === 0) {
      return {
        ok: false,
        reason: `k = ${options.k} cannot be reached within the ${Math.round(options.maxSuppressionShare * 100)} % suppression budget (${small.length} of ${rows.length} records would have to be suppressed even with every quasi-identifier fully generalised). Ask for a larger cohort or a smaller k.`,
      };
    }
    const distinct = (entry: (typeof plan)[number]) =>
      new Set(generalised.map((row) => row[entry.column] ?? "")).size;
    candidates.sort((a, b) => distinct(b) - distinct(a));
    candidates[0]!.level += 1;
  }
}
