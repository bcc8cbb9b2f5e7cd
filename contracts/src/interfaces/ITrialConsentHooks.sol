// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice What the trial registry tells the marketplace in the same transaction as the change,
 * so that the consent of listings linked to a trial follows the owner's enrolment and the
 * trial's protocol version without the marketplace asking at every data use.
 */
interface ITrialConsentHooks {
    /// @dev Only the trial registry calls the hooks.
    error NotTrialRegistry(address caller);

    /// @notice Records a new trial at protocol version 1.
    function onTrialRegistered(bytes32 trialId, uint32 trialNumber) external;

    /// @notice Ends every consent epoch in force on listings linked to the trial.
    function onTrialAmended(bytes32 trialId, uint32 trialNumber, uint32 version) external;

    /// @notice Starts new consent epochs on `participant`'s linked listings at `version`.
    function onReconsented(
        bytes32 trialId,
        uint32 trialNumber,
        address participant,
        uint32 version
    ) external;

    /// @notice Ends the consent epochs of `participant`'s listings linked to the trial.
    function onEnrollmentWithdrawn(
        bytes32 trialId,
        uint32 trialNumber,
        address participant
    ) external;
}
