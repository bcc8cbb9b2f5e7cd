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
  // Eight words at a time through carry-save adders: one popcount per counter per block.
  const fhirBits = new BlockCount();
  const purposeBits = new BlockCount();
  const totalBits = new BlockCount();
  const perPurpose = purposes.map(() => new BlockCount());
  const withPurpose = new Int32Array(BLOCK);
  const withDataType = new Int32Array(BLOCK);
  const block = new Int32Array(BLOCK);
  const fullBlocks = wordCount - (wordCount % BLOCK);
  for (let base = 0; base < fullBlocks; base += BLOCK) {
    let any = 0;
    for (let index = 0; index < BLOCK; index += 1) any |= words[base + index]!;
    if (any === 0) continue;
    for (let index = 0; index < BLOCK; index += 1) {
      const word = base + index;
      const candidates = words[word]!;
      const isFhir = fhir[word]!;
      const purposeOk = wanted ? candidates & wanted[word]! : candidates;
      const dataTypeOk =
        dataTypeWanted < 0 ? candidates : candidates & (dataTypeWanted === 1 ? isFhir : ~isFhir);
      withPurpose[index] = purposeOk;
      withDataType[index] = dataTypeOk;
      block[index] = purposeOk & isFhir;
      words[word] = purposeOk & dataTypeOk;
    }
    fhirBits.add(block);
    purposeBits.add(withPurpose);
    for (let purpose = 0; purpose < purposeCount; purpose += 1) {
      const allowed = purposes[purpose]!;
      for (let index = 0; index < BLOCK; index += 1)
        block[index] = withDataType[index]! & allowed[base + index]!;
      perPurpose[purpose]!.add(block);
    }
    for (let index = 0; index < BLOCK; index += 1) block[index] = words[base + index]!;
    totalBits.add(block);
  }
  let fhirCount = fhirBits.count();
  let csvCount = purposeBits.count() - fhirCount;
  let total = totalBits.count();
  perPurpose.forEach((counter, purpose) => (purposeCounts[purpose] = counter.count()));
  for (let word = fullBlocks; word < wordCount; word += 1) {
    const candidates = words[word]!;
    if (candidates === 0) continue;
    const isFhir = fhir[word]!;
    const purposeOk = wanted ? candidates & wanted[word]! : candidates;
    fhirCount += popcount(purposeOk & isFhir);
    csvCount += popcount(purposeOk & ~isFhir);
    const dataTypeOk =
      dataTypeWanted < 0 ? candidates : candidates & (dataTypeWanted === 1 ? isFhir : ~isFhir);
    for (let purpose = 0; purpose < purposeCount; purpose += 1)
      purposeCounts[purpose]! += popcount(dataTypeOk & purposes[purpose]![word]!);
    const both = purposeOk & dataTypeOk;
    words[word] = both;
    total += popcount(both);
  }
  return { total, dataTypeCounts: [csvCount, fhirCount], purposeCounts };
}

const BLOCK = 8;

/**
 * The number of set bits in blocks of eight words (Harley-Seal): carry-save adders keep the
 * bits of weight 1, 2 and 4 across blocks, and only the carries of weight 8 are popcounted,
 * once per block instead of eight times.
 */
class BlockCount {
  private ones = 0;
  private twos = 0;
  private fours = 0;
  private eights = 0;

  add(x: Int32Array): void {
    let u = this.ones ^ x[0]!;
    let twosA = (this.ones & x[0]!) | (u & x[1]!);
    let ones = u ^ x[1]!;
    u = ones ^ x[2]!;
    let twosB = (ones & x[2]!) | (u & x[3]!);
    ones = u ^ x[3]!;
    u = this.twos ^ twosA;
    const foursA = (this.twos & twosA) | (u & twosB);
    let twos = u ^ twosB;
    u = ones ^ x[4]!;
    twosA = (ones & x[4]!) | (u & x[5]!);
    ones = u ^ x[5]!;
    u = ones ^ x[6]!;
    twosB = (ones & x[6]!) | (u & x[7]!);
    ones = u ^ x[7]!;
    u = twos ^ twosA;
    const foursB = (twos & twosA) | (u & twosB);
    twos = u ^ twosB;
    u = this.fours ^ foursA;
    this.eights += popcount((this.fours & foursA) | (u & foursB));
    this.fours = u ^ foursB;
    this.twos = twos;
    this.ones = ones;
  }

  count(): number {
    return (
      8 * this.eights + 4 * popcount(this.fours) + 2 * popcount(this.twos) + popcount(this.ones)
    );
  }
}
