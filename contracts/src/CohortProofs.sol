// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {CohortItems} from "./libraries/CohortItems.sol";

/**
 * @title CohortProofs
 * @notice Checks a multiproof of request items for the marketplace, which creates this contract
 * in its constructor: the check is kept out of the marketplace's code for the EIP-170 limit.
 */
contract CohortProofs {
    /// @notice True when the leaves of items (indices, listingIds, prices) are in the tree `root`.
    function verifyItems(
        bytes32 root,
        uint256[] calldata indices,
        bytes32[] calldata listingIds,
        uint256[] calldata prices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external pure returns (bool) {
        uint256 count = indices.length;
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 k; k < count; ++k) {
            leaves[k] = CohortItems.leaf(indices[k], listingIds[k], prices[k]);
        }
        return MerkleProof.multiProofVerifyCalldata(proof, proofFlags, root, leaves);
    }
}
