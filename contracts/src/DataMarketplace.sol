// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IDataMarketplace} from "./interfaces/IDataMarketplace.sol";

/**
 * @title DataMarketplace
 * @notice Anchors dataset listings: the owner, the Merkle root of the de-identified records,
 * the hash of the consent terms and the price. Users act through the trusted forwarder, so
 * `_msgSender()` is the signer, not the relayer that paid the gas.
 */
contract DataMarketplace is IDataMarketplace, ERC2771Context {
    struct Listing {
        address owner;
        ListingStatus status;
        bytes32 dataRoot;
        bytes32 termsHash;
        uint256 price;
    }

    mapping(bytes32 listingId => Listing) private _listings;

    constructor(address trustedForwarder) ERC2771Context(trustedForwarder) {}

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: `listingId` is new; `dataRoot` and `termsHash` are non-zero.
     * A caller-chosen id makes a duplicated relay revert instead of creating a twin listing.
     * Emits {ListingCreated}.
     */
    function createListing(
        bytes32 listingId,
        bytes32 dataRoot,
        bytes32 termsHash,
        uint256 price
    ) external {
        if (dataRoot == bytes32(0) || termsHash == bytes32(0)) revert EmptyAnchor();
        if (_listings[listingId].status != ListingStatus.None) {
            revert ListingAlreadyExists(listingId);
        }
        address owner = _msgSender();
        _listings[listingId] = Listing({
            owner: owner,
            status: ListingStatus.Active,
            dataRoot: dataRoot,
            termsHash: termsHash,
            price: price
        });
        emit ListingCreated(listingId, owner, dataRoot, termsHash, price);
    }

    /// @inheritdoc IDataMarketplace
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
        )
    {
        Listing storage listing = _listings[listingId];
        return (listing.owner, listing.dataRoot, listing.termsHash, listing.price, listing.status);
    }
}
