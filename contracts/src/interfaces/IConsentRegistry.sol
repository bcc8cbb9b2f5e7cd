// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice Consent per listing and per epoch. Every grant starts a new epoch; revoking, granting
 * again, the owner's withdrawal from the trial the listing is linked to, and an amendment of
 * that trial's protocol end it. Requests, approvals and data uses are bound to the epoch in
 * force when the request was made, so none of them outlives it.
 */
interface IConsentRegistry {
    /// @dev What a listing owner agrees to; `purposes` is a bitmask (bit i = purpose i).
    /// A listing linked to a trial names it and the protocol version consented to (its current
    /// one); an unlinked listing has trialId 0 and protocolVersion 0. `epsilonBudget` is the
    /// total privacy loss the owner accepts from analyses, in centi-ε (100 = ε 1.00; 0 = none).
    struct ConsentTerms {
        uint32 purposes;
        uint40 expiresAt;
        uint32 protocolVersion;
        bool autoApprove;
        uint16 epsilonBudget;
        bytes32 trialId;
        bytes32 termsHash;
    }

    /// @dev Consent must allow a purpose, expire in the future, name its terms, and name a
    /// protocol version exactly when it names a trial.
    error InvalidConsentTerms();
    /// @dev The listing's consent does not permit this purpose now (revoked, expired, suspended,
    /// waiting for re-consent, or not allowed).
    error ConsentNotPermitted(bytes32 listingId, uint8 purpose);
    /// @dev Only the listing's owner may do this.
    error NotListingOwner(bytes32 listingId, address caller);
    /// @dev Consent was already revoked.
    error ConsentAlreadyRevoked(bytes32 listingId);
    /// @dev A listing's trial is fixed when it is created.
    error ConsentTrialChanged(bytes32 listingId, bytes32 trialId);
    /// @dev Linking needs the owner actively enrolled in the trial, consented to its current
    /// protocol version, which the terms must name.
    error NotEnrolledOnCurrentProtocol(bytes32 trialId, address owner, uint32 protocolVersion);
    /// @dev An enrolment links at most MAX_LINKED_LISTINGS listings.
    error TooManyLinkedListings(bytes32 trialId, address owner);
    /// @dev A trial holds at most MAX_TRIAL_SHARDS shards of listing slots.
    error TrialFull(bytes32 trialId);
    /// @dev A new grant may not set the privacy budget below what analyses already spent.
    error BudgetBelowSpent(bytes32 listingId, uint16 budget, uint16 spent);
    /// @dev An analysis asked for more ε than the budget of item `index`'s listing has left.
    error BudgetExhausted(bytes32 requestId, uint256 index);

    /// @notice The owner granted consent: epoch `epoch` of the listing starts with these terms.
    event ConsentGranted(
        bytes32 indexed listingId,
        address indexed owner,
        uint32 epoch,
        uint32 purposes,
        uint40 expiresAt,
        bytes32 trialId,
        uint32 protocolVersion,
        bool autoApprove,
        bytes32 termsHash
    );
    /// @notice The owner revoked consent; epoch `epoch` ended.
    event ConsentRevoked(bytes32 indexed listingId, address indexed owner, uint32 epoch);
    /// @notice The owner withdrew from the listing's trial; epoch `epoch` ended.
    event ConsentSuspended(bytes32 indexed listingId, uint32 epoch);
    /// @notice The trial's protocol was amended to `version`: every epoch in force on its
    /// listings ended; each owner's re-consent starts new ones.
    event TrialConsentsEnded(bytes32 indexed trialId, uint32 version);

    /// @notice Starts a new consent epoch on a listing the caller owns.
    function grantConsent(bytes32 listingId, ConsentTerms calldata terms) external;

    /// @notice Ends the consent epoch in force on a listing the caller owns.
    function revokeConsent(bytes32 listingId) external;

    /// @notice True when the listing's consent is in force now and allows purpose bit `purpose`.
    function isPermitted(bytes32 listingId, uint8 purpose) external view returns (bool);

    /// @notice The latest terms of a listing, their epoch, whether the owner revoked them and
    /// whether they are in force now.
    function consentOf(
        bytes32 listingId
    )
        external
        view
        returns (ConsentTerms memory terms, uint32 epoch, bool isRevoked, bool isInForce);

    /// @notice A listing's privacy budget and what analyses spent of it, in centi-ε. Spent
    /// never goes down: granting consent again keeps it.
    function privacyBudget(bytes32 listingId) external view returns (uint16 total, uint16 spent);
}
