import "server-only";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

/**
 * The items of a cohort request as the DataMarketplace commits them: leaves
 * (uint256 index, bytes32 listingId, uint256 price) in request order, OpenZeppelin's
 * StandardMerkleTree without sorting — the same tree the contract builds, so proofs from here
 * verify there (see contracts/src/libraries/CohortItems.sol).
 */
export const COHORT_LEAF_ENCODING = ["uint256", "bytes32", "uint256"];

export type CohortItem = { listingId: string; price: bigint };
export type CohortTree = ReturnType<typeof buildCohortTree>;

export function buildCohortTree(items: readonly CohortItem[]) {
  return StandardMerkleTree.of(
    items.map((item, index) => [index, item.listingId, item.price]),
    COHORT_LEAF_ENCODING,
    { sortLeaves: false },
  );
}

/**
 * The arguments of DataMarketplace.settleItems for the items at `indices`: their leaves in the
 * order the multiproof needs, with the proof and its flags.
 */
export function settlementArgs(tree: CohortTree, indices: readonly number[]) {
  const { leaves, proof, proofFlags } = tree.getMultiProof([...indices]);
  return {
    indices: leaves.map((leaf) => BigInt(leaf[0] as number | bigint | string)),
    listingIds: leaves.map((leaf) => String(leaf[1])),
    prices: leaves.map((leaf) => BigInt(leaf[2] as number | bigint | string)),
    proof,
    proofFlags,
  };
}
