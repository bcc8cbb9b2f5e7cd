// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/**
 * @notice Trials, their protocol versions, enrolments by pseudonymous commitment, and the
 * enrolment rewards sponsors fund. Ids are derived on chain from the caller and a salt, so
 * nobody can claim an id another account is about to use.
 */
interface ITrialRegistry {
    /// @dev A trial with this id already exists.
    error TrialAlreadyRegistered(bytes32 trialId);
    /// @dev No trial has this id.
    error UnknownTrial(bytes32 trialId);
    /// @dev A protocol must be anchored by a non-zero document hash.
    error EmptyProtocolHash();
    /// @dev Only the trial's sponsor may do this.
    error NotTrialSponsor(bytes32 trialId, address caller);
    /// @dev The participant consented to another protocol version than the current one.
    error ProtocolVersionMismatch(uint32 current, uint32 given);
    /// @dev The participant is already actively enrolled in this trial.
    error AlreadyEnrolled(bytes32 trialId, address participant);
    /// @dev The participant has no active enrolment in this trial.
    error NotEnrolled(bytes32 trialId, address participant);
    /// @dev The participant already consented to the current protocol version.
    error AlreadyOnCurrentProtocol(bytes32 trialId, uint32 version);
    /// @dev A subject commitment can be used once, and must not be zero.
    error InvalidCommitment(bytes32 commitment);
    /// @dev Funding needs a non-zero amount.
    error ZeroAmount();
    /// @dev The caller has no rewards to withdraw.
    error NothingToWithdraw(address account);

    /// @notice A sponsor registered a trial at protocol version 1.
    event TrialRegistered(bytes32 indexed trialId, address indexed sponsor, bytes32 protocolHash);
    /// @notice The sponsor amended the protocol; enrolled participants must re-consent.
    event ProtocolAmended(bytes32 indexed trialId, uint32 version, bytes32 protocolHash);
    /// @notice A participant enrolled with a commitment keccak256(subjectId, salt).
    event Enrolled(
        bytes32 indexed trialId,
        address indexed participant,
        bytes32 subjectCommitment,
        uint32 protocolVersion
    );
    /// @notice An enrolled participant consented to the current protocol version.
    event Reconsented(bytes32 indexed trialId, address indexed participant, uint32 protocolVersion);
    /// @notice A participant withdrew from the trial.
    event EnrollmentWithdrawn(bytes32 indexed trialId, address indexed participant);
    /// @notice The sponsor added to the enrolment reward pool.
    event RewardsFunded(
        bytes32 indexed trialId,
        address indexed sponsor,
        uint256 amount,
        uint256 rewardPerEnrollment,
        uint256 pool
    );
    /// @notice A participant was credited an enrolment reward.
    event RewardCredited(bytes32 indexed trialId, address indexed participant, uint256 amount);
    /// @notice An account withdrew its credited rewards.
    event RewardsWithdrawn(address indexed account, uint256 amount);

    /// @notice Registers a trial sponsored by the caller; its id is trialIdFor(caller, salt).
    function registerTrial(bytes32 salt, bytes32 protocolHash) external returns (bytes32 trialId);

    /// @notice Anchors a new protocol version of the caller's trial.
    function amendProtocol(bytes32 trialId, bytes32 protocolHash) external;

    /// @notice Adds `amount` reward tokens to the trial's pool; each enrolment earns `perEnrollment`.
    function fundRewards(bytes32 trialId, uint256 amount, uint256 perEnrollment) external;

    /// @notice Enrols the caller against `protocolVersion`, which must be the current one.
    function enroll(bytes32 trialId, bytes32 subjectCommitment, uint32 protocolVersion) external;

    /// @notice Moves the caller's consent to the trial's current protocol version.
    function reconsent(bytes32 trialId) external;

    /// @notice Ends the caller's enrolment.
    function withdrawEnrollment(bytes32 trialId) external;

    /// @notice Sends the caller all enrolment rewards credited to them.
    function withdrawRewards() external;

    /// @notice The id registerTrial gives `sponsor` for `salt`.
    function trialIdFor(address sponsor, bytes32 salt) external pure returns (bytes32);

    /// @notice Sponsor, current protocol version and hash, and active enrolments of a trial.
    function getTrial(
        bytes32 trialId
    )
        external
        view
        returns (address sponsor, uint32 protocolVersion, bytes32 protocolHash, uint32 enrolled);

    /// @notice A participant's enrolment: commitment, consented protocol version, whether active.
    function getEnrollment(
        bytes32 trialId,
        address participant
    ) external view returns (bytes32 subjectCommitment, uint32 protocolVersion, bool isActive);

    /// @notice Reward tokens left in a trial's pool and the reward per enrolment.
    function rewardPool(
        bytes32 trialId
    ) external view returns (uint256 pool, uint256 perEnrollment);

    /// @notice Rewards credited to `account` and not yet withdrawn.
    function rewardBalanceOf(address account) external view returns (uint256);
}
