import "server-only";
import { ZAnalysisSpecSchema, type TAnalysisSpec } from "~/shared/analysis-spec";
import { encodeColumns, type RawRecord } from "../evaluate/columns";

/** Test helper: a cohort of listings from rows, and a spec parsed with its defaults. */
export function cohortOf(rows: RawRecord[][], spec: TAnalysisSpec) {
  return encodeColumns(
    spec,
    rows.map((listingRows) => ({ rows: listingRows })),
  );
}

export const specOf = (input: unknown): TAnalysisSpec => ZAnalysisSpecSchema.parse(input);
