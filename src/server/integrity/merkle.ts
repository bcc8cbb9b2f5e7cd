import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson } from "./canonical";

/**
 * Dataset roots. Each record's hash is keccak256 of its canonical JSON; the tree is
 * OpenZeppelin's StandardMerkleTree over ["bytes32"] leaves in record order (no sorting, so
 * reordering changes the root), which Solidity's MerkleProof verifies unchanged.
 */
const LEAF_ENCODING = ["bytes32"] as const;

export function hashRecord(record: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(record)));
}

export function buildRecordTree(records: readonly unknown[]) {
  if (records.length === 0) throw new RangeError("A dataset needs at least one record");
  return StandardMerkleTree.of(
    records.map((record) => [hashRecord(record)]),
    [...LEAF_ENCODING],
    { sortLeaves: false },
  );
}

export function computeDataRoot(records: readonly unknown[]): string {
  return buildRecordTree(records).root;
}

/** Verifies one record against a root, as an auditor would with only the root and proof. */
export function verifyRecordProof(root: string, record: unknown, proof: string[]): boolean {
  return StandardMerkleTree.verify(root, [...LEAF_ENCODING], [hashRecord(record)], proof);
}

/** keccak256 of a document's canonical JSON: terms, reports, manifests. */
export function hashDocument(document: unknown): string {
  return keccak256(toUtf8Bytes(canonicalJson(document)));
}
