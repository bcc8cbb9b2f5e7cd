// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice Trials and their protocol versions, keyed by an off-chain-chosen `bytes32` id.
interface ITrialRegistry {
    /// @dev A trial with this id already exists.
    error TrialAlreadyRegistered(bytes32 trialId);
    /// @dev A zero protocol hash cannot anchor a protocol document.
    error EmptyProtocolHash();

    /// @notice A sponsor registered a trial at protocol version 1.
    event TrialRegistered(bytes32 indexed trialId, address indexed sponsor, bytes32 protocolHash);

    /// @notice Registers `trialId` with the caller as sponsor.
    function registerTrial(bytes32 trialId, bytes32 protocolHash) external;

    /// @notice Sponsor, current protocol version and its hash; version 0 means unknown trial.
    function getTrial(
        bytes32 trialId
    ) external view returns (address sponsor, uint32 protocolVersion, bytes32 protocolHash);
}
