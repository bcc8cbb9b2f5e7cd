import "server-only";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson } from "./canonical";
import { keccakBytes } from "./keccak";

/**
 * Dataset roots. Each record's hash is keccak256 of its canonical JSON; each leaf is
 * OpenZeppelin StandardMerkleTree's encoding of (uint256 index, bytes32 recordHash), i.e.
 * keccak256(bytes.concat(keccak256(abi.encode(index, recordHash)))), which Solidity's
 * MerkleProof verifies unchanged. The index is in the leaf because the tree hashes sibling
 * pairs in sorted order: without it, swapping two neighbouring records would keep the root.
 */
const LEAF_ENCODING = ["uint256", "bytes32"] as const;

export function hashRecord(record: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(record)));
}

export function buildRecordTree(records: readonly unknown[]) {
  if (records.length === 0) throw new RangeError("A dataset needs at least one record");
  return StandardMerkleTree.of(
    records.map((record, index) => [index, hashRecord(record)]),
    [...LEAF_ENCODING],
    { sortLeaves: false },
  );
}

/**
 * A dataset's root without building OpenZeppelin's tree (about three times faster: no ABI coder,
 * no tree kept); an analysis checks every listing of its cohort with it before it runs.
 */
export function computeDataRoot(records: readonly unknown[]): string {
  const streaming = new StreamingDataRoot();
  for (const record of records) streaming.add(record);
  return streaming.root();
}

/** Verifies one record against a root, as an auditor would with only the root and proof. */
export function verifyRecordProof(
  root: string,
  index: number,
  record: unknown,
  proof: string[],
): boolean {
  return StandardMerkleTree.verify(root, [...LEAF_ENCODING], [index, hashRecord(record)], proof);
}

/** keccak256 of a document's canonical JSON: terms, reports, manifests. */
export function hashDocument(document: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(document)));
}

/**
 * The same root as computeDataRoot, from a stream of records, holding only 32 bytes a record:
 * leaves and inner nodes are laid out as @openzeppelin/merkle-tree's makeMerkleTree does
 * (leaf i at position 2n-2-i, node k over 2k+1 and 2k+2, pairs hashed in sorted order).
 */
export class StreamingDataRoot {
  private readonly leaves: Uint8Array[] = [];
  /** Each record's hash, in order (kept for the audit). */
  readonly recordHashes: string[] = [];
  private readonly encoder = new TextEncoder();

  add(record: unknown): void {
    this.addHashBytes(keccakBytes(this.encoder.encode(canonicalJson(record))));
  }

  addHash(recordHash: string): void {
    this.addHashBytes(getBytes(recordHash));
  }

  private addHashBytes(recordHash: Uint8Array): void {
    const index = this.leaves.length;
    // abi.encode(uint256 index, bytes32 recordHash): the index big-endian in the first word.
    const encoded = Buffer.alloc(64);
    encoded.writeUIntBE(index, 26, 6);
    encoded.set(recordHash, 32);
    this.leaves.push(keccakBytes(keccakBytes(encoded)));
    this.recordHashes.push(`0x${Buffer.from(recordHash).toString("hex")}`);
  }

  get count(): number {
    return this.leaves.length;
  }

  root(): string {
    const count = this.leaves.length;
    if (count === 0) throw new RangeError("A dataset needs at least one record");
    const tree = new Array<Uint8Array>(2 * count - 1);
    for (let index = 0; index < count; index += 1)
      tree[tree.length - 1 - index] = this.leaves[index]!;
    const pair = Buffer.alloc(64);
    for (let node = count - 2; node >= 0; node -= 1) {
      const left = tree[2 * node + 1]!;
      const right = tree[2 * node + 2]!;
      const isOrdered = Buffer.compare(left, right) <= 0;
      pair.set(isOrdered ? left : right, 0);
      pair.set(isOrdered ? right : left, 32);
      tree[node] = keccakBytes(pair);
    }
    return hexlify(tree[0]!);
  }
}
