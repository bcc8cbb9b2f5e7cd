import "server-only";
import type { RandomSource } from "../noise/random";

/**
 * The job's randomness from a 256-bit seed the parent draws with its CSPRNG: a ChaCha20
 * keystream (RFC 8439 block function, nonce 0). The same seed gives the same noise in the
 * child and in-process, so a test can compare them; a 32-bit seed would let someone who knows
 * all but one listing try every seed and undo the noise.
 */
export const SEED_BYTES = 32;

export function randomFromSeed(seed: Uint8Array): RandomSource {
  if (seed.length !== SEED_BYTES) throw new RangeError(`a job seed is ${SEED_BYTES} bytes`);
  const key = new Uint32Array(8);
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  for (let i = 0; i < 8; i++) key[i] = view.getUint32(i * 4, true);
  const block = new Uint32Array(16);
  let counter = 0;
  let next = 16;
  return {
    nextUint32() {
      if (next === 16) {
        chachaBlock(key, counter++, block);
        next = 0;
      }
      return block[next++]!;
    },
  };
}

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

export function chachaBlock(
  key: Uint32Array,
  counter: number,
  out: Uint32Array,
  nonce = [0, 0, 0],
) {
  const input = [...SIGMA, ...key, counter >>> 0, ...nonce];
  const x = input.slice();
  const quarter = (a: number, b: number, c: number, d: number) => {
    let [va, vb, vc, vd] = [x[a]!, x[b]!, x[c]!, x[d]!];
    va = (va + vb) >>> 0;
    vd = rotl(vd ^ va, 16);
    vc = (vc + vd) >>> 0;
    vb = rotl(vb ^ vc, 12);
    va = (va + vb) >>> 0;
    vd = rotl(vd ^ va, 8);
    vc = (vc + vd) >>> 0;
    vb = rotl(vb ^ vc, 7);
    [x[a], x[b], x[c], x[d]] = [va, vb, vc, vd];
  };
  for (let round = 0; round < 10; round++) {
    quarter(0, 4, 8, 12);
    quarter(1, 5, 9, 13);
    quarter(2, 6, 10, 14);
    quarter(3, 7, 11, 15);
    quarter(0, 5, 10, 15);
    quarter(1, 6, 11, 12);
    quarter(2, 7, 8, 13);
    quarter(3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) out[i] = (x[i]! + input[i]!) >>> 0;
}

const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
