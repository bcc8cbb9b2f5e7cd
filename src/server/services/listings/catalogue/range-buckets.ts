import "server-only";
import { Bitset } from "./slot-set";

/**
 * A numeric column cut into buckets of about equal size, each slot's bucket kept as prefix
 * bitsets: `atLeast[b]` holds every slot whose bucket is b or higher. A range then keeps, a word
 * at a time, the slots in the buckets strictly inside it, and checks one by one only the slots
 * of the two buckets its bounds fall in. Bucket bounds come from the values held when the index
 * was prepared; new values go into the bucket they fall in, and once one bucket holds far more
 * than its share the index is prepared again.
 */
export type RangeBound = { value: number; isInclusive: boolean };

export class RangeBuckets {
  /** bounds[b] is the lowest value of bucket b + 1; strictly increasing. */
  private bounds = new Float64Array(0);
  private atLeast: Bitset[] = [];
  private counts = new Uint32Array(1);
  private limit = Number.POSITIVE_INFINITY;
  /** Lowest and highest value ever added: a bound outside them excludes nothing. */
  private lowest = Number.POSITIVE_INFINITY;
  private highest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly bucketCount: number,
    /** How far past twice its share a bucket may grow before the bounds are chosen again. */
    private readonly slack = 1_000,
  ) {}

  /** Whether some bucket outgrew its share since the bounds were chosen. */
  isLopsided = false;

  /** Chooses bucket bounds from `values` of the live `slots` and files every one of them. */
  rebuild(values: Float64Array, slots: Uint32Array, slotCount: number): void {
    const sampleSize = Math.min(slots.length, 20_000);
    const sample = new Float64Array(sampleSize);
    for (let index = 0; index < sampleSize; index += 1)
      sample[index] = values[slots[Math.floor((index * slots.length) / sampleSize)]!]!;
    sample.sort();
    const bounds: number[] = [];
    for (let bucket = 1; bucket < this.bucketCount; bucket += 1) {
      const value = sample[Math.floor((bucket * sampleSize) / this.bucketCount)];
      if (value !== undefined && (bounds.length === 0 || value > bounds.at(-1)!))
        bounds.push(value);
    }
    this.bounds = Float64Array.from(bounds);
    this.atLeast = bounds.map(() => new Bitset(slotCount));
    this.counts = new Uint32Array(bounds.length + 1);
    this.limit = Number.POSITIVE_INFINITY;
    this.lowest = Number.POSITIVE_INFINITY;
    this.highest = Number.NEGATIVE_INFINITY;
    for (const slot of slots) this.add(slot, values[slot]!);
    // A value many listings share (11 records, say) fills a bucket of its own past its share
    // from the start: what counts is growth from here.
    const share = Math.ceil(slots.length / (bounds.length + 1));
    this.limit = 2 * Math.max(share, ...this.counts) + this.slack;
    this.isLopsided = false;
  }

  add(slot: number, value: number): void {
    const bucket = this.bucketOf(value);
    for (let above = 1; above <= bucket; above += 1) this.atLeast[above - 1]!.add(slot);
    if ((this.counts[bucket]! += 1) > this.limit) this.isLopsided = true;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
  }

  /**
   * Keeps in `words` only the slots whose value lies between `from` and `to`; `passes` decides
   * for the slots of the two boundary buckets (and may compare more exactly than a double).
   */
  restrict(
    words: Uint32Array,
    wordCount: number,
    from: RangeBound | null,
    to: RangeBound | null,
    passes: (slot: number) => boolean,
  ): void {
    // A bound equal to a value held still needs the check (`passes` may be more exact).
    const hasFrom = from !== null && from.value >= this.lowest;
    const hasTo = to !== null && to.value <= this.highest;
    if (!hasFrom && !hasTo) return;
    const low = hasFrom ? this.bucketOf(from.value) : 0;
    const high = hasTo ? this.bucketOf(to.value) : this.bounds.length;
    // Past the low bucket / below the high one: sure. In them: to be checked.
    const aboveLow = hasFrom ? this.wordsAtLeast(low + 1, wordCount) : null;
    const inOrAboveLow = hasFrom ? this.wordsAtLeast(low, wordCount) : null;
    const inOrAboveHigh = hasTo ? this.wordsAtLeast(high, wordCount) : null;
    const aboveHigh = hasTo ? this.wordsAtLeast(high + 1, wordCount) : null;
    for (let word = 0; word < wordCount; word += 1) {
      const candidates = words[word]!;
      if (candidates === 0) continue;
      const sure =
        candidates &
        (aboveLow ? aboveLow[word]! : -1) &
        (inOrAboveHigh ? ~inOrAboveHigh[word]! : -1);
      let maybe =
        candidates &
        (inOrAboveLow ? inOrAboveLow[word]! : -1) &
        (aboveHigh ? ~aboveHigh[word]! : -1) &
        ~sure;
      let kept = sure;
      while (maybe !== 0) {
        const bit = maybe & -maybe;
        if (passes((word << 5) + (31 - Math.clz32(bit)))) kept |= bit;
        maybe ^= bit;
      }
      words[word] = kept;
    }
  }

  private bucketOf(value: number): number {
    const bounds = this.bounds;
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (bounds[middle]! <= value) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The words of "bucket >= b": every slot for b = 0, none past the last bucket. */
  private wordsAtLeast(bucket: number, wordCount: number): Uint32Array {
    if (bucket <= 0) return constantWords(wordCount, -1);
    const set = this.atLeast[bucket - 1];
    return set ? set.wordsFor(wordCount) : constantWords(wordCount, 0);
  }
}

const constants = new Map<number, Uint32Array>();

/** A shared, read-only run of words all equal to `value`, at least `wordCount` long. */
function constantWords(wordCount: number, value: number): Uint32Array {
  let words = constants.get(value);
  if (!words || words.length < wordCount) {
    words = new Uint32Array(Math.max(1024, wordCount * 2)).fill(value);
    constants.set(value, words);
  }
  return words;
}
