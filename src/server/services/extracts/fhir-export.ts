import "server-only";
import type { Bundle, Observation } from "fhir/r4";

/**
 * The extract as an HL7 FHIR R4 Bundle (type collection): one Observation per record, each
 * column a component with its name as the code text. Dates are already years, subjects
 * already pseudonyms, so nothing here re-identifies.
 */
export function toFhirBundle(rows: Record<string, string>[], requestKey: string): Bundle {
  return {
    resourceType: "Bundle",
    type: "collection",
    identifier: { system: "urn:trialshare:request", value: requestKey },
    entry: rows.map((row, index): { fullUrl: string; resource: Observation } => ({
      fullUrl: `urn:uuid:extract-${index}`,
      resource: {
        resourceType: "Observation",
        status: "final",
        code: { text: "TrialShare extract record" },
        component: Object.entries(row)
          .filter(([, value]) => value !== "")
          .map(([column, value]) => ({ code: { text: column }, valueString: value })),
      },
    })),
  };
}
