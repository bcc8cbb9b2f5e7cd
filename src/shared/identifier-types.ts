/**
 * The identifier kinds of HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(A)–(R), as the report
 * names them, plus ages over 89 (which must be aggregated, not removed). Client-safe: the
 * review page labels what it shows with them.
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
