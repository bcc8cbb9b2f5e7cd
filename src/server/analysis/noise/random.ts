import "server-only";

/**
 * Where noise gets its randomness: a CSPRNG in production, a seeded generator in tests (so a
 * statistical test gives the same answer on every run). Samplers only ever ask for uniform
 * 32-bit words, never for floats.
 */
export type RandomSource = { nextUint32(): number };

export function cryptoRandom(): RandomSource {
  const buffer = new Uint32Array(256);
  let next = buffer.length;
  return {
    nextUint32() {
      if (next === buffer.length) {
        crypto.getRandomValues(buffer);
        next = 0;
      }
      return buffer[next++]!;
    },
  };
}

/** xoshiro128** seeded by splitmix32: deterministic, for tests and per-job seeded sampling. */
export function seededRandom(seed: number): RandomSource {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return {
    nextUint32() {
      const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
      const t = (b << 9) >>> 0;
      c = (c ^ a) >>> 0;
      d = (d ^ b) >>> 0;
      b = (b ^ c) >>> 0;
      a = (a ^ d) >>> 0;
      c = (c ^ t) >>> 0;
      d = rotl(d, 11);
      return result;
    },
  };
}

const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;

/** Uniform integer in [0, n) by rejection over whole 32-bit words: no modulo bias. */
export function uniformBelow(n: bigint, rng: RandomSource): bigint {
  if (n <= 0n) throw new RangeError("uniformBelow needs n > 0");
  if (n === 1n) return 0n;
  const bits = (n - 1n).toString(2).length;
  const words = Math.ceil(bits / 32);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    let value = 0n;
    for (let i = 0; i < words; i++) value = (value << 32n) | BigInt(rng.nextUint32());
    value &= mask;
    if (value < n) return value;
  }
}

/** A uniform pick of up to `k` of `n` indices (partial Fisher–Yates). */
export function sampleIndices(n: number, k: number, rng: RandomSource): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(k, n);
  for (let i = 0; i < take; i++) {
    const j = i + Number(uniformBelow(BigInt(n - i), rng));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, take);
}
