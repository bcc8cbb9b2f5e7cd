import "server-only";
import { popcount } from "./bit-words";

/**
 * The facet counts of a broad search, a word at a time: `words` holds the slots that pass every
 * filter except data type and purpose. Each facet is counted with the other facet's filter only
 * (the researcher sees what choosing another value would give), then `words` is narrowed to the
 * slots that pass both, and their number is the total.
 */
export function countFacetWords(options: {
  words: Uint32Array;
  wordCount: number;
  /** Slots whose data type is FHIR (the others are CSV). */
  fhir: Uint32Array;
  /** Per purpose (in PURPOSES order), the slots that allow it. */
  purposes: Uint32Array[];
  /** 0 CSV, 1 FHIR, -1 either. */
  dataTypeWanted: number;
  /** Index into `purposes`, -1 any. */
  purposeWanted: number;
  /** Facets left at zero: only the total (and `words`) are wanted. */
  totalOnly?: boolean;
}) {
  const { words, wordCount, fhir, purposes, dataTypeWanted, purposeWanted } = options;
  const wanted = purposeWanted >= 0 ? purposes[purposeWanted]! : null;
  const purposeCounts = purposes.map(() => 0);
  if (options.totalOnly) {
    let total = 0;
    for (let word = 0; word < wordCount; word += 1) {
      let both = words[word]!;
      if (both === 0) continue;
      if (wanted) both &= wanted[word]!;
      if (dataTypeWanted >= 0) both &= dataTypeWanted === 1 ? fhir[word]! : ~fhir[word]!;
      words[word] = both;
      total += popcount(both);
    }
    return { total, dataTypeCounts: [0, 0], purposeCounts };
  }
  const purposeCount = purposes.length;
  let fhirCount = 0;
  let csvCount = 0;
  let total = 0;
  for (let word = 0; word < wordCount; word += 1) {
    const candidates = words[word]!;
    if (candidates === 0) continue;
    const isFhir = fhir[word]!;
    const withPurpose = wanted ? candidates & wanted[word]! : candidates;
    fhirCount += popcount(withPurpose & isFhir);
    csvCount += popcount(withPurpose & ~isFhir);
    const withDataType =
      dataTypeWanted < 0 ? candidates : candidates & (dataTypeWanted === 1 ? isFhir : ~isFhir);
    if (withDataType !== 0)
      for (let purpose = 0; purpose < purposeCount; purpose += 1)
        purposeCounts[purpose]! += popcount(withDataType & purposes[purpose]![word]!);
    const both = withPurpose & withDataType;
    words[word] = both;
    total += popcount(both);
  }
  return { total, dataTypeCounts: [csvCount, fhirCount], purposeCounts };
}
