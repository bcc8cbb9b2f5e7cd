import "server-only";
import type { Chain } from "~/server/chain/client";
import {
  encodeColumns,
  type CohortColumns,
  type CohortPart,
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
  const parts: CohortPart[] = [];
  const catalogueInput: CatalogueColumnInput[][] = [];
  // File reads overlap (the anchored roots were read with the plan); parsing and hashing take
  // turns on this thread.
  const read = await mapConcurrent(listings, LISTING_READS, (listing) =>
    readAnchoredRecords(chain, listing, "nothing was run or charged"),
  );
  for (const [position, listing] of listings.entries()) {
    const { records: rows, fields } = read[position]!;
    // Rows stay as parsed: each catalogue name points at its header (the last one wins when
    // two headers normalise alike, as a row renamed key by key would keep).
    const keyOf = new Map<string, string>();
    for (const header of fields) keyOf.set(normaliseHeader(header), header);
    parts.push({ rows, keyOf });
    catalogueInput.push(catalogueColumns(listing.report, rows));
  }
  validateAgainstCohort(spec, buildVariableCatalogue(catalogueInput));
  return encodeColumns(spec, parts);
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
