import "server-only";
/**
 * Sets of index slots (small integers, added in increasing order). A term most listings share
 * is a bitset (one bit per slot, ANDed a word at a time); a rare one is a sorted list (a few
 * bytes per listing). A set switches to a bitset when that takes less memory.
 */
export class Bitset {
  words: Uint32Array;

  constructor(bits = 1024) {
    this.words = new Uint32Array(Math.ceil(bits / 32));
  }

  has(slot: number): boolean {
    const word = slot >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (slot & 31))) !== 0;
  }

  add(slot: number): void {
    const word = slot >>> 5;
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    this.words[word]! |= 1 << (slot & 31);
  }

  /** The words, grown (with zeros) to at least `wordCount`, so loops need no bounds checks. */
  wordsFor(wordCount: number): Uint32Array {
    if (this.words.length < wordCount) {
      const grown = new Uint32Array(Math.max(wordCount, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    return this.words;
  }

  delete(slot: number): void {
    const word = slot >>> 5;
    if (word < this.words.length) this.words[word]! &= ~(1 << (slot & 31));
  }
}

export class SlotSet {
  /** Entries added, dead slots included: what decides the representation and the join order. */
  size = 0;
  private list: Uint32Array | null = new Uint32Array(4);
  private bits: Bitset | null = null;

  get bitset(): Bitset | null {
    return this.bits;
  }

  get sortedList(): Uint32Array | null {
    return this.list ? this.list.subarray(0, this.size) : null;
  }

  add(slot: number): void {
    this.size += 1;
    if (this.bits) return this.bits.add(slot);
    const list = this.list!;
    if (this.size > list.length) {
      // A list costs 4 bytes a slot, a bitset 1/8 byte per slot of the whole index.
      if (this.size * 32 > slot) {
        this.bits = new Bitset(slot + 1);
        for (let index = 0; index < this.size - 1; index += 1) this.bits.add(list[index]!);
        this.bits.add(slot);
        this.list = null;
        return;
      }
      const grown = new Uint32Array(list.length * 2);
      grown.set(list);
      this.list = grown;
    }
    this.list![this.size - 1] = slot;
  }

  has(slot: number): boolean {
    if (this.bits) return this.bits.has(slot);
    const list = this.list!;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = list[middle]!;
      if (value === slot) return true;
      if (value < slot) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

export type Intersection = { kind: "slots"; count: number } | { kind: "words" };

/**
 * The slots that are in `alive` and in all `sets`. When one set is a list (a rare word, a trial,
 * a condition), starts from the shortest and writes the matches, in increasing order, into
 * `slots`; when every set is a bitset, ANDs them a word at a time into `words`.
 */
export function intersect(
  alive: Bitset,
  sets: SlotSet[],
  wordCount: number,
  slots: Uint32Array,
  words: Uint32Array,
): Intersection {
  // A list is walked, a bitset only tested: start from the shortest list, if there is one.
  // (A set that filled early is a bitset even when a later, longer one is still a list.)
  const lists = sets.filter((set) => set.sortedList !== null).sort((a, b) => a.size - b.size);
  const shortest = lists[0];
  if (shortest) {
    const list = shortest.sortedList!;
    const rest = sets.filter((set) => set !== shortest).sort((a, b) => a.size - b.size);
    let count = 0;
    outer: for (let index = 0; index < list.length; index += 1) {
      const slot = list[index]!;
      if (!alive.has(slot)) continue;
      for (const set of rest) if (!set.has(slot)) continue outer;
      slots[count++] = slot;
    }
    return { kind: "slots", count };
  }
  const bitsets = [alive, ...sets.map((set) => set.bitset!)].map((set) => set.wordsFor(wordCount));
  const [first, ...others] = bitsets;
  words.set(first!.subarray(0, wordCount));
  for (const other of others)
    for (let word = 0; word < wordCount; word += 1) words[word]! &= other[word]!;
  return { kind: "words" };
}
