// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ConsentRegistry} from "./ConsentRegistry.sol";
import {IDataMarketplace} from "./interfaces/IDataMarketplace.sol";
import {CohortItems} from "./libraries/CohortItems.sol";

/**
 * @title DataMarketplace
 * @notice Listings, cohort access requests with ERC-20 escrow, owner decisions, data-use
 * records, settlement and pull payments. Consent is re-checked at request, approval and use.
 * Users act through the trusted forwarder, so `_msgSender()` is the signer, not the relayer.
 *
 * Money invariant: the token balance of this contract equals `totalEscrowed()` plus the sum of
 * all `balanceOf` (checked by the fuzzed sequence test).
 */
contract DataMarketplace is
    IDataMarketplace,
    ConsentRegistry,
    ERC2771Context,
    AccessControl,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using CohortItems for mapping(uint256 => uint256);

    /// @notice Fees above 10 % are refused.
    uint16 public constant MAX_FEE_BPS = 1_000;
    /// @notice One request names at most this many listings (fits one block).
    uint256 public constant MAX_ITEMS = 500;
    /// @notice Owners have this long to decide; undecided items are then refunded.
    uint40 public constant DECISION_PERIOD = 7 days;

    struct Listing {
        address owner;
        uint88 price;
        ListingStatus status;
        bytes32 dataRoot;
    }

    /// @dev Slot 0 holds what recordDataUse reads, including the statuses of the first
    /// HEAD_ITEMS items, so that a delivery of a small cohort costs one request read.
    struct Request {
        address researcher;
        uint40 accessUntil;
        uint8 purpose;
        uint48 headStatuses;
        bytes32 itemsRoot;
        uint128 escrowed;
        uint40 decisionDeadline;
        uint16 itemCount;
        uint16 feeBps;
        bool isSettled;
    }

    /// @dev What requestAccess learns about its items in one pass.
    struct Assessment {
        uint256[] prices;
        ItemStatus[] statuses;
        bytes32 root;
        uint256 total;
        uint48 head;
    }

    /// @dev Items below this index keep their two-bit status in the request's first slot.
    uint256 private constant HEAD_ITEMS = 24;

    IERC20 private immutable _token;
    /// @dev The account that records deliveries (the server). Immutable rather than a role:
    /// recordDataUse is the hottest call, and a role lookup is a cold storage read (2,100 gas)
    /// that would take it over its 35,000 gas budget. Rotating it means deploying a new version.
    address private immutable _operator;
    address private _feeRecipient;
    uint16 private _feeBps;
    uint256 private _totalEscrowed;

    mapping(bytes32 listingId => Listing) private _listings;
    mapping(bytes32 listingId => uint32) private _dataVersions;
    mapping(bytes32 listingId => mapping(uint32 version => bytes32)) private _rootHistory;
    mapping(bytes32 requestId => Request) private _requests;
    mapping(bytes32 requestId => mapping(uint256 word => uint256)) private _itemStatuses;
    mapping(address account => uint256) private _balances;

    constructor(
        address trustedForwarder,
        IERC20 paymentToken,
        address admin,
        address dataUseOperator
    ) ERC2771Context(trustedForwarder) {
        _token = paymentToken;
        _operator = dataUseOperator;
        _feeRecipient = admin;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- listings

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the id is new, the root non-zero, the price fits 88 bits, the consent
     * terms valid. Emits {ListingCreated} and {ConsentGranted}.
     */
    function createListing(
        bytes32 salt,
        bytes32 dataRoot,
        bytes32 reportHash,
        uint256 price,
        ConsentTerms calldata consent
    ) external returns (bytes32 listingId) {
        address owner = _msgSender();
        listingId = listingIdFor(owner, salt);
        if (_listings[listingId].status != ListingStatus.None)
            revert ListingAlreadyExists(listingId);
        if (dataRoot == bytes32(0)) revert EmptyDataRoot();
        _listings[listingId] = Listing({
            owner: owner,
            price: _toPrice(price),
            status: ListingStatus.Active,
            dataRoot: dataRoot
        });
        // The report hash is only emitted: auditors read it from the event, and storing it
        // would cost another slot on every listing.
        emit ListingCreated(listingId, owner, dataRoot, reportHash, price);
        _setConsent(listingId, owner, consent);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller owns the listing; the price fits 88 bits. Requests already
     * open keep the price they escrowed. Emits {ListingPriceUpdated}.
     */
    function updatePrice(bytes32 listingId, uint256 price) external {
        Listing storage listing = _ownedListing(listingId);
        listing.price = _toPrice(price);
        emit ListingPriceUpdated(listingId, price);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller owns the listing and it is active. Open requests are not
     * affected; new ones exclude it. Emits {ListingUnlisted}.
     */
    function unlist(bytes32 listingId) external {
        Listing storage listing = _ownedListing(listingId);
        if (listing.status != ListingStatus.Active) revert ListingNotActive(listingId);
        listing.status = ListingStatus.Unlisted;
        emit ListingUnlisted(listingId);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller owns the listing; the root is non-zero. The previous root
     * stays readable through {dataRootAt}. Emits {DataReanchored}.
     */
    function reanchorData(bytes32 listingId, bytes32 dataRoot, bytes32 reportHash) external {
        Listing storage listing = _ownedListing(listingId);
        if (dataRoot == bytes32(0)) revert EmptyDataRoot();
        uint32 previous = _currentVersion(listingId);
        _rootHistory[listingId][previous] = listing.dataRoot;
        uint32 version = previous + 1;
        _dataVersions[listingId] = version;
        listing.dataRoot = dataRoot;
        emit DataReanchored(listingId, version, dataRoot, reportHash);
    }

    // ---------------------------------------------------------------- requests

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: 1 to MAX_ITEMS listing ids in strictly increasing order, a purpose
     * below 32, an access period ending in the future, and an allowance for the total.
     * Items whose listing is inactive or whose consent does not permit the purpose are
     * excluded (not escrowed); auto-approve consents approve at once; the rest wait for their
     * owners. Emits {AccessRequested}.
     */
    function requestAccess(
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil
    ) external nonReentrant returns (bytes32 requestId) {
        address researcher = _msgSender();
        uint256 count = listingIds.length;
        if (count == 0 || count > MAX_ITEMS) revert InvalidItems();
        if (purpose >= 32) revert InvalidPurpose(purpose);
        if (accessUntil <= block.timestamp) revert InvalidAccessPeriod(accessUntil);
        requestId = requestIdFor(researcher, salt);
        Request storage request = _requests[requestId];
        if (request.researcher != address(0)) revert RequestAlreadyExists(requestId);

        Assessment memory items = _assessItems(requestId, listingIds, purpose);
        uint40 decisionDeadline = uint40(block.timestamp) + DECISION_PERIOD;
        _requests[requestId] = Request({
            researcher: researcher,
            accessUntil: accessUntil,
            purpose: purpose,
            headStatuses: items.head,
            itemsRoot: items.root,
            escrowed: uint128(items.total),
            decisionDeadline: decisionDeadline,
            itemCount: uint16(count),
            feeBps: _feeBps,
            isSettled: false
        });
        _totalEscrowed += items.total;
        emit AccessRequested(
            requestId,
            researcher,
            purpose,
            planHash,
            accessUntil,
            decisionDeadline,
            items.total,
            items.root,
            listingIds,
            items.prices,
            items.statuses
        );
        if (items.total != 0) _token.safeTransferFrom(researcher, address(this), items.total);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the item and proof match the request; the caller owns the listing;
     * the item is pending and the decision window open; approving needs consent that still
     * permits the request's purpose. Emits {ItemDecided}.
     */
    function decide(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof,
        bool approve
    ) external {
        Request storage request = _verifiedItem(requestId, index, listingId, price, proof);
        address caller = _msgSender();
        if (_listings[listingId].owner != caller) revert NotListingOwner(listingId, caller);
        ItemStatus status = _statusOf(requestId, request, index);
        if (status != ItemStatus.Pending) revert WrongItemStatus(requestId, index, status);
        if (block.timestamp > request.decisionDeadline) revert DecisionWindowClosed(requestId);
        if (approve && !isPermitted(listingId, request.purpose)) {
            revert ConsentNotPermitted(listingId, request.purpose);
        }
        _setStatus(requestId, request, index, approve ? ItemStatus.Approved : ItemStatus.Rejected);
        emit ItemDecided(requestId, index, listingId, approve);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller is the operator; the item and proof match; the item is
     * approved; the access period is running; consent permits the purpose at this block.
     * Emits {DataUseRecorded}.
     */
    function recordDataUse(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof,
        bytes32 extractRoot
    ) external {
        if (msg.sender != _operator) revert NotOperator(msg.sender);
        Request storage request = _verifiedItem(requestId, index, listingId, price, proof);
        if (block.timestamp > request.accessUntil) revert AccessPeriodEnded(requestId);
        uint8 purpose = request.purpose;
        if (!isPermitted(listingId, purpose)) revert ConsentNotPermitted(listingId, purpose);
        ItemStatus status = _statusOf(requestId, request, index);
        if (status != ItemStatus.Approved) revert WrongItemStatus(requestId, index, status);
        emit DataUseRecorded(requestId, listingId, extractRoot);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: not settled; the arrays are exactly the committed items; no item is
     * pending, unless the decision window has closed (pending items then expire). Approved
     * items credit their owners (less the fee fixed at request time); the rest is refunded.
     * Emits {PaymentCredited} per approved item, {ItemExpired} per expired one, and
     * {RequestSettled}.
     */
    function settle(
        bytes32 requestId,
        bytes32[] calldata listingIds,
        uint256[] calldata prices
    ) external {
        Request storage request = _requests[requestId];
        if (request.researcher == address(0)) revert UnknownRequest(requestId);
        if (request.isSettled) revert AlreadySettled(requestId);
        uint256 count = listingIds.length;
        if (count != request.itemCount || prices.length != count) revert InvalidItems();
        bytes32[] memory tree = new bytes32[](2 * count - 1);
        for (uint256 index; index < count; ++index) {
            tree[2 * count - 2 - index] = CohortItems.leaf(index, listingIds[index], prices[index]);
        }
        if (CohortItems.rootOfHeap(tree, count) != request.itemsRoot) revert InvalidItems();

        (uint256 credited, uint256 fees) = _settleItems(requestId, request, listingIds, prices);
        uint256 escrowed = request.escrowed;
        uint256 refunded = escrowed - credited - fees;
        request.isSettled = true;
        _totalEscrowed -= escrowed;
        if (fees != 0) _balances[_feeRecipient] += fees;
        if (refunded != 0) _balances[request.researcher] += refunded;
        emit RequestSettled(requestId, credited, refunded, fees);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: a non-zero balance. The balance is cleared before the transfer.
     * Emits {Withdrawn}.
     */
    function withdraw() external nonReentrant {
        address account = _msgSender();
        uint256 amount = _balances[account];
        if (amount == 0) revert NothingToWithdraw(account);
        _balances[account] = 0;
        emit Withdrawn(account, amount);
        _token.safeTransfer(account, amount);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: DEFAULT_ADMIN_ROLE; at most MAX_FEE_BPS. Open requests keep their fee.
     * Emits {FeeUpdated}.
     */
    function setFee(uint16 feeBps, address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (feeBps > MAX_FEE_BPS) revert FeeTooHigh(feeBps);
        _feeBps = feeBps;
        _feeRecipient = recipient;
        emit FeeUpdated(feeBps, recipient);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDataMarketplace
    function listingIdFor(address owner, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }

    /// @inheritdoc IDataMarketplace
    function requestIdFor(address researcher, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(researcher, salt, "request"));
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
            uint256 price,
            ListingStatus status,
            uint32 dataVersion
        )
    {
        Listing storage listing = _listings[listingId];
        dataVersion = listing.status == ListingStatus.None ? 0 : _currentVersion(listingId);
        return (listing.owner, listing.dataRoot, listing.price, listing.status, dataVersion);
    }

    /// @inheritdoc IDataMarketplace
    function dataRootAt(bytes32 listingId, uint32 version) external view returns (bytes32) {
        uint32 current = _currentVersion(listingId);
        if (version == current) return _listings[listingId].dataRoot;
        return version < current ? _rootHistory[listingId][version] : bytes32(0);
    }

    /// @inheritdoc IDataMarketplace
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
        )
    {
        Request storage request = _requests[requestId];
        return (
            request.researcher,
            request.purpose,
            request.accessUntil,
            request.decisionDeadline,
            request.itemsRoot,
            request.itemCount,
            request.escrowed,
            request.isSettled
        );
    }

    /// @inheritdoc IDataMarketplace
    function itemStatus(bytes32 requestId, uint256 index) external view returns (ItemStatus) {
        return _statusOf(requestId, _requests[requestId], index);
    }

    /// @inheritdoc IDataMarketplace
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    /// @inheritdoc IDataMarketplace
    function totalEscrowed() external view returns (uint256) {
        return _totalEscrowed;
    }

    /// @notice The reward token escrowed and paid out.
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @notice The account allowed to record data uses.
    function operator() external view returns (address) {
        return _operator;
    }

    /// @notice The fee for new requests and who receives it.
    function fee() external view returns (uint16 feeBps, address recipient) {
        return (_feeBps, _feeRecipient);
    }

    // ---------------------------------------------------------------- internals

    /**
     * @dev One pass over a new request's items: ids strictly increasing, each item's status
     * from its listing and consent, the escrow total, the items' Merkle root, and the status
     * words written (the first HEAD_ITEMS statuses are returned for the request's own slot).
     */
    function _assessItems(
        bytes32 requestId,
        bytes32[] calldata listingIds,
        uint8 purpose
    ) private returns (Assessment memory items) {
        uint256 count = listingIds.length;
        items.prices = new uint256[](count);
        items.statuses = new ItemStatus[](count);
        bytes32[] memory tree = new bytes32[](2 * count - 1);
        uint256 head;
        uint256 word;
        bytes32 previous;
        for (uint256 index; index < count; ++index) {
            bytes32 listingId = listingIds[index];
            if (index != 0 && listingId <= previous) revert InvalidItems();
            previous = listingId;
            Listing storage listing = _listings[listingId];
            uint256 price = listing.price;
            ItemStatus status = ItemStatus.Excluded;
            if (listing.status == ListingStatus.Active && isPermitted(listingId, purpose)) {
                status = _isAutoApproved(listingId) ? ItemStatus.Approved : ItemStatus.Pending;
                items.total += price;
                if (index < HEAD_ITEMS) head |= uint256(uint8(status)) << (index << 1);
                else word |= uint256(uint8(status)) << ((index & 127) << 1);
            }
            items.prices[index] = price;
            items.statuses[index] = status;
            tree[2 * count - 2 - index] = CohortItems.leaf(index, listingId, price);
            if (index & 127 == 127 || index == count - 1) {
                if (word != 0) _itemStatuses[requestId][index >> 7] = word;
                word = 0;
            }
        }
        items.root = CohortItems.rootOfHeap(tree, count);
        items.head = uint48(head);
    }

    function _settleItems(
        bytes32 requestId,
        Request storage request,
        bytes32[] calldata listingIds,
        uint256[] calldata prices
    ) private returns (uint256 credited, uint256 fees) {
        bool isWindowClosed = block.timestamp > request.decisionDeadline;
        uint256 feeBps = request.feeBps;
        for (uint256 index; index < listingIds.length; ++index) {
            ItemStatus status = _statusOf(requestId, request, index);
            if (status == ItemStatus.Approved) {
                uint256 itemFee = (prices[index] * feeBps) / 10_000;
                credited += _credit(requestId, listingIds[index], prices[index] - itemFee);
                fees += itemFee;
            } else if (status == ItemStatus.Pending) {
                if (!isWindowClosed) revert SettlementTooEarly(requestId);
                emit ItemExpired(requestId, index, listingIds[index]);
            }
        }
    }

    function _credit(
        bytes32 requestId,
        bytes32 listingId,
        uint256 amount
    ) private returns (uint256) {
        address owner = _listings[listingId].owner;
        _balances[owner] += amount;
        emit PaymentCredited(requestId, listingId, owner, amount);
        return amount;
    }

    function _verifiedItem(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof
    ) private view returns (Request storage request) {
        request = _requests[requestId];
        // The index is part of the leaf and leaves are double-hashed, so a valid proof also
        // proves index < itemCount: no inner node can pass for a leaf.
        bytes32 leaf = CohortItems.leaf(index, listingId, price);
        if (!MerkleProof.verifyCalldata(proof, request.itemsRoot, leaf)) {
            revert InvalidItemProof(requestId, index);
        }
    }

    function _statusOf(
        bytes32 requestId,
        Request storage request,
        uint256 index
    ) private view returns (ItemStatus) {
        if (index < HEAD_ITEMS) return ItemStatus((request.headStatuses >> (index << 1)) & 3);
        return ItemStatus(_itemStatuses[requestId].statusOf(index));
    }

    function _setStatus(
        bytes32 requestId,
        Request storage request,
        uint256 index,
        ItemStatus status
    ) private {
        if (index < HEAD_ITEMS) {
            uint256 shift = index << 1;
            uint256 head = request.headStatuses;
            request.headStatuses = uint48(
                (head & ~(uint256(3) << shift)) | (uint256(status) << shift)
            );
        } else {
            _itemStatuses[requestId].setStatus(index, uint8(status));
        }
    }

    function _ownedListing(bytes32 listingId) private view returns (Listing storage listing) {
        listing = _listings[listingId];
        address caller = _msgSender();
        if (listing.status == ListingStatus.None) revert UnknownListing(listingId);
        if (listing.owner != caller) revert NotListingOwner(listingId, caller);
    }

    function _currentVersion(bytes32 listingId) private view returns (uint32) {
        uint32 version = _dataVersions[listingId];
        return version == 0 ? 1 : version;
    }

    function _toPrice(uint256 price) private pure returns (uint88) {
        if (price > type(uint88).max) revert PriceTooHigh(price);
        return uint88(price);
    }

    function _ownerOf(bytes32 listingId) internal view override returns (address) {
        Listing storage listing = _listings[listingId];
        if (listing.status == ListingStatus.None) revert UnknownListing(listingId);
        return listing.owner;
    }

    function _consentCaller() internal view override returns (address) {
        return _msgSender();
    }

    function _msgSender() internal view override(Context, ERC2771Context) returns (address) {
        return ERC2771Context._msgSender();
    }

    function _msgData() internal view override(Context, ERC2771Context) returns (bytes calldata) {
        return ERC2771Context._msgData();
    }

    function _contextSuffixLength()
        internal
        view
        override(Context, ERC2771Context)
        returns (uint256)
    {
        return ERC2771Context._contextSuffixLength();
    }
}
