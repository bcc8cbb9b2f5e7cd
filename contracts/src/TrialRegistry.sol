// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITrialRegistry} from "./interfaces/ITrialRegistry.sol";

/**
 * @title TrialRegistry
 * @notice Trials and protocol versions, enrolment by pseudonymous commitment
 * (keccak256(subjectId, salt), never an identity), and enrolment rewards that sponsors fund
 * and participants withdraw. Only hashes and amounts are stored.
 */
contract TrialRegistry is ITrialRegistry, ERC2771Context, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    struct Trial {
        address sponsor;
        uint32 protocolVersion;
        uint32 enrolled;
        bytes32 protocolHash;
    }

    struct Rewards {
        uint128 pool;
        uint128 perEnrollment;
    }

    struct Enrollment {
        bytes32 commitment;
        uint32 protocolVersion;
        bool isActive;
        bool isRewarded;
    }

    IERC20 private immutable _token;
    mapping(bytes32 trialId => Trial) private _trials;
    mapping(bytes32 trialId => Rewards) private _rewards;
    mapping(bytes32 trialId => mapping(address participant => Enrollment)) private _enrollments;
    mapping(bytes32 commitment => bool) private _usedCommitments;
    mapping(address account => uint256) private _rewardBalances;

    constructor(address trustedForwarder, IERC20 rewardToken) ERC2771Context(trustedForwarder) {
        _token = rewardToken;
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the id is new and `protocolHash` non-zero. Emits {TrialRegistered}.
     */
    function registerTrial(bytes32 salt, bytes32 protocolHash) external returns (bytes32 trialId) {
        if (protocolHash == bytes32(0)) revert EmptyProtocolHash();
        address sponsor = _msgSender();
        trialId = trialIdFor(sponsor, salt);
        if (_trials[trialId].protocolVersion != 0) revert TrialAlreadyRegistered(trialId);
        _trials[trialId] = Trial({
            sponsor: sponsor,
            protocolVersion: 1,
            enrolled: 0,
            protocolHash: protocolHash
        });
        emit TrialRegistered(trialId, sponsor, protocolHash);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial; the hash is non-zero.
     * Emits {ProtocolAmended}.
     */
    function amendProtocol(bytes32 trialId, bytes32 protocolHash) external {
        Trial storage trial = _sponsoredTrial(trialId);
        if (protocolHash == bytes32(0)) revert EmptyProtocolHash();
        uint32 version = trial.protocolVersion + 1;
        trial.protocolVersion = version;
        trial.protocolHash = protocolHash;
        emit ProtocolAmended(trialId, version, protocolHash);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial, `amount` is non-zero and approved to
     * this contract. Emits {RewardsFunded}.
     */
    function fundRewards(
        bytes32 trialId,
        uint256 amount,
        uint256 perEnrollment
    ) external nonReentrant {
        _sponsoredTrial(trialId);
        if (amount == 0) revert ZeroAmount();
        Rewards storage rewards = _rewards[trialId];
        uint256 pool = rewards.pool + amount;
        rewards.pool = uint128(pool);
        rewards.perEnrollment = uint128(perEnrollment);
        address sponsor = _msgSender();
        emit RewardsFunded(trialId, sponsor, amount, perEnrollment, pool);
        _token.safeTransferFrom(sponsor, address(this), amount);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the trial exists, `protocolVersion` is current, the caller is not
     * actively enrolled, the commitment is non-zero and unused. The first enrolment of an
     * account in a trial earns the reward while the pool lasts. Emits {Enrolled} and, when
     * rewarded, {RewardCredited}.
     */
    function enroll(bytes32 trialId, bytes32 subjectCommitment, uint32 protocolVersion) external {
        Trial storage trial = _existingTrial(trialId);
        if (protocolVersion != trial.protocolVersion) {
            revert ProtocolVersionMismatch(trial.protocolVersion, protocolVersion);
        }
        if (subjectCommitment == bytes32(0) || _usedCommitments[subjectCommitment]) {
            revert InvalidCommitment(subjectCommitment);
        }
        address participant = _msgSender();
        Enrollment storage enrollment = _enrollments[trialId][participant];
        if (enrollment.isActive) revert AlreadyEnrolled(trialId, participant);
        _usedCommitments[subjectCommitment] = true;
        enrollment.commitment = subjectCommitment;
        enrollment.protocolVersion = protocolVersion;
        enrollment.isActive = true;
        ++trial.enrolled;
        emit Enrolled(trialId, participant, subjectCommitment, protocolVersion);

        Rewards storage rewards = _rewards[trialId];
        uint256 reward = rewards.perEnrollment;
        if (!enrollment.isRewarded && reward != 0 && rewards.pool >= reward) {
            enrollment.isRewarded = true;
            rewards.pool -= uint128(reward);
            _rewardBalances[participant] += reward;
            emit RewardCredited(trialId, participant, reward);
        }
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller is actively enrolled on an older version.
     * Emits {Reconsented}.
     */
    function reconsent(bytes32 trialId) external {
        Trial storage trial = _existingTrial(trialId);
        Enrollment storage enrollment = _activeEnrollment(trialId);
        uint32 version = trial.protocolVersion;
        if (enrollment.protocolVersion == version)
            revert AlreadyOnCurrentProtocol(trialId, version);
        enrollment.protocolVersion = version;
        emit Reconsented(trialId, _msgSender(), version);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller is actively enrolled. Emits {EnrollmentWithdrawn}.
     */
    function withdrawEnrollment(bytes32 trialId) external {
        Enrollment storage enrollment = _activeEnrollment(trialId);
        enrollment.isActive = false;
        --_trials[trialId].enrolled;
        emit EnrollmentWithdrawn(trialId, _msgSender());
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: a non-zero reward balance, cleared before the transfer.
     * Emits {RewardsWithdrawn}.
     */
    function withdrawRewards() external nonReentrant {
        address account = _msgSender();
        uint256 amount = _rewardBalances[account];
        if (amount == 0) revert NothingToWithdraw(account);
        _rewardBalances[account] = 0;
        emit RewardsWithdrawn(account, amount);
        _token.safeTransfer(account, amount);
    }

    /// @inheritdoc ITrialRegistry
    function trialIdFor(address sponsor, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(sponsor, salt, "trial"));
    }

    /// @inheritdoc ITrialRegistry
    function getTrial(
        bytes32 trialId
    )
        external
        view
        returns (address sponsor, uint32 protocolVersion, bytes32 protocolHash, uint32 enrolled)
    {
        Trial storage trial = _trials[trialId];
        return (trial.sponsor, trial.protocolVersion, trial.protocolHash, trial.enrolled);
    }

    /// @inheritdoc ITrialRegistry
    function getEnrollment(
        bytes32 trialId,
        address participant
    ) external view returns (bytes32 subjectCommitment, uint32 protocolVersion, bool isActive) {
        Enrollment storage enrollment = _enrollments[trialId][participant];
        return (enrollment.commitment, enrollment.protocolVersion, enrollment.isActive);
    }

    /// @inheritdoc ITrialRegistry
    function rewardPool(
        bytes32 trialId
    ) external view returns (uint256 pool, uint256 perEnrollment) {
        Rewards storage rewards = _rewards[trialId];
        return (rewards.pool, rewards.perEnrollment);
    }

    /// @inheritdoc ITrialRegistry
    function rewardBalanceOf(address account) external view returns (uint256) {
        return _rewardBalances[account];
    }

    /// @notice The reward token.
    function token() external view returns (IERC20) {
        return _token;
    }

    function _existingTrial(bytes32 trialId) private view returns (Trial storage trial) {
        trial = _trials[trialId];
        if (trial.protocolVersion == 0) revert UnknownTrial(trialId);
    }

    function _sponsoredTrial(bytes32 trialId) private view returns (Trial storage trial) {
        trial = _existingTrial(trialId);
        address caller = _msgSender();
        if (trial.sponsor != caller) revert NotTrialSponsor(trialId, caller);
    }

    function _activeEnrollment(
        bytes32 trialId
    ) private view returns (Enrollment storage enrollment) {
        address participant = _msgSender();
        enrollment = _enrollments[trialId][participant];
        if (!enrollment.isActive) revert NotEnrolled(trialId, participant);
    }
}
