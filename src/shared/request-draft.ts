import { z } from "zod";
import { PURPOSE_KEYS } from "./purposes";

/** The most listings one request may name. */
export const MAX_COHORT = 500;

/**
 * A cohort request before signing: the procedure's input (requests.createDraft), and the
 * cohort form's validation in the browser, from the one schema.
 */
export const ZCreateRequestDraftSchema = z.object({
  listingIds: z
    .array(z.string().min(1).max(64))
    .min(1, "Choose at least one listing")
    .max(MAX_COHORT),
  purpose: z.enum(PURPOSE_KEYS),
  planText: z
    .string()
    .trim()
    .min(20, "Summarise the research plan in at least 20 characters")
    .max(20_000),
  planDocumentId: z.string().min(1).max(64).optional(),
  accessDays: z.number().int().min(1).max(365),
  maxTotal: z
    .string()
    .trim()
    .regex(/^\d{1,12}(\.\d{1,18})?$/, "Enter the most you will pay, like 100 or 2.5")
    .optional(),
});
