// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ITrialConsentHooks} from "./interfaces/ITrialConsentHooks.sol";
import {ITrialRegistry} from "./interfaces/ITrialRegistry.sol";

/**
 * @title TrialRegistry
 * @notice Trials and protocol versions, enrolment by pseudonymous commitment
 * (keccak256(subjectId, salt), never an identity) under the sponsor's invitation, and enrolment
 * rewards that sponsors fund and participants withdraw. Only hashes and amounts are stored.
 * Amendments, re-consents and withdrawals are passed to the marketplace in the same
 * transaction, so listings linked to the trial follow them at once.
 */
contract TrialRegistry is
    ITrialRegistry,
    IERC165,
    ERC2771Context,
    EIP712,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    // solhint-disable gas-small-strings
    /// @notice EIP-712 type of what the sponsor (or site) signs.
    bytes32 public constant INVITATION_TYPEHASH = keccak256(
        "Invitation(bytes32 trialId,address invitationKey,uint40 expiresAt)"
    );
    /// @notice EIP-712 type of what the invitation's key signs to enrol one account.
    bytes32 public constant REDEMPTION_TYPEHASH = keccak256(
        "Redemption(bytes32 trialId,address participant,bytes32 subjectCommitment)"
    );
    // solhint-enable gas-small-strings

    struct Trial {
        address sponsor;
        uint32 protocolVersion;
        uint32 enrolled;
        uint32 trialNumber;
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
    address private immutable _deployer;
    ITrialConsentHooks private _marketplace;
    uint32 private _trialCount;
    mapping(bytes32 trialId => Trial) private _trials;
    mapping(bytes32 trialId => Rewards) private _rewards;
    mapping(bytes32 trialId => mapping(address participant => Enrollment)) private _enrollments;
    mapping(bytes32 trialId => mapping(address site => bool)) private _sites;
    mapping(address invitationKey => bool) private _usedInvitations;
    mapping(address account => uint256) private _rewardBalances;

    constructor(
        address trustedForwarder,
        IERC20 rewardToken
    ) ERC2771Context(trustedForwarder) EIP712("TrialShareTrialRegistry", "1") {
        _token = rewardToken;
        _deployer = msg.sender;
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: called once, by the deployer, with a non-zero address.
     * Emits {MarketplaceBound}.
     */
    function bindMarketplace(address hooks) external {
        if (msg.sender != _deployer || address(_marketplace) != address(0) || hooks == address(0))
            revert MarketplaceBinding(msg.sender);
        _marketplace = ITrialConsentHooks(hooks);
        emit MarketplaceBound(hooks);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the marketplace is bound; the id is new and `protocolHash` non-zero.
     * Emits {TrialRegistered}.
     */
    function registerTrial(bytes32 salt, bytes32 protocolHash) external returns (bytes32 trialId) {
        if (protocolHash == bytes32(0)) revert EmptyProtocolHash();
        ITrialConsentHooks hooks = _boundMarketplace();
        address sponsor = _msgSender();
        trialId = trialIdFor(sponsor, salt);
        if (_trials[trialId].protocolVersion != 0) revert TrialAlreadyRegistered(trialId);
        uint32 trialNumber = ++_trialCount;
        _trials[trialId] = Trial({
            sponsor: sponsor,
            protocolVersion: 1,
            enrolled: 0,
            trialNumber: trialNumber,
            protocolHash: protocolHash
        });
        emit TrialRegistered(trialId, sponsor, trialNumber, protocolHash);
        hooks.onTrialRegistered(trialId, trialNumber);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial; the hash is non-zero. Every consent
     * epoch of listings linked to the trial ends until their owners re-consent.
     * Emits {ProtocolAmended} (and the marketplace's {TrialConsentsEnded}).
     */
    function amendProtocol(bytes32 trialId, bytes32 protocolHash) external {
        Trial storage trial = _sponsoredTrial(trialId);
        if (protocolHash == bytes32(0)) revert EmptyProtocolHash();
        uint32 version = trial.protocolVersion + 1;
        trial.protocolVersion = version;
        trial.protocolHash = protocolHash;
        emit ProtocolAmended(trialId, version, protocolHash);
        _boundMarketplace().onTrialAmended(trialId, trial.trialNumber, version);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial; a non-zero site. Emits {SiteAuthorized}.
     */
    function authorizeSite(bytes32 trialId, address site, bool isAuthorized) external {
        _sponsoredTrial(trialId);
        if (site == address(0)) revert NotTrialIssuer(trialId, site);
        _sites[trialId][site] = isAuthorized;
        emit SiteAuthorized(trialId, site, isAuthorized);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial or is one of its sites; the invitation
     * is unused. Emits {InvitationRevoked}.
     */
    function revokeInvitation(bytes32 trialId, address invitationKey) external {
        Trial storage trial = _existingTrial(trialId);
        address caller = _msgSender();
        if (caller != trial.sponsor && !_sites[trialId][caller])
            revert NotTrialIssuer(trialId, caller);
        if (_usedInvitations[invitationKey]) revert InvitationAlreadyUsed(invitationKey);
        _usedInvitations[invitationKey] = true;
        emit InvitationRevoked(trialId, invitationKey);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial, `amount` and `perEnrollment` are
     * non-zero, the pool stays within 128 bits, `amount` is approved to this contract and
     * arrives in full. Emits {RewardsFunded}.
     */
    function fundRewards(
        bytes32 trialId,
        uint256 amount,
        uint256 perEnrollment
    ) external nonReentrant {
        _fundRewards(trialId, amount, perEnrollment);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: those of {fundRewards}; the permit is tried and its failure ignored, so
     * a front-run permit cannot block the call: only the allowance counts. Emits {RewardsFunded}.
     */
    function fundRewardsWithPermit(
        bytes32 trialId,
        uint256 amount,
        uint256 perEnrollment,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        try
            IERC20Permit(address(_token)).permit(
                _msgSender(),
                address(this),
                amount,
                permitDeadline,
                v,
                r,
                s
            )
        {} catch {} // solhint-disable-line no-empty-blocks
        _fundRewards(trialId, amount, perEnrollment);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller sponsors the trial; 0 < `amount` <= the pool. Rewards
     * already credited to participants stay theirs. Emits {RewardsReclaimed}.
     */
    function reclaimRewards(bytes32 trialId, uint256 amount) external nonReentrant {
        _sponsoredTrial(trialId);
        if (amount == 0) revert ZeroAmount();
        Rewards storage rewards = _rewards[trialId];
        uint256 pool = rewards.pool;
        if (amount > pool) revert InsufficientPool(trialId, pool, amount);
        rewards.pool = uint128(pool - amount);
        address sponsor = _msgSender();
        emit RewardsReclaimed(trialId, sponsor, amount, pool - amount);
        _token.safeTransfer(sponsor, amount);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the trial exists and `protocolVersion` is current; the commitment is
     * non-zero; the invitation names a key, has not expired or been used, and is signed by the
     * sponsor or an authorised site (ERC-1271 accepted); the key signed this participant and
     * commitment; the caller is not actively enrolled. The invitation is spent. The first
     * enrolment of an account in a trial earns the reward while the pool lasts.
     * Emits {Enrolled} and, when rewarded, {RewardCredited}.
     */
    function enrollWithInvitation(
        bytes32 trialId,
        bytes32 subjectCommitment,
        uint32 protocolVersion,
        Invitation calldata invitation,
        bytes calldata issuerSignature,
        bytes calldata redemptionSignature
    ) external {
        Trial storage trial = _existingTrial(trialId);
        if (protocolVersion != trial.protocolVersion) {
            revert ProtocolVersionMismatch(trial.protocolVersion, protocolVersion);
        }
        if (subjectCommitment == bytes32(0)) revert InvalidCommitment(subjectCommitment);
        address participant = _msgSender();
        _spendInvitation(
            trialId,
            trial.sponsor,
            participant,
            subjectCommitment,
            invitation,
            issuerSignature,
            redemptionSignature
        );
        Enrollment storage enrollment = _enrollments[trialId][participant];
        if (enrollment.isActive) revert AlreadyEnrolled(trialId, participant);
        enrollment.commitment = subjectCommitment;
        enrollment.protocolVersion = protocolVersion;
        enrollment.isActive = true;
        ++trial.enrolled;
        emit Enrolled(
            trialId,
            participant,
            subjectCommitment,
            protocolVersion,
            invitation.invitationKey
        );

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
     * @dev Requirements: the caller is actively enrolled on an older version. Starts new
     * consent epochs on the caller's listings linked to the trial. Emits {Reconsented}.
     */
    function reconsent(bytes32 trialId) external {
        Trial storage trial = _existingTrial(trialId);
        Enrollment storage enrollment = _activeEnrollment(trialId);
        uint32 version = trial.protocolVersion;
        if (enrollment.protocolVersion == version)
            revert AlreadyOnCurrentProtocol(trialId, version);
        enrollment.protocolVersion = version;
        address participant = _msgSender();
        emit Reconsented(trialId, participant, version);
        _boundMarketplace().onReconsented(trialId, trial.trialNumber, participant, version);
    }

    /**
     * @inheritdoc ITrialRegistry
     * @dev Requirements: the caller is actively enrolled. Ends the consent epochs of the
     * caller's listings linked to the trial. Emits {EnrollmentWithdrawn}.
     */
    function withdrawEnrollment(bytes32 trialId) external {
        Enrollment storage enrollment = _activeEnrollment(trialId);
        enrollment.isActive = false;
        Trial storage trial = _trials[trialId];
        --trial.enrolled;
        address participant = _msgSender();
        emit EnrollmentWithdrawn(trialId, participant);
        _boundMarketplace().onEnrollmentWithdrawn(trialId, trial.trialNumber, participant);
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
        returns (
            address sponsor,
            uint32 protocolVersion,
            bytes32 protocolHash,
            uint32 enrolled,
            uint32 trialNumber
        )
    {
        Trial storage trial = _trials[trialId];
        return (
            trial.sponsor,
            trial.protocolVersion,
            trial.protocolHash,
            trial.enrolled,
            trial.trialNumber
        );
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
    function enrollmentOf(
        bytes32 trialId,
        address participant
    )
        external
        view
        returns (uint32 trialNumber, uint32 currentVersion, uint32 consentedVersion, bool isActive)
    {
        Trial storage trial = _trials[trialId];
        Enrollment storage enrollment = _enrollments[trialId][participant];
        return (
            trial.trialNumber,
            trial.protocolVersion,
            enrollment.protocolVersion,
            enrollment.isActive
        );
    }

    /// @inheritdoc ITrialRegistry
    function isInvitationUsed(address invitationKey) external view returns (bool) {
        return _usedInvitations[invitationKey];
    }

    /// @inheritdoc ITrialRegistry
    function isSiteAuthorized(bytes32 trialId, address site) external view returns (bool) {
        return _sites[trialId][site];
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

    /// @notice The marketplace the registry informs (zero until bound).
    function marketplace() external view returns (address) {
        return address(_marketplace);
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == type(ITrialRegistry).interfaceId ||
            interfaceId == type(IERC165).interfaceId;
    }

    function _fundRewards(bytes32 trialId, uint256 amount, uint256 perEnrollment) private {
        _sponsoredTrial(trialId);
        if (amount == 0 || perEnrollment == 0) revert ZeroAmount();
        Rewards storage rewards = _rewards[trialId];
        uint256 pool = rewards.pool + amount;
        rewards.pool = pool.toUint128();
        rewards.perEnrollment = perEnrollment.toUint128();
        address sponsor = _msgSender();
        emit RewardsFunded(trialId, sponsor, amount, perEnrollment, pool);
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(sponsor, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert TokenTransferShortfall(amount, received);
    }

    /// @dev Checks both signatures of an invitation and marks it used.
    function _spendInvitation(
        bytes32 trialId,
        address sponsor,
        address participant,
        bytes32 subjectCommitment,
        Invitation calldata invitation,
        bytes calldata issuerSignature,
        bytes calldata redemptionSignature
    ) private {
        address key = invitation.invitationKey;
        if (block.timestamp > invitation.expiresAt)
            revert InvitationExpired(key, invitation.expiresAt);
        if (_usedInvitations[key]) revert InvitationAlreadyUsed(key);
        address issuer = invitation.issuer;
        bytes32 invitationDigest = _hashTypedDataV4(
            keccak256(abi.encode(INVITATION_TYPEHASH, trialId, key, invitation.expiresAt))
        );
        if (
            key == address(0) ||
            (issuer != sponsor && !_sites[trialId][issuer]) ||
            !SignatureChecker.isValidSignatureNow(issuer, invitationDigest, issuerSignature)
        ) revert InvalidInvitation(trialId, key);
        bytes32 redemptionDigest = _hashTypedDataV4(
            keccak256(abi.encode(REDEMPTION_TYPEHASH, trialId, participant, subjectCommitment))
        );
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecover(
            redemptionDigest,
            redemptionSignature
        );
        if (error != ECDSA.RecoverError.NoError || signer != key)
            revert InvalidRedemption(trialId, key);
        _usedInvitations[key] = true;
    }

    function _boundMarketplace() private view returns (ITrialConsentHooks hooks) {
        hooks = _marketplace;
        if (address(hooks) == address(0)) revert MarketplaceBinding(address(0));
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
