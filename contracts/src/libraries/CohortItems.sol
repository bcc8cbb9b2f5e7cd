// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/**
 * @title CohortItems
 * @notice The Merkle commitment of a request's items.
 * Leaves and tree shape are exactly those of OpenZeppelin's StandardMerkleTree (JavaScript,
 * encoding ["uint256","bytes32","uint256"], sortLeaves false), so its proofs verify here.
 */
library CohortItems {
    /// @dev keccak256(bytes.concat(keccak256(abi.encode(index, listingId, price)))).
    function leaf(uint256 index, bytes32 listingId, uint256 price) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, listingId, price))));
    }

    /**
     * @dev Root of `tree`, whose last `n` slots hold the leaves in reverse order (leaf i at
     * tree[2n - 2 - i]), the layout of makeMerkleTree in OpenZeppelin merkle-tree. The caller
     * allocates `tree` with 2n - 1 slots; the inner nodes are written in place.
     */
    function rootOfHeap(bytes32[] memory tree, uint256 leafCount) internal pure returns (bytes32) {
        for (uint256 node = leafCount - 1; node != 0;) {
            unchecked {
                --node;
            }
            tree[node] = Hashes.commutativeKeccak256(tree[2 * node + 1], tree[2 * node + 2]);
        }
        return tree[0];
    }
}
