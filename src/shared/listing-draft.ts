import { z } from "zod";
import { ZFutureDateSchema } from "./input-dates";
import { PURPOSE_KEYS } from "./purposes";

/**
 * A listing draft: the procedure's input (listings.createDraft), and the publish form's
 * validation in the browser, from the one schema.
 */
const id = z.string().min(1).max(64);

/** The largest privacy budget a listing may carry (docs/compute-to-data.md §4.1). */
export const MAX_EPSILON_BUDGET = 20;
export const DEFAULT_MIN_CELL_COUNT = 10;
export const MIN_CELL_COUNT_FLOOR = 5;

export const ZCreateListingDraftSchema = z.object({
  uploadId: id,
  dropColumns: z.array(z.string().max(200)).max(500).default([]),
  /** Flagged columns and values the participant keeps after reviewing them. */
  keepColumns: z.array(z.string().max(200)).max(500).default([]),
  keepValues: z
    .array(z.object({ column: z.string().max(200), text: z.string().max(2_000) }))
    .max(5_000)
    .default([]),
  trialId: id.optional(),
  title: z.string().trim().min(3, "Give the listing a title of at least 3 characters").max(120),
  description: z.string().trim().max(2_000).default(""),
  conditions: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
  price: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter a price like 10 or 2.5"),
  purposes: z.array(z.enum(PURPOSE_KEYS)).min(1, "Allow at least one purpose"),
  consentExpiresAt: ZFutureDateSchema,
  autoApprove: z.boolean(),
  /**
   * Total ε the owner accepts from compute-to-data analyses (docs/compute-to-data.md §4); 0 means
   * the data takes part in no analysis. Hundredths, as the chain keeps it.
   */
  epsilonBudget: z
    .number()
    .min(0, "The privacy budget cannot be negative")
    .max(MAX_EPSILON_BUDGET, `The privacy budget is at most ε ${MAX_EPSILON_BUDGET}`)
    .refine(
      (value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6,
      "Give the privacy budget in hundredths, like 1.25",
    )
    .default(0),
  /** Smallest group an analysis may show; never below 5 (issue 18). */
  minCellCount: z
    .number()
    .int("The smallest group is a whole number")
    .min(MIN_CELL_COUNT_FLOOR, `The smallest group shown is at least ${MIN_CELL_COUNT_FLOOR}`)
    .max(1_000, "The smallest group shown is at most 1000")
    .default(DEFAULT_MIN_CELL_COUNT),
});

/** ε in hundredths, as the chain's epsilonBudget holds it. */
export function toEpsilonCentis(epsilon: number): number {
  return Math.round(epsilon * 100);
}
