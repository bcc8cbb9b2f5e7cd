import { describe, expect, it } from "vitest";
import { chachaBlock, randomFromSeed } from "./seeded-stream";

describe("the job's seeded randomness", () => {
  it("is the ChaCha20 block function of RFC 8439 (test vector 2.3.2)", () => {
    const key = Uint32Array.from({ length: 8 }, (_, i) => {
      const b = 4 * i;
      return (b | ((b + 1) << 8) | ((b + 2) << 16) | ((b + 3) << 24)) >>> 0;
    });
    const out = new Uint32Array(16);
    chachaBlock(key, 1, out, [0x09000000, 0x4a000000, 0]);
    expect(Array.from(out, (w) => w.toString(16).padStart(8, "0"))).toEqual([
      "e4e7f110",
      "15593bd1",
      "1fdd0f50",
      "c47120a3",
      "c7f4d1c7",
      "0368c033",
      "9aaa2204",
      "4e6cd4c3",
      "466482d2",
      "09aa9f07",
      "05d7c214",
      "a2028bd9",
      "d19c12b5",
      "b94e16de",
      "e883d0cb",
      "4e3c50a2",
    ]);
  });

  it("the same seed gives the same stream, another seed another; a short seed is refused", () => {
    const draw = (byte: number) => {
      const rng = randomFromSeed(new Uint8Array(32).fill(byte));
      return Array.from({ length: 40 }, () => rng.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(new Set(draw(3)).size).toBe(40); // crosses a block boundary without repeating
    expect(() => randomFromSeed(new Uint8Array(4))).toThrow("a job seed is 32 bytes");
  });
});
