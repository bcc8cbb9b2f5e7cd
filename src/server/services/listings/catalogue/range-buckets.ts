import "server-only";
import { Bitset } from "./slot-set";

/** Slots added to a bucket since its sort that a search checks one by one. */
const MAX_UNSORTED = 256;

/**
 * A numeric column cut into buckets of about equal size, each slot's bucket kept as prefix
 * bitsets: `atLeast[b]` holds every slot whose bucket is b or higher. A range then keeps, a word
 * at a time, the slots in the buckets strictly inside it. The two buckets its bounds fall in
 * keep their slots sorted by value: a binary search finds where the bound cuts each, and only
 * the smaller side is marked bit by bit (a slot equal to a bound is still checked one by one,
 * as a double may not hold it exactly). Bucket bounds come from the values held when the index
 * was prepared; new values go into the bucket they fall in (checked one by one until more than
 * MAX_UNSORTED have gathered, then sorted in), and once one bucket holds far more than its share
 * the index is prepared again.
 */
export type RangeBound = { value: number; isInclusive: boolean };

export class RangeBuckets {
  /** bounds[b] is the lowest value of bucket b + 1; strictly increasing. */
  private bounds = new Float64Array(0);
  private atLeast: Bitset[] = [];
  /** Per bucket, its slots sorted by value; `unsorted` the slots added since. */
  private sorted: Uint32Array[] = [new Uint32Array(0)];
  private unsorted: number[][] = [[]];
  /** The marks of one search's boundary slots, cleared after it. */
  private marks = new Uint32Array(0);
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
    this.sorted = Array.from({ length: bounds.length + 1 }, () => new Uint32Array(0));
    this.unsorted = Array.from({ length: bounds.length + 1 }, () => []);
    this.limit = Number.POSITIVE_INFINITY;
    this.lowest = Number.POSITIVE_INFINITY;
    this.highest = Number.NEGATIVE_INFINITY;
    for (const slot of slots) this.add(slot, values[slot]!);
    for (let bucket = 0; bucket <= bounds.length; bucket += 1) this.sortBucket(bucket, values);
    // A value many listings share (11 records, say) fills a bucket of its own past its share
    // from the start: what counts is growth from here.
    const share = Math.ceil(slots.length / (bounds.length + 1));
    this.limit = 2 * Math.max(share, ...this.sorted.map((held) => held.length)) + this.slack;
    this.isLopsided = false;
  }

  add(slot: number, value: number): void {
    const bucket = this.bucketOf(value);
    for (let above = 1; above <= bucket; above += 1) this.atLeast[above - 1]!.add(slot);
    const added = this.unsorted[bucket]!;
    added.push(slot);
    if (this.sorted[bucket]!.length + added.length > this.limit) this.isLopsided = true;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
  }

  /**
   * Keeps in `words` only the slots whose value lies between `from` and `to` (`values` is the
   * column, indexed by slot); `passes` decides for the slots equal to a bound (and may compare
   * more exactly than a double).
   */
  restrict(
    words: Uint32Array,
    wordCount: number,
    from: RangeBound | null,
    to: RangeBound | null,
    passes: (slot: number) => boolean,
    values: Float64Array,
  ): void {
    // A bound equal to a value held still needs the check (`passes` may be more exact).
    const hasFrom = from !== null && from.value >= this.lowest;
    const hasTo = to !== null && to.value <= this.highest;
    if (!hasFrom && !hasTo) return;
    const low = hasFrom ? this.bucketOf(from.value) : 0;
    const high = hasTo ? this.bucketOf(to.value) : this.bounds.length;
    // Past the low bucket / below the high one: sure. In them: as marked.
    const aboveLow = hasFrom ? this.wordsAtLeast(low + 1, wordCount) : null;
    const inOrAboveLow = hasFrom ? this.wordsAtLeast(low, wordCount) : null;
    const inOrAboveHigh = hasTo ? this.wordsAtLeast(high, wordCount) : null;
    const aboveHigh = hasTo ? this.wordsAtLeast(high + 1, wordCount) : null;
    if (this.marks.length < wordCount) this.marks = new Uint32Array(wordCount * 2);
    const marks = this.marks;
    // The two buckets are marked alike (both passing, or both failing), so one mask serves.
    const boundary: number[] = [];
    if (hasFrom) boundary.push(low);
    if (hasTo && !(hasFrom && high === low)) boundary.push(high);
    const cuts = boundary.map((bucket) =>
      this.cut(bucket, hasFrom ? from : null, hasTo ? to : null, values),
    );
    // Whichever side is smaller is marked: at most half the boundary slots are touched.
    const passing = cuts.reduce((sum, cut) => sum + cut.passing, 0);
    const total = cuts.reduce((sum, cut) => sum + cut.size, 0);
    const marksPassing = passing * 2 <= total;
    // The marks are cleared whatever happens, or a failed search would leave them to the next.
    try {
      for (const cut of cuts) markBoundary(cut, marksPassing, passes, marks);
      for (let word = 0; word < wordCount; word += 1) {
        const candidates = words[word]!;
        if (candidates === 0) continue;
        const sure =
          candidates &
          (aboveLow ? aboveLow[word]! : -1) &
          (inOrAboveHigh ? ~inOrAboveHigh[word]! : -1);
        const maybe =
          candidates &
          (inOrAboveLow ? inOrAboveLow[word]! : -1) &
          (aboveHigh ? ~aboveHigh[word]! : -1) &
          ~sure;
        words[word] = sure | (maybe & (marksPassing ? marks[word]! : ~marks[word]!));
      }
    } finally {
      marks.fill(0, 0, wordCount);
    }
  }

  /**
   * Where the bounds cut a bucket's sorted slots: [equalFrom, aboveFrom) equal `from`,
   * [belowTo, equalTo) equal `to`; between aboveFrom and belowTo every slot passes.
   */
  private cut(
    bucket: number,
    from: RangeBound | null,
    to: RangeBound | null,
    values: Float64Array,
  ): Cut & { size: number; passing: number } {
    // A few slots added since the sort are checked one by one; more are sorted in.
    if (this.unsorted[bucket]!.length > MAX_UNSORTED) this.sortBucket(bucket, values);
    const slots = this.sorted[bucket]!;
    const added = this.unsorted[bucket]!;
    const equalFrom = from ? firstAtLeast(slots, values, from.value, false) : 0;
    const aboveFrom = from ? firstAtLeast(slots, values, from.value, true) : 0;
    const belowTo = to ? firstAtLeast(slots, values, to.value, false) : slots.length;
    const equalTo = to ? firstAtLeast(slots, values, to.value, true) : slots.length;
    const begin = Math.min(equalFrom, equalTo);
    const end = Math.max(begin, equalTo);
    const size = slots.length + added.length;
    return {
      slots,
      added,
      size,
      begin,
      end,
      aboveFrom,
      belowTo,
      passing: end - begin + added.length,
    };
  }

  private sortBucket(bucket: number, values: Float64Array): void {
    const added = Uint32Array.from(this.unsorted[bucket]!).sort((a, b) => values[a]! - values[b]!);
    this.unsorted[bucket] = [];
    const held = this.sorted[bucket]!;
    if (held.length === 0) {
      this.sorted[bucket] = added;
      return;
    }
    const merged = new Uint32Array(held.length + added.length);
    let from = 0;
    let to = 0;
    for (let index = 0; index < merged.length; index += 1)
      merged[index] =
        to >= added.length || (from < held.length && values[held[from]!]! <= values[added[to]!]!)
          ? held[from++]!
          : added[to++]!;
    this.sorted[bucket] = merged;
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

/** The first index of `slots` (sorted by value) whose value is >= `value` (> when `isAbove`). */
function firstAtLeast(
  slots: Uint32Array,
  values: Float64Array,
  value: number,
  isAbove: boolean,
): number {
  let low = 0;
  let high = slots.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const held = values[slots[middle]!]!;
    if (held < value || (isAbove && held === value)) low = middle + 1;
    else high = middle;
  }
  return low;
}

type Cut = {
  slots: Uint32Array;
  added: number[];
  begin: number;
  end: number;
  aboveFrom: number;
  belowTo: number;
};

/** Marks the passing (or the failing) slots of a boundary bucket. */
function markBoundary(
  cut: Cut,
  marksPassing: boolean,
  passes: (slot: number) => boolean,
  marks: Uint32Array,
): void {
  const { slots, added, begin, end, aboveFrom, belowTo } = cut;
  for (const slot of added)
    if (passes(slot) === marksPassing) marks[slot >>> 5]! |= 1 << (slot & 31);
  for (let index = begin; index < end; index += 1) {
    const slot = slots[index]!;
    const isPassing = (index >= aboveFrom && index < belowTo) || passes(slot);
    if (isPassing === marksPassing) marks[slot >>> 5]! |= 1 << (slot & 31);
  }
  if (marksPassing) return;
  for (let index = 0; index < begin; index += 1)
    marks[slots[index]! >>> 5]! |= 1 << (slots[index]! & 31);
  for (let index = end; index < slots.length; index += 1)
    marks[slots[index]! >>> 5]! |= 1 << (slots[index]! & 31);
}
