import "server-only";
export { IDENTIFIER_TYPES, type IdentifierType } from "~/shared/identifier-types";

/**
 * Three-digit ZIP prefixes whose areas hold 20,000 people or fewer (HHS guidance on Safe
 * Harbor, from Census 2000 data): they become "000".
 */
export const RESTRICTED_ZIP3 = new Set([
  "036",
  "059",
  "063",
  "102",
  "203",
  "556",
  "692",
  "790",
  "821",
  "823",
  "830",
  "831",
  "878",
  "879",
  "884",
  "890",
  "893",
]);
