import "server-only";
import type { Chain } from "~/server/chain/client";
import {
  encodeColumns,
  type CohortColumns,
  type RawRecord,
} from "~/server/analysis/evaluate/columns";
import { validateAgainstCohort } from "~/server/analysis/validate-spec";
import {
  buildVariableCatalogue,
  normaliseHeader,
  type CatalogueColumnInput,
} from "~/server/analysis/variable-catalogue";
import type { DeidReport } from "~/server/privacy/report";
import { readAnchoredRecords } from "~/server/services/extracts/approved-request";
import type { TAnalysisSpec } from "~/shared/analysis-spec";
import { mapConcurrent } from "~/shared/map-concurrent";
import type { AnalysisListingPlan } from "./prepare-analysis";

const LISTING_READS = 8;

/**
 * Decrypts the cohort's listings as createExtract does (the same helper checks each against
 * its anchored root), checks the spec against the cohort's catalogue, and encodes only the
 * columns the spec names. Rows are keyed by catalogue name, so a spec can never reach a raw column.
 */
export async function loadCohort(
  chain: Chain,
  spec: TAnalysisSpec,
  listings: readonly AnalysisListingPlan[],
): Promise<CohortColumns> {
  const records: { listing: number; row: RawRecord }[] = [];
  const catalogueInput: CatalogueColumnInput[][] = [];
  // Chain reads and file reads overlap; parsing and hashing still take turns on this thread.
  const read = await mapConcurrent(listings, LISTING_READS, (listing) =>
    readAnchoredRecords(chain, listing, "nothing was run or charged"),
  );
  for (const [position, listing] of listings.entries()) {
    const rows = read[position]!.records;
    // A file's rows share their headers: each is normalised once, not once per cell.
    const names = new Map<string, string>();
    for (const row of rows) {
      const renamed: Record<string, string> = {};
      for (const header of Object.keys(row)) {
        let name = names.get(header);
        if (name === undefined) names.set(header, (name = normaliseHeader(header)));
        renamed[name] = row[header]!;
      }
      records.push({ listing: position, row: renamed });
    }
    catalogueInput.push(catalogueColumns(listing.report, rows));
  }
  validateAgainstCohort(spec, buildVariableCatalogue(catalogueInput));
  return encodeColumns(spec, records);
}

/**
 * A listing's analysable columns: their class from its de-identification report; a number's
 * range from its values (rounded outward by the catalogue).
 */
export function catalogueColumns(
  report: unknown,
  rows: readonly Record<string, string>[],
): CatalogueColumnInput[] {
  const classes = (report as Partial<DeidReport> | null)?.columns ?? [];
  return classes.map(({ column, class: columnClass }) => {
    if (columnClass !== "measurement") return { header: column, class: columnClass };
    const values = rows.map((row) => Number(row[column])).filter((value) => Number.isFinite(value));
    if (values.length === 0) return { header: column, class: columnClass };
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    return { header: column, class: columnClass, range: { min, max } };
  });
}
