// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/**
 * @notice Consent per listing: which purposes its owner allows, until when, under which terms
 * document and protocol version, and whether requests are approved without asking.
 */
interface IConsentRegistry {
    /// @dev What a listing owner agrees to; `purposes` is a bitmask (bit i = purpose i).
    struct ConsentTerms {
        uint32 purposes;
        uint40 expiresAt;
        uint32 protocolVersion;
        bool autoApprove;
        bytes32 termsHash;
    }

    /// @dev Consent must allow at least one purpose, expire in the future, and name its terms.
    error InvalidConsentTerms();
    /// @dev The listing's consent does not permit this purpose now (revoked, expired or not allowed).
    error ConsentNotPermitted(bytes32 listingId, uint8 purpose);
    /// @dev Only the listing's owner may do this.
    error NotListingOwner(bytes32 listingId, address caller);
    /// @dev Consent was already revoked.
    error ConsentAlreadyRevoked(bytes32 listingId);

    /// @notice The owner granted (or replaced) the consent of a listing.
    event ConsentGranted(
        bytes32 indexed listingId,
        address indexed owner,
        uint32 purposes,
        uint40 expiresAt,
        uint32 protocolVersion,
        bool autoApprove,
        bytes32 termsHash
    );
    /// @notice The owner revoked the consent of a listing; no further request, approval or use.
    event ConsentRevoked(bytes32 indexed listingId, address indexed owner);

    /// @notice Replaces the consent of a listing the caller owns.
    function grantConsent(bytes32 listingId, ConsentTerms calldata terms) external;

    /// @notice Revokes the consent of a listing the caller owns.
    function revokeConsent(bytes32 listingId) external;

    /// @notice True when the listing's consent is in force and allows purpose bit `purpose`.
    function isPermitted(bytes32 listingId, uint8 purpose) external view returns (bool);

    /// @notice The consent terms in force for a listing and whether they were revoked.
    function consentOf(
        bytes32 listingId
    ) external view returns (ConsentTerms memory terms, bool isRevoked);
}
