import "server-only";
/**
 * A read-only set of many short strings held in one string and two typed arrays. Half a
 * million words in ordinary Set entries are half a million objects for the garbage collector
 * to walk on every full collection (about a tenth of a second each, many times per large
 * file); here they are three objects. Open addressing with FNV-1a hashes.
 */
export class CompactStringSet {
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  readonly size: number;

  constructor(words: readonly string[]) {
    this.text = words.join("\n");
    this.starts = new Int32Array(words.length + 1);
    let offset = 0;
    for (const [index, word] of words.entries()) {
      this.starts[index] = offset;
      offset += word.length + 1;
    }
    this.starts[words.length] = offset;
    let capacity = 1;
    while (capacity < words.length * 2) capacity <<= 1;
    this.mask = capacity - 1;
    this.table = new Int32Array(capacity);
    let size = 0;
    // Repeats stay in the text but get no slot of their own.
    for (const [index, word] of words.entries()) {
      if (word === "" || this.has(word)) continue;
      let slot = hash(word) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = index + 1;
      size += 1;
    }
    this.size = size;
  }

  has(word: string): boolean {
    let slot = hash(word) & this.mask;
    for (let entry = this.table[slot]!; entry !== 0; entry = this.table[slot]!) {
      const start = this.starts[entry - 1]!;
      if (this.starts[entry]! - start - 1 === word.length && this.text.startsWith(word, start))
        return true;
      slot = (slot + 1) & this.mask;
    }
    return false;
  }
}

function hash(word: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < word.length; index += 1) {
    h ^= word.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
