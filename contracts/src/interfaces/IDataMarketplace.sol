// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice Dataset listings anchored by the Merkle root of their de-identified records.
interface IDataMarketplace {
    enum ListingStatus {
        None,
        Active,
        Unlisted
    }

    /// @dev A listing with this id already exists (a replayed or duplicated anchor).
    error ListingAlreadyExists(bytes32 listingId);
    /// @dev A listing must anchor a non-zero data root and terms hash.
    error EmptyAnchor();

    /// @notice A participant anchored a new listing.
    event ListingCreated(
        bytes32 indexed listingId,
        address indexed owner,
        bytes32 dataRoot,
        bytes32 termsHash,
        uint256 price
    );

    /// @notice Anchors a listing owned by the caller.
    function createListing(
        bytes32 listingId,
        bytes32 dataRoot,
        bytes32 termsHash,
        uint256 price
    ) external;

    /// @notice The anchored state of a listing; status `None` means unknown.
    function getListing(
        bytes32 listingId
    )
        external
        view
        returns (
            address owner,
            bytes32 dataRoot,
            bytes32 termsHash,
            uint256 price,
            ListingStatus status
        );
}
