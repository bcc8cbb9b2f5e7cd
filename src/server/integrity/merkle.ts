import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson } from "./canonical";

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

export function computeDataRoot(records: readonly unknown[]): string {
  return buildRecordTree(records).root;
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
