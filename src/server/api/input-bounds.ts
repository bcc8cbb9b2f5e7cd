import "server-only";
export {
  EARLIEST_DATE,
  LATEST_DATE,
  ZChainDateSchema,
  ZFutureDateSchema,
} from "~/shared/input-dates";

/** Where in an input a NUL character hides, or null: PostgreSQL text cannot hold one. */
export function findNulCharacter(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "input" : null;
  if (value === null || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000")) return [...path, key].join(".");
    const found = findNulCharacter(item, [...path, key]);
    if (found) return found;
  }
  return null;
}
