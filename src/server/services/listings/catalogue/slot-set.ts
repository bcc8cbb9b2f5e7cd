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

/**
 * Writes into `out` every slot that is in `alive` and in all `sets`, in increasing order, and
 * returns how many. Starts from the smallest set, so a rare word bounds the work.
 */
export function intersect(alive: Bitset, sets: SlotSet[], slotCount: number, out: Uint32Array) {
  let count = 0;
  if (sets.length === 0) return collectBits([alive.words], slotCount, out);
  // A list is walked, a bitset only tested: start from the shortest list, if there is one.
  // (A set that filled early is a bitset even when a later, longer one is still a list.)
  const lists = sets.filter((set) => set.sortedList !== null).sort((a, b) => a.size - b.size);
  const shortest = lists[0];
  if (shortest) {
    const list = shortest.sortedList!;
    const rest = sets.filter((set) => set !== shortest).sort((a, b) => a.size - b.size);
    outer: for (let index = 0; index < list.length; index += 1) {
      const slot = list[index]!;
      if (!alive.has(slot)) continue;
      for (const set of rest) if (!set.has(slot)) continue outer;
      out[count++] = slot;
    }
    return count;
  }
  // Every set is a bitset: AND them a word at a time.
  return collectBits([alive.words, ...sets.map((set) => set.bitset!.words)], slotCount, out);
}

function collectBits(bitsets: Uint32Array[], slotCount: number, out: Uint32Array): number {
  let count = 0;
  const words = Math.ceil(slotCount / 32);
  for (let word = 0; word < words; word += 1) {
    let value = 0xffffffff;
    for (const bits of bitsets) {
      value &= word < bits.length ? bits[word]! : 0;
      if (value === 0) break;
    }
    while (value !== 0) {
      const low = value & -value;
      out[count++] = (word << 5) + (31 - Math.clz32(low));
      value ^= low;
    }
  }
  return count;
}
