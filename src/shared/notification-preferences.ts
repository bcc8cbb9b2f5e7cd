import { z } from "zod";

/** Email or not, and each event at once or one digest a day (the app always shows them). */
export const ZNotificationPreferencesSchema = z.object({
  emailEnabled: z.boolean(),
  digest: z.enum(["IMMEDIATE", "DAILY"]),
});
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferencesSchema>;
