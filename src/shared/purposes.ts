/**
 * Purposes a participant can allow, as bits of the on-chain consent bitmask. The bit values
 * are part of the contract's interface: never renumber, only append.
 */
export const PURPOSES = [
  { key: "ACADEMIC_RESEARCH", bit: 1 << 0, label: "Academic research" },
  { key: "COMMERCIAL_RESEARCH", bit: 1 << 1, label: "Commercial research" },
  { key: "DRUG_DEVELOPMENT", bit: 1 << 2, label: "Drug development" },
  { key: "AI_TRAINING", bit: 1 << 3, label: "AI/ML training" },
  { key: "PUBLIC_HEALTH", bit: 1 << 4, label: "Public health" },
] as const;

export type PurposeKey = (typeof PURPOSES)[number]["key"];

export const PURPOSE_KEYS = PURPOSES.map((purpose) => purpose.key) as [PurposeKey, ...PurposeKey[]];

export function toPurposeMask(keys: readonly PurposeKey[]): number {
  return keys.reduce((mask, key) => mask | PURPOSES.find((purpose) => purpose.key === key)!.bit, 0);
}

export function fromPurposeMask(mask: number): PurposeKey[] {
  return PURPOSES.filter((purpose) => (mask & purpose.bit) !== 0).map((purpose) => purpose.key);
}

export function purposeLabel(key: PurposeKey): string {
  return PURPOSES.find((purpose) => purpose.key === key)!.label;
}
