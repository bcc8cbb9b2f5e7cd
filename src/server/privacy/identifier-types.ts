/**
 * The identifier kinds of HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(A)–(R), as the report
 * names them, plus ages over 89 (which must be aggregated, not removed).
 */
export const IDENTIFIER_TYPES = {
  NAME: "Names",
  GEOGRAPHIC: "Geographic subdivisions smaller than a state (street, city, county, ZIP)",
  DATE: "Dates (except year) related to the individual",
  PHONE: "Telephone numbers",
  FAX: "Fax numbers",
  EMAIL: "Email addresses",
  SSN: "Social security numbers",
  MRN: "Medical record numbers",
  HEALTH_PLAN: "Health plan beneficiary numbers",
  ACCOUNT: "Account numbers",
  LICENSE: "Certificate and licence numbers",
  VEHICLE: "Vehicle identifiers and serial numbers, including licence plates",
  DEVICE: "Device identifiers and serial numbers",
  URL: "Web addresses (URLs)",
  IP: "IP addresses",
  BIOMETRIC: "Biometric identifiers",
  PHOTO: "Full-face photographs and comparable images",
  OTHER_ID: "Any other unique identifying number, characteristic or code",
  AGE_OVER_89: "Ages over 89",
} as const;

export type IdentifierType = keyof typeof IDENTIFIER_TYPES;

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
