import { z } from "zod";

/** What a researcher can register against a request whose data was used. */
export const RESEARCH_OUTPUT_KINDS = ["PUBLICATION", "PREPRINT", "SUMMARY"] as const;
export type TResearchOutputKind = (typeof RESEARCH_OUTPUT_KINDS)[number];

export const RESEARCH_OUTPUT_LABELS: Record<TResearchOutputKind, string> = {
  PUBLICATION: "Publication",
  PREPRINT: "Preprint",
  SUMMARY: "Plain-language summary",
};

/** Crossref's recommended pattern for modern DOIs: "10.", a 4-9 digit registrant, "/", a suffix. */
const DOI_PATTERN = /^10\.\d{4,9}\/[-._;()/:A-Za-z0-9]+$/;

/** A form's empty field is "no value". */
const optionalText = (schema: z.ZodString) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/**
 * An output's description: the input of the signed action "output.register" and the browser
 * form's validation, from one schema. A publication needs its DOI and link; a preprint its
 * link; a plain-language summary its text. Links are https only (shown to participants).
 */
export const RESEARCH_OUTPUT_FIELDS = {
  requestId: z.string().min(1).max(64),
  kind: z.enum(RESEARCH_OUTPUT_KINDS),
  title: z.string().trim().min(5, "Give the title (at least 5 characters)").max(300),
  doi: optionalText(
    z
      .string()
      .trim()
      .max(200, "A DOI has at most 200 characters")
      .regex(DOI_PATTERN, "Enter the DOI like 10.1234/abcd.5678 (without https://doi.org/)"),
  ),
  url: optionalText(
    z
      .string()
      .trim()
      .max(500, "A link has at most 500 characters")
      .url("Enter a full link, like https://example.org/paper")
      .regex(/^https:\/\//i, "Only https:// links are accepted"),
  ),
  summary: optionalText(
    z
      .string()
      .trim()
      .min(20, "Write at least 20 characters")
      .max(4000, "A summary has at most 4,000 characters"),
  ),
};

type OutputFields = {
  kind: TResearchOutputKind;
  doi?: string | undefined;
  url?: string | undefined;
  summary?: string | undefined;
};

/** The fields each kind requires, reported on the field that is missing. */
export function checkOutputKind(value: OutputFields, context: z.core.$RefinementCtx) {
  const missing = (path: string, message: string) =>
    context.addIssue({ code: "custom", path: [path], message });
  if (value.kind === "PUBLICATION" && !value.doi) missing("doi", "A publication needs its DOI");
  if (value.kind !== "SUMMARY" && !value.url) missing("url", "Give the link where it can be read");
  if (value.kind === "SUMMARY" && !value.summary)
    missing("summary", "Write the summary participants will read");
}

export const ZRegisterOutputSchema = z.object(RESEARCH_OUTPUT_FIELDS).superRefine(checkOutputKind);
export type TRegisterOutput = z.infer<typeof ZRegisterOutputSchema>;

/** An output as pages show it (procedures' output schemas). */
export const ZResearchOutputSchema = z.object({
  id: z.string(),
  kind: z.enum(RESEARCH_OUTPUT_KINDS),
  title: z.string(),
  doi: z.string().nullable(),
  url: z.string().nullable(),
  summary: z.string().nullable(),
  status: z.enum(["PENDING", "CONFIRMED", "FAILED"]),
  txHash: z.string().nullable(),
  registeredAt: z.date().nullable(),
});

/** Where a request's results stand (services/results/find-results.ts). */
export const RESULTS_STATUSES = ["REPORTED", "AWAITING", "NO_RESULTS", "NO_DATA_USED"] as const;

/** The requests that used a trial's data, with their outputs (a sponsor's trial overview). */
export const ZRequestResultsSchema = z.object({
  requestId: z.string(),
  purpose: z.string(),
  researcher: z.string(),
  accessUntil: z.date(),
  listings: z.array(z.string()),
  outputs: z.array(ZResearchOutputSchema),
  resultsStatus: z.enum(RESULTS_STATUSES),
});

/** Where a reader finds an output: its DOI resolved, else its https link. */
export function outputLink(output: { doi: string | null; url: string | null }): string | null {
  return output.doi ? `https://doi.org/${output.doi}` : output.url;
}
