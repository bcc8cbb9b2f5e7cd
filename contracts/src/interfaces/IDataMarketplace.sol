// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IConsentRegistry} from "./IConsentRegistry.sol";

/**
 * @notice Dataset listings anchored by the Merkle root of their de-identified records, cohort
 * access requests paid into escrow, owner decisions, data-use records and pull payments.
 *
 * A request's items are committed as a Merkle root over leaves (index, listingId, price) in the
 * encoding of OpenZeppelin's StandardMerkleTree ["uint256","bytes32","uint256"], unsorted; later
 * calls name an item by its leaf and proof, so no per-item storage is written at request time.
 */
interface IDataMarketplace is IConsentRegistry {
    enum ListingStatus {
        None,
        Active,
        Unlisted
    }

    /// @dev Item states, two bits each: Excluded items were never escrowed.
    enum ItemStatus {
        Excluded,
        Pending,
        Approved,
        Rejected
    }

    /// @dev A listing with this id already exists.
    error ListingAlreadyExists(bytes32 listingId);
    /// @dev No listing has this id.
    error UnknownListing(bytes32 listingId);
    /// @dev A listing must anchor a non-zero data root.
    error EmptyDataRoot();
    /// @dev Prices are stored in 88 bits.
    error PriceTooHigh(uint256 price);
    /// @dev The listing is not active.
    error ListingNotActive(bytes32 listingId);
    /// @dev A request with this id already exists.
    error RequestAlreadyExists(bytes32 requestId);
    /// @dev No request has this id.
    error UnknownRequest(bytes32 requestId);
    /// @dev A request names 1 to MAX_ITEMS listings, in strictly increasing id order.
    error InvalidItems();
    /// @dev Purposes are bit indexes below 32.
    error InvalidPurpose(uint8 purpose);
    /// @dev The access period must end in the future.
    error InvalidAccessPeriod(uint40 accessUntil);
    /// @dev The item and proof do not match the request's committed items.
    error InvalidItemProof(bytes32 requestId, uint256 index);
    /// @dev The item is not in the status this action needs.
    error WrongItemStatus(bytes32 requestId, uint256 index, ItemStatus status);
    /// @dev The owner's decision window for this request has closed.
    error DecisionWindowClosed(bytes32 requestId);
    /// @dev The request's access period has ended.
    error AccessPeriodEnded(bytes32 requestId);
    /// @dev Items are still waiting for their owners' decisions.
    error SettlementTooEarly(bytes32 requestId);
    /// @dev The request was already settled.
    error AlreadySettled(bytes32 requestId);
    /// @dev Fees are capped at MAX_FEE_BPS.
    error FeeTooHigh(uint16 feeBps);
    /// @dev Only the operator records data uses.
    error NotOperator(address caller);
    /// @dev The caller has nothing to withdraw.
    error NothingToWithdraw(address account);

    /// @notice A participant anchored a new listing: its data root and the hash of its
    /// de-identification report (its consent follows in ConsentGranted).
    event ListingCreated(
        bytes32 indexed listingId,
        address indexed owner,
        bytes32 dataRoot,
        bytes32 reportHash,
        uint256 price
    );
    /// @notice The owner changed the price of a listing.
    event ListingPriceUpdated(bytes32 indexed listingId, uint256 price);
    /// @notice The owner took a listing off the market.
    event ListingUnlisted(bytes32 indexed listingId);
    /// @notice The owner anchored a new version of the listing's data; old roots stay readable.
    event DataReanchored(
        bytes32 indexed listingId,
        uint32 version,
        bytes32 dataRoot,
        bytes32 reportHash
    );
    /// @notice A researcher opened a cohort request; the arrays describe every item.
    event AccessRequested(
        bytes32 indexed requestId,
        address indexed researcher,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil,
        uint40 decisionDeadline,
        uint256 escrowed,
        bytes32 itemsRoot,
        bytes32[] listingIds,
        uint256[] prices,
        ItemStatus[] statuses
    );
    /// @notice A listing owner approved or rejected an item of a request.
    event ItemDecided(
        bytes32 indexed requestId,
        uint256 index,
        bytes32 indexed listingId,
        bool approved
    );
    /// @notice The operator delivered an approved item; `extractRoot` is the root of what was sent.
    event DataUseRecorded(
        bytes32 indexed requestId,
        bytes32 indexed listingId,
        bytes32 extractRoot
    );
    /// @notice A pending item was not decided in time and is refunded.
    event ItemExpired(bytes32 indexed requestId, uint256 index, bytes32 indexed listingId);
    /// @notice Settlement credited an owner for an approved item (after the fee).
    event PaymentCredited(
        bytes32 indexed requestId,
        bytes32 indexed listingId,
        address indexed owner,
        uint256 amount
    );
    /// @notice A request was settled: escrowed = credited + refunded + fee.
    event RequestSettled(
        bytes32 indexed requestId,
        uint256 credited,
        uint256 refunded,
        uint256 fee
    );
    /// @notice An account withdrew its credited balance.
    event Withdrawn(address indexed account, uint256 amount);
    /// @notice The admin changed the platform fee for future requests.
    event FeeUpdated(uint16 feeBps, address recipient);

    /// @notice Anchors a listing owned by the caller, with its consent; id = listingIdFor(caller, salt).
    function createListing(
        bytes32 salt,
        bytes32 dataRoot,
        bytes32 reportHash,
        uint256 price,
        ConsentTerms calldata consent
    ) external returns (bytes32 listingId);

    /// @notice Changes the price of a listing the caller owns.
    function updatePrice(bytes32 listingId, uint256 price) external;

    /// @notice Takes a listing the caller owns off the market.
    function unlist(bytes32 listingId) external;

    /// @notice Anchors a new data root for a listing the caller owns.
    function reanchorData(bytes32 listingId, bytes32 dataRoot, bytes32 reportHash) external;

    /// @notice Opens a cohort request over `listingIds` (strictly increasing) and escrows the total.
    function requestAccess(
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil
    ) external returns (bytes32 requestId);

    /// @notice The owner of an item's listing approves or rejects it.
    function decide(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof,
        bool approve
    ) external;

    /// @notice Records a delivery of an approved item; operator only.
    function recordDataUse(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof,
        bytes32 extractRoot
    ) external;

    /// @notice Credits owners and refunds the researcher once no item waits for a decision.
    function settle(
        bytes32 requestId,
        bytes32[] calldata listingIds,
        uint256[] calldata prices
    ) external;

    /// @notice Sends the caller their whole credited balance.
    function withdraw() external;

    /// @notice Sets the platform fee (basis points) for future requests and who receives it.
    function setFee(uint16 feeBps, address recipient) external;

    /// @notice The id createListing gives `owner` for `salt`.
    function listingIdFor(address owner, bytes32 salt) external pure returns (bytes32);

    /// @notice The id requestAccess gives `researcher` for `salt`.
    function requestIdFor(address researcher, bytes32 salt) external pure returns (bytes32);

    /// @notice The anchored state of a listing; status None means unknown.
    function getListing(
        bytes32 listingId
    )
        external
        view
        returns (
            address owner,
            bytes32 dataRoot,
            uint256 price,
            ListingStatus status,
            uint32 dataVersion
        );

    /// @notice The data root of a listing at a given version (1 = the first anchor).
    function dataRootAt(bytes32 listingId, uint32 version) external view returns (bytes32);

    /// @notice A request's researcher, purpose, periods, committed items and money.
    function getRequest(
        bytes32 requestId
    )
        external
        view
        returns (
            address researcher,
            uint8 purpose,
            uint40 accessUntil,
            uint40 decisionDeadline,
            bytes32 itemsRoot,
            uint16 itemCount,
            uint128 escrowed,
            bool isSettled
        );

    /// @notice The status of item `index` of a request.
    function itemStatus(bytes32 requestId, uint256 index) external view returns (ItemStatus);

    /// @notice Credited, not yet withdrawn balance of `account`.
    function balanceOf(address account) external view returns (uint256);

    /// @notice Escrow of requests not yet settled (the rest of the token balance is credited).
    function totalEscrowed() external view returns (uint256);
}
