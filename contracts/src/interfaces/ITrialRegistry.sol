// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPaymentErrors} from "./IPaymentErrors.sol";

/**
 * @notice Trials, their protocol versions, enrolments by pseudonymous commitment against a
 * sponsor's invitation, and the enrolment rewards sponsors fund. Ids are derived on chain from
 * the caller and a salt, so nobody can claim an id another account is about to use.
 *
 * An invitation is one enrolment: the sponsor (or a site it authorised) signs
 * Invitation(trialId, invitationKey, expiresAt) for a fresh key whose private half travels to
 * the subject in a code or link; enrolling needs that key's signature of
 * Redemption(trialId, participant, subjectCommitment), so a copied transaction cannot be
 * redeemed by anyone else, and the key works once.
 */
interface ITrialRegistry is IPaymentErrors {
    /// @dev An invitation as the sponsor or site signs it.
    struct Invitation {
        address issuer;
        address invitationKey;
        uint40 expiresAt;
    }

    /// @dev A trial with this id already exists.
    error TrialAlreadyRegistered(bytes32 trialId);
    /// @dev No trial has this id.
    error UnknownTrial(bytes32 trialId);
    /// @dev A protocol must be anchored by a non-zero document hash.
    error EmptyProtocolHash();
    /// @dev Only the trial's sponsor may do this.
    error NotTrialSponsor(bytes32 trialId, address caller);
    /// @dev Only the trial's sponsor or a site it authorised may do this.
    error NotTrialIssuer(bytes32 trialId, address caller);
    /// @dev The participant consented to another protocol version than the current one.
    error ProtocolVersionMismatch(uint32 current, uint32 given);
    /// @dev The participant is already actively enrolled in this trial.
    error AlreadyEnrolled(bytes32 trialId, address participant);
    /// @dev The participant has no active enrolment in this trial.
    error NotEnrolled(bytes32 trialId, address participant);
    /// @dev The participant already consented to the current protocol version.
    error AlreadyOnCurrentProtocol(bytes32 trialId, uint32 version);
    /// @dev A subject commitment must not be zero.
    error InvalidCommitment(bytes32 commitment);
    /// @dev The invitation is not signed by the trial's sponsor or one of its sites.
    error InvalidInvitation(bytes32 trialId, address invitationKey);
    /// @dev The enrolment is not signed by the invitation's key for this participant.
    error InvalidRedemption(bytes32 trialId, address invitationKey);
    /// @dev The invitation expired.
    error InvitationExpired(address invitationKey, uint40 expiresAt);
    /// @dev The invitation was used or revoked.
    error InvitationAlreadyUsed(address invitationKey);
    /// @dev The pool holds less than asked for.
    error InsufficientPool(bytes32 trialId, uint256 pool, uint256 amount);
    /// @dev The marketplace is bound once, by the deployer, before trials are registered.
    error MarketplaceBinding(address caller);

    /// @notice A sponsor registered a trial at protocol version 1.
    event TrialRegistered(
        bytes32 indexed trialId,
        address indexed sponsor,
        uint32 trialNumber,
        bytes32 protocolHash
    );
    /// @notice The sponsor amended the protocol; enrolled participants must re-consent.
    event ProtocolAmended(bytes32 indexed trialId, uint32 version, bytes32 protocolHash);
    /// @notice The sponsor authorised or de-authorised a site to sign invitations.
    event SiteAuthorized(bytes32 indexed trialId, address indexed site, bool isAuthorized);
    /// @notice The sponsor or a site revoked an unused invitation.
    event InvitationRevoked(bytes32 indexed trialId, address indexed invitationKey);
    /// @notice A participant enrolled with a commitment keccak256(subjectId, salt) under an
    /// invitation.
    event Enrolled(
        bytes32 indexed trialId,
        address indexed participant,
        bytes32 subjectCommitment,
        uint32 protocolVersion,
        address invitationKey
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
    /// @notice The sponsor took unused tokens back from the pool.
    event RewardsReclaimed(
        bytes32 indexed trialId,
        address indexed sponsor,
        uint256 amount,
        uint256 pool
    );
    /// @notice A participant was credited an enrolment reward.
    event RewardCredited(bytes32 indexed trialId, address indexed participant, uint256 amount);
    /// @notice An account withdrew its credited rewards.
    event RewardsWithdrawn(address indexed account, uint256 amount);
    /// @notice The marketplace that follows enrolments and amendments was bound.
    event MarketplaceBound(address marketplace);

    /// @notice Binds the marketplace the registry informs of amendments and enrolment changes.
    function bindMarketplace(address hooks) external;

    /// @notice Registers a trial sponsored by the caller; its id is trialIdFor(caller, salt).
    function registerTrial(bytes32 salt, bytes32 protocolHash) external returns (bytes32 trialId);

    /// @notice Anchors a new protocol version of the caller's trial.
    function amendProtocol(bytes32 trialId, bytes32 protocolHash) external;

    /// @notice Lets `site` sign invitations to the caller's trial (or stops it).
    function authorizeSite(bytes32 trialId, address site, bool isAuthorized) external;

    /// @notice Revokes an invitation that has not been used.
    function revokeInvitation(bytes32 trialId, address invitationKey) external;

    /// @notice Adds `amount` reward tokens to the trial's pool; each enrolment earns `perEnrollment`.
    function fundRewards(bytes32 trialId, uint256 amount, uint256 perEnrollment) external;

    /// @notice fundRewards after an EIP-2612 permit for `amount`, in one call; a permit already
    /// used (say, copied from the mempool) is ignored.
    function fundRewardsWithPermit(
        bytes32 trialId,
        uint256 amount,
        uint256 perEnrollment,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Sends `amount` unused tokens of the pool back to the sponsor.
    function reclaimRewards(bytes32 trialId, uint256 amount) external;

    /// @notice Enrols the caller against `protocolVersion` (the current one) under an invitation.
    function enrollWithInvitation(
        bytes32 trialId,
        bytes32 subjectCommitment,
        uint32 protocolVersion,
        Invitation calldata invitation,
        bytes calldata issuerSignature,
        bytes calldata redemptionSignature
    ) external;

    /// @notice Moves the caller's consent to the trial's current protocol version.
    function reconsent(bytes32 trialId) external;

    /// @notice Ends the caller's enrolment.
    function withdrawEnrollment(bytes32 trialId) external;

    /// @notice Sends the caller all enrolment rewards credited to them.
    function withdrawRewards() external;

    /// @notice The id registerTrial gives `sponsor` for `salt`.
    function trialIdFor(address sponsor, bytes32 salt) external pure returns (bytes32);

    /// @notice Sponsor, current protocol version and hash, active enrolments and number of a trial.
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
        );

    /// @notice A participant's enrolment: commitment, consented protocol version, whether active.
    function getEnrollment(
        bytes32 trialId,
        address participant
    ) external view returns (bytes32 subjectCommitment, uint32 protocolVersion, bool isActive);

    /// @notice What the marketplace checks before linking a listing to a trial.
    function enrollmentOf(
        bytes32 trialId,
        address participant
    )
        external
        view
        returns (uint32 trialNumber, uint32 currentVersion, uint32 consentedVersion, bool isActive);

    /// @notice Whether an invitation key was used or revoked.
    function isInvitationUsed(address invitationKey) external view returns (bool);

    /// @notice Whether `site` may sign invitations to the trial.
    function isSiteAuthorized(bytes32 trialId, address site) external view returns (bool);

    /// @notice Reward tokens left in a trial's pool and the reward per enrolment.
    function rewardPool(
        bytes32 trialId
    ) external view returns (uint256 pool, uint256 perEnrollment);

    /// @notice Rewards credited to `account` and not yet withdrawn.
    function rewardBalanceOf(address account) external view returns (uint256);
}
