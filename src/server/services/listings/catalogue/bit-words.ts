import "server-only";
/**
 * Word-at-a-time helpers over bitsets held as Uint32Array words (bit `slot & 31` of word
 * `slot >>> 5`), the form a search's candidates take once they are many.
 */
export function popcount(word: number): number {
  let value = word - ((word >>> 1) & 0x55555555);
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return (Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** The slot numbers of the set bits of `words`, in increasing order, written into `out`. */
export function collectSlots(words: Uint32Array, wordCount: number, out: Uint32Array): number {
  let count = 0;
  for (let word = 0; word < wordCount; word += 1) {
    let value = words[word]!;
    while (value !== 0) {
      const low = value & -value;
      out[count++] = (word << 5) + (31 - Math.clz32(low));
      value ^= low;
    }
  }
  return count;
}

/** `words` set to exactly the `count` slots of `slots` (any order). */
export function fillFromSlots(
  words: Uint32Array,
  wordCount: number,
  slots: Uint32Array,
  count: number,
): void {
  words.fill(0, 0, wordCount);
  for (let index = 0; index < count; index += 1) {
    const slot = slots[index]!;
    words[slot >>> 5]! |= 1 << (slot & 31);
  }
}

export function hasSlot(words: Uint32Array, slot: number): boolean {
  return (words[slot >>> 5]! & (1 << (slot & 31))) !== 0;
}
