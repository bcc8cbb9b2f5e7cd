import { z } from "zod";
import { ZFutureDateSchema } from "./input-dates";
import { PURPOSE_KEYS } from "./purposes";

/**
 * A listing draft: the procedure's input (listings.createDraft), and the publish form's
 * validation in the browser, from the one schema.
 */
const id = z.string().min(1).max(64);

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
});
