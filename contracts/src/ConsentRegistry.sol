// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IConsentRegistry} from "./interfaces/IConsentRegistry.sol";

/**
 * @title ConsentRegistry
 * @notice Consent per listing. Kept in the marketplace's own storage (the marketplace inherits
 * this contract) so that every request, approval and data use re-checks consent with one
 * storage read instead of a call to another contract.
 */
abstract contract ConsentRegistry is IConsentRegistry {
    struct Consent {
        uint32 purposes;
        uint40 expiresAt;
        uint32 protocolVersion;
        bool autoApprove;
        bool isRevoked;
    }

    mapping(bytes32 listingId => Consent) private _consents;
    mapping(bytes32 listingId => bytes32) private _termsHashes;

    /// @dev The owner of `listingId`; reverts for unknown listings.
    function _ownerOf(bytes32 listingId) internal view virtual returns (address);

    /// @dev The account on whose behalf the call is made (ERC-2771 aware in the marketplace).
    function _consentCaller() internal view virtual returns (address);

    /**
     * @inheritdoc IConsentRegistry
     * @dev Requirements: the caller owns the listing; terms allow a purpose, expire in the
     * future and name a terms hash. Replacing consent also lifts a revocation.
     * Emits {ConsentGranted}.
     */
    function grantConsent(bytes32 listingId, ConsentTerms calldata terms) external {
        address owner = _requireOwner(listingId);
        _setConsent(listingId, owner, terms);
    }

    /**
     * @inheritdoc IConsentRegistry
     * @dev Requirements: the caller owns the listing and consent is not already revoked.
     * Emits {ConsentRevoked}.
     */
    function revokeConsent(bytes32 listingId) external {
        address owner = _requireOwner(listingId);
        Consent storage consent = _consents[listingId];
        if (consent.isRevoked) revert ConsentAlreadyRevoked(listingId);
        consent.isRevoked = true;
        emit ConsentRevoked(listingId, owner);
    }

    /// @inheritdoc IConsentRegistry
    function isPermitted(bytes32 listingId, uint8 purpose) public view returns (bool) {
        Consent storage consent = _consents[listingId];
        return
            !consent.isRevoked &&
            consent.expiresAt > block.timestamp &&
            purpose < 32 &&
            (consent.purposes >> purpose) & 1 == 1;
    }

    /// @inheritdoc IConsentRegistry
    function consentOf(
        bytes32 listingId
    ) external view returns (ConsentTerms memory terms, bool isRevoked) {
        Consent storage consent = _consents[listingId];
        terms = ConsentTerms({
            purposes: consent.purposes,
            expiresAt: consent.expiresAt,
            protocolVersion: consent.protocolVersion,
            autoApprove: consent.autoApprove,
            termsHash: _termsHashes[listingId]
        });
        return (terms, consent.isRevoked);
    }

    function _setConsent(bytes32 listingId, address owner, ConsentTerms calldata terms) internal {
        if (
            terms.purposes == 0 ||
            terms.expiresAt <= block.timestamp ||
            terms.termsHash == bytes32(0)
        ) {
            revert InvalidConsentTerms();
        }
        _consents[listingId] = Consent({
            purposes: terms.purposes,
            expiresAt: terms.expiresAt,
            protocolVersion: terms.protocolVersion,
            autoApprove: terms.autoApprove,
            isRevoked: false
        });
        if (_termsHashes[listingId] != terms.termsHash) _termsHashes[listingId] = terms.termsHash;
        emit ConsentGranted(
            listingId,
            owner,
            terms.purposes,
            terms.expiresAt,
            terms.protocolVersion,
            terms.autoApprove,
            terms.termsHash
        );
    }

    /// @dev Auto-approval applies only while consent permits the purpose.
    function _isAutoApproved(bytes32 listingId) internal view returns (bool) {
        return _consents[listingId].autoApprove;
    }

    function _requireOwner(bytes32 listingId) private view returns (address owner) {
        owner = _ownerOf(listingId);
        address caller = _consentCaller();
        if (caller != owner) revert NotListingOwner(listingId, caller);
    }
}
