import { z } from "zod";

export const MAX_INVITATIONS_PER_BATCH = 50;

/** A batch of invitations as the sponsor asks for it: the procedure's input and the form's. */
export const INVITATION_BATCH_FIELDS = {
  count: z
    .number({ error: "Enter how many invitations to issue" })
    .int("Enter a whole number")
    .min(1, "Issue at least one invitation")
    .max(MAX_INVITATIONS_PER_BATCH, `Issue at most ${MAX_INVITATIONS_PER_BATCH} at a time`),
  validDays: z
    .number({ error: "Enter for how many days they are valid" })
    .int("Enter a whole number of days")
    .min(1, "At least 1 day")
    .max(365, "At most 365 days"),
};

/** The sponsor's own reference for a batch (a site or visit; never a name). */
export const ZInvitationLabelSchema = z
  .string()
  .trim()
  .max(80, "Keep the reference under 80 characters");
