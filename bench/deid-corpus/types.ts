/**
 * What the adversarial corpus plants and what it expects back. An identifier leaks when any of
 * its `leak` strings is still in the de-identified cell (compared in Unicode NFC, whole words);
 * a clinical value is kept when its `keep` string is still there.
 */
export const SAFE_HARBOR_KINDS = [
  "NAME",
  "GEOGRAPHIC",
  "DATE",
  "PHONE",
  "FAX",
  "EMAIL",
  "SSN",
  "MRN",
  "HEALTH_PLAN",
  "ACCOUNT",
  "LICENSE",
  "VEHICLE",
  "DEVICE",
  "URL",
  "IP",
  "BIOMETRIC",
  "PHOTO",
  "OTHER_ID",
] as const;

export type SafeHarborKind = (typeof SAFE_HARBOR_KINDS)[number];

export type Placement =
  | "named column"
  | "uninformative column"
  | "free text"
  | "header"
  | "fhir element"
  | "fhir narrative"
  | "fhir extension"
  | "fhir valueString";

export type PlantedValue = {
  kind: SafeHarborKind;
  /** The shape: "us-bare", "uk-postcode", "nfd-name", "two-digit-year"... */
  variant: string;
  text: string;
  leak: string[];
  /** For dates: the true year, to catch a wrong century. */
  year?: number;
};

export type Planted = PlantedValue & { placement: Placement };

export type ClinicalValue = { what: string; text: string; keep: string };

export type Kept = ClinicalValue & { placement: Placement };

export type CellTruth = { planted: Planted[]; kept: Kept[] };

export type CorpusCsv = {
  name: string;
  format: "csv";
  headers: string[];
  rows: string[][];
  /** truth[row][column]; headers' own truth in headerTruth[column]. */
  truth: CellTruth[][];
  headerTruth: CellTruth[];
};

export type CorpusFhir = {
  name: string;
  format: "fhir";
  bundle: unknown;
  truth: CellTruth;
};

export type CorpusFile = CorpusCsv | CorpusFhir;
