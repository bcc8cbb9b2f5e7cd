// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {ITrialRegistry} from "./interfaces/ITrialRegistry.sol";

/**
 * @title TrialRegistry
 * @notice Records which sponsor registered which trial and the hash of its protocol document.
 * Only hashes are stored: the protocol itself stays off-chain.
 */
contract TrialRegistry is ITrialRegistry, ERC2771Context {
    struct Trial {
        address sponsor;
        uint32 protocolVersion;
        bytes32 protocolHash;
    }

    mapping(bytes32 trialId => Trial) private _trials;

    constructor(address trustedForwarder) ERC2771Context(trustedForwarder) {}

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: `trialId` is new and `protocolHash` is non-zero.
     * Emits {TrialRegistered}.
     */
    function registerTrial(bytes32 trialId, bytes32 protocolHash) external {
        if (protocolHash == bytes32(0)) revert EmptyProtocolHash();
        if (_trials[trialId].protocolVersion != 0) revert TrialAlreadyRegistered(trialId);
        address sponsor = _msgSender();
        _trials[trialId] = Trial({
            sponsor: sponsor,
            protocolVersion: 1,
            protocolHash: protocolHash
        });
        emit TrialRegistered(trialId, sponsor, protocolHash);
    }

    /// @inheritdoc ITrialRegistry
    function getTrial(
        bytes32 trialId
    ) external view returns (address sponsor, uint32 protocolVersion, bytes32 protocolHash) {
        Trial storage trial = _trials[trialId];
        return (trial.sponsor, trial.protocolVersion, trial.protocolHash);
    }
}
