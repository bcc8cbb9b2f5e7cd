import "server-only";
import { getBytes, keccak256 } from "ethers";
import { createKeccak, type IHasher } from "hash-wasm";

/**
 * keccak256 over bytes, for the Merkle roots an analysis or an audit recomputes over every
 * record of a cohort (five hashes a record). hash-wasm's WebAssembly Keccak is about eight
 * times faster than the JavaScript one ethers uses for these small inputs (bench:analysis);
 * until its module is compiled (once, at the first await of `whenKeccakReady`), ethers' gives
 * the same bytes.
 */
let hasher: IHasher | undefined;
const ready = createKeccak(256).then(
  (created) => {
    hasher = created;
  },
  () => undefined, // no WebAssembly: ethers' Keccak serves, slower
);

export function whenKeccakReady(): Promise<void> {
  return ready;
}

export function keccakBytes(data: Uint8Array): Uint8Array {
  if (!hasher) return getBytes(keccak256(data));
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}
