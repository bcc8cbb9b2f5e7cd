import "server-only";
import { z } from "zod";

/**
 * The one spelling of an email address that registration, sign-in and the sign-in limits
 * all use: compatibility forms folded (NFKC turns a no-break space into a space, full-width
 * letters into ASCII), surrounding white space of any kind trimmed, lower case. Two spellings
 * that reach the same mailbox in practice must never count as two accounts or two limits.
 */
export function normalizeEmail(raw: string): string {
  return raw.normalize("NFKC").trim().toLowerCase();
}

export const ZEmailSchema = z
  .string()
  .max(320)
  .transform(normalizeEmail)
  .pipe(z.string().email("Enter a valid email address").max(254));
