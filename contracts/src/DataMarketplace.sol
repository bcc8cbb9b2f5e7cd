// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Context} from "@openzeppelin/contracts/utils/Context.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ConsentRegistry} from "./ConsentRegistry.sol";
import {IConsentRegistry} from "./interfaces/IConsentRegistry.sol";
import {IDataMarketplace} from "./interfaces/IDataMarketplace.sol";
import {ITrialConsentHooks} from "./interfaces/ITrialConsentHooks.sol";
import {ITrialRegistry} from "./interfaces/ITrialRegistry.sol";
import {CohortItems} from "./libraries/CohortItems.sol";
import {CohortProofs} from "./CohortProofs.sol";

/**
 * @title DataMarketplace
 * @notice Listings, cohort access requests with ERC-20 escrow, owner decisions, data-use
 * records, settlement and pull payments. Users act through the trusted forwarder, so
 * `_msgSender()` is the signer, not the relayer.
 *
 * Each item of a request is bound to the consent epoch in force when the request was made;
 * approval and data use need that epoch still in force, and settlement pays the owner only for
 * items delivered, or deliverable for the whole access window under that epoch.
 *
 * Money invariant: the token balance of this contract equals `totalEscrowed()` plus the sum of
 * all `balanceOf` (checked by the fuzzed sequence test). Tokens that deliver less than sent are
 * refused.
 */
contract DataMarketplace is
    IDataMarketplace,
    ConsentRegistry,
    ERC2771Context,
    AccessControlDefaultAdminRules,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @notice Fees above 10 % are refused.
    uint16 public constant MAX_FEE_BPS = 1_000;
    /// @notice One request names at most this many listings (fits one block).
    uint256 public constant MAX_ITEMS = 500;
    /// @notice Owners have this long to decide; undecided items are then refunded.
    uint40 public constant DECISION_PERIOD = 7 days;
    /// @notice One analysis costs this share of the request's escrow (10 %), paid per listing used.
    uint16 public constant ANALYSIS_FEE_BPS = 1_000;
    /// @notice May pause (as may the default admin); only the default admin unpauses.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    struct Listing {
        address owner;
        uint88 price;
        ListingStatus status;
    }

    /// @dev Read by every data use: the operator and the pause switch share one slot.
    struct Config {
        address operator;
        bool isPaused;
    }

    struct FeeTerms {
        address recipient;
        uint16 bps;
    }

    struct Request {
        address researcher;
        uint40 accessUntil;
        uint8 purpose;
        uint16 itemCount;
        uint16 openItems;
        bool isSettled;
        bytes32 itemsRoot;
        uint128 escrowed;
        uint40 createdAt;
        uint32 feeTermsId;
        uint16 analysisCredits;
    }

    /// @dev A recorded analysis; `paid` is the sum of the item shares settled so far. The items
    /// it used and those of it settled: bit (index % 256) of word index / 256.
    struct Analysis {
        bytes32 requestId;
        bytes32 outputHash;
        uint128 paid;
        uint16 epsilon;
        uint16 listings;
        uint16 settled;
        mapping(uint256 word => uint256) usedItems;
        mapping(uint256 word => uint256) settledItems;
    }

    struct RequestTotals {
        uint128 credited;
        uint128 fees;
    }

    /// @dev What requestAccess learns about its items in one pass.
    struct Assessment {
        uint256[] prices;
        ItemStatus[] statuses;
        bytes32 root;
        uint256 total;
        uint256 escrowedItems;
    }

    /// @dev What one settlement batch moves.
    struct Batch {
        uint256 credited;
        uint256 fees;
        uint256 refunded;
        uint256 feeBps;
        uint256 decisionDeadline;
        uint256 accessUntil;
        uint256 createdAt;
    }

    /// @dev A request's items, six per word: 37 bits each (status 2, delivered 1, consent tick 8,
    /// consent slot 26) and the access period's end in the top 32 bits, so that a data use
    /// reads one word of the request.
    uint256 private constant ITEMS_PER_WORD = 6;
    uint256 private constant ITEM_BITS = 37;
    uint256 private constant ITEM_MASK = (1 << ITEM_BITS) - 1;
    uint256 private constant DELIVERED = 4;
    uint256 private constant ACCESS_SHIFT = 224;

    IERC20 private immutable _token;
    /// @dev Checks settlement multiproofs (its own contract: the code size limit).
    CohortProofs private immutable _proofs;
    Config private _config;
    uint32 private _feeTermsId;
    uint256 private _totalEscrowed;

    mapping(uint32 feeTermsId => FeeTerms) private _feeTerms;
    mapping(bytes32 listingId => Listing) private _listings;
    mapping(bytes32 listingId => bytes32) private _dataRoots;
    mapping(bytes32 listingId => uint32) private _dataVersions;
    mapping(bytes32 listingId => mapping(uint32 version => bytes32)) private _rootHistory;
    mapping(bytes32 requestId => Request) private _requests;
    mapping(bytes32 requestId => RequestTotals) private _totals;
    mapping(bytes32 requestId => mapping(uint256 word => uint256)) private _items;
    mapping(bytes32 requestId => mapping(uint256 word => uint256)) private _settled;
    mapping(address account => uint256) private _balances;
    mapping(bytes32 requestId => mapping(bytes32 outputHash => bool)) private _outputs;
    mapping(bytes32 analysisId => Analysis) private _analyses;

    /**
     * @dev The admin is a two-step role (AccessControlDefaultAdminRules, one day to accept a
     * transfer). Emits {OperatorChanged} and {FeeUpdated} so auditors start from the logs.
     */
    constructor(
        address trustedForwarder,
        IERC20 paymentToken,
        ITrialRegistry registry,
        address admin,
        address dataUseOperator,
        address feeRecipient
    )
        ERC2771Context(trustedForwarder)
        ConsentRegistry(registry)
        AccessControlDefaultAdminRules(1 days, admin)
    {
        if (dataUseOperator == address(0) || feeRecipient == address(0)) revert ZeroAddress();
        _token = paymentToken;
        _proofs = new CohortProofs();
        _config = Config({operator: dataUseOperator, isPaused: false});
        emit OperatorChanged(address(0), dataUseOperator);
        _setFeeTerms(0, feeRecipient);
    }

    // ---------------------------------------------------------------- listings

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the id is new, the root non-zero, the price fits 88 bits, the consent
     * terms valid (see {grantConsent}). Emits {ListingCreated} and {ConsentGranted}.
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
            price: price.toUint88(),
            status: ListingStatus.Active
        });
        _dataRoots[listingId] = dataRoot;
        // The report hash is only emitted: auditors read it from the event.
        emit ListingCreated(listingId, owner, dataRoot, reportHash, price);
        _grantConsent(listingId, owner, consent, true);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller owns the listing; the price fits 88 bits. Requests already
     * open keep the price they escrowed; researchers cap new ones. Emits {ListingPriceUpdated}.
     */
    function updatePrice(bytes32 listingId, uint256 price) external {
        Listing storage listing = _ownedListing(listingId);
        listing.price = price.toUint88();
        emit ListingPriceUpdated(listingId, price);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller owns the listing and it is active. New requests exclude it;
     * items already approved stay usable under their consent epoch. Emits {ListingUnlisted}.
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
        _ownedListing(listingId);
        if (dataRoot == bytes32(0)) revert EmptyDataRoot();
        uint32 previous = _currentVersion(listingId);
        _rootHistory[listingId][previous] = _dataRoots[listingId];
        uint32 version = previous + 1;
        _dataVersions[listingId] = version;
        _dataRoots[listingId] = dataRoot;
        emit DataReanchored(listingId, version, dataRoot, reportHash);
    }

    // ---------------------------------------------------------------- requests

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: not paused; 1 to MAX_ITEMS listing ids in strictly increasing order, a
     * purpose below 32, an access period ending in the future, a total escrow of at most
     * `maxTotal`, and an allowance for it. Items whose listing is inactive, or whose consent is
     * not in force, does not permit the purpose or expires before `accessUntil`, are excluded
     * (not escrowed); auto-approving consents approve at once; the rest wait for their owners.
     * Emits {AccessRequested}.
     */
    function requestAccess(
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil,
        uint256 maxTotal
    ) external nonReentrant returns (bytes32) {
        return
            _requestAccess(
                _msgSender(),
                salt,
                listingIds,
                purpose,
                planHash,
                accessUntil,
                maxTotal
            );
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: those of {requestAccess}; the permit (for `maxTotal`, to this contract)
     * is tried and its failure ignored, so a front-run permit cannot block the request: only the
     * allowance counts. Emits {AccessRequested}.
     */
    function requestAccessWithPermit(
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil,
        uint256 maxTotal,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32) {
        address researcher = _msgSender();
        try
            IERC20Permit(address(_token)).permit(
                researcher,
                address(this),
                maxTotal,
                permitDeadline,
                v,
                r,
                s
            )
        {} catch {} // solhint-disable-line no-empty-blocks
        return
            _requestAccess(researcher, salt, listingIds, purpose, planHash, accessUntil, maxTotal);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: not paused; the item and proof match the request; the caller owns the
     * listing; the item is pending, the decision window open and the access period running;
     * approving needs the consent epoch the item was requested under still in force.
     * Emits {ItemDecided}.
     */
    function decide(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        bytes32[] calldata proof,
        bool approve
    ) external {
        _requireNotPaused();
        Request storage request = _requests[requestId];
        if (
            !MerkleProof.verifyCalldata(
                proof,
                request.itemsRoot,
                CohortItems.leaf(index, listingId, price)
            )
        ) revert InvalidItemProof(requestId, index);
        address caller = _msgSender();
        if (_listings[listingId].owner != caller) revert NotListingOwner(listingId, caller);
        (uint256 word, uint256 shift) = _itemWord(requestId, index);
        uint256 item = (word >> shift) & ITEM_MASK;
        ItemStatus status = ItemStatus(item & 3);
        if (status != ItemStatus.Pending) revert WrongItemStatus(requestId, index, status);
        if (block.timestamp > request.createdAt + DECISION_PERIOD)
            revert DecisionWindowClosed(requestId);
        if (block.timestamp > request.accessUntil) revert AccessPeriodEnded(requestId);
        if (approve && !_isTickLive(item >> 11, (item >> 3) & 0xff))
            revert ConsentEpochEnded(requestId, index);
        uint256 decided = uint256(approve ? ItemStatus.Approved : ItemStatus.Rejected);
        _items[requestId][index / ITEMS_PER_WORD] =
            (word & ~(uint256(3) << shift)) | (decided << shift);
        emit ItemDecided(requestId, index, listingId, approve);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller is the operator; not paused; the item is approved; the access
     * period is running; the consent epoch the item was requested under is still in force (so
     * consent was not revoked or granted again, the owner did not leave the linked trial and its
     * protocol was not amended since). Marks the item delivered. Emits {DataUseRecorded}.
     */
    function recordDataUse(bytes32 requestId, uint256 index, bytes32 extractRoot) external {
        Config memory config = _config;
        if (msg.sender != config.operator) revert NotOperator(msg.sender);
        if (config.isPaused) revert MarketplacePaused();
        (uint256 word, uint256 shift) = _itemWord(requestId, index);
        if (block.timestamp > word >> ACCESS_SHIFT) revert AccessPeriodEnded(requestId);
        uint256 item = (word >> shift) & ITEM_MASK;
        if (item & 3 != uint256(ItemStatus.Approved))
            revert WrongItemStatus(requestId, index, ItemStatus(item & 3));
        if (!_isTickLive(item >> 11, (item >> 3) & 0xff))
            revert ConsentEpochEnded(requestId, index);
        if (item & DELIVERED == 0)
            _items[requestId][index / ITEMS_PER_WORD] = word | (DELIVERED << shift);
        emit DataUseRecorded(requestId, index, extractRoot);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: a non-empty multiproof of the items' leaves; each item escrowed and not
     * yet settled; pending items only after the decision window (they expire); approved items
     * undelivered and still deliverable only after the access period. An approved item is paid
     * (less the fee fixed at request time) if delivered, or if its consent epoch outlasted the
     * access period; every other item is refunded. Any caller, any subset, any order.
     * Emits {ItemSettled} per item, {ItemExpired} per expired one, and {RequestSettled} with
     * the last item.
     *
     * Given an analysis id, settles items of that analysis instead (docs/contracts.md): each
     * item used by it and not settled for it before; its owner is credited the item's share
     * (ANALYSIS_FEE_BPS of its price) less the request's fee; the batch with the analysis's last
     * item refunds the researcher the rest of its cost (listings not used, rounding). Any time,
     * any caller. Emits {AnalysisSettled} per item and {AnalysisRefunded} with the last batch.
     */
    function settleItems(
        bytes32 requestId,
        uint256[] calldata indices,
        bytes32[] calldata listingIds,
        uint256[] calldata prices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external {
        // An analysis id settles that analysis's items of its request (one copy of the
        // multiproof check serves both: the code size limit).
        bytes32 analysisId;
        bytes32 analysed = _analyses[requestId].requestId;
        if (analysed != bytes32(0)) (analysisId, requestId) = (requestId, analysed);
        Request storage request = _requests[requestId];
        if (request.researcher == address(0)) revert UnknownRequest(requestId);
        uint256 count = _requireItems(
            request.itemsRoot,
            indices,
            listingIds,
            prices,
            proof,
            proofFlags
        );

        FeeTerms memory terms = _feeTerms[request.feeTermsId];
        Batch memory batch = Batch({
            credited: 0,
            fees: 0,
            refunded: 0,
            feeBps: terms.bps,
            decisionDeadline: request.createdAt + DECISION_PERIOD,
            accessUntil: request.accessUntil,
            createdAt: request.createdAt
        });
        if (analysisId == bytes32(0)) {
            for (uint256 k; k < count; ++k) {
                _settleItem(requestId, indices[k], listingIds[k], prices[k], batch);
            }
            _closeBatch(requestId, request, count, batch, terms.recipient);
        } else {
            for (uint256 k; k < count; ++k) {
                _settleAnalysisItem(analysisId, indices[k], listingIds[k], prices[k], batch);
            }
            _closeAnalysisBatch(requestId, analysisId, request, count, batch, terms.recipient);
        }
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the caller made the request; item `deliveredIndex` of it was delivered
     * (a data use was recorded), so only research that used data reports results; a non-zero
     * hash not registered against this request before (the same output twice is refused, so a
     * replayed or repeated registration cannot inflate a request's results). Allowed after the
     * access period and settlement (results come later) and while paused (it moves no money).
     * Only a hash reaches the chain. Emits {OutputRegistered}.
     */
    function registerOutput(
        bytes32 requestId,
        uint256 deliveredIndex,
        bytes32 outputHash
    ) external {
        address researcher = _requests[requestId].researcher;
        if (researcher == address(0)) revert UnknownRequest(requestId);
        address caller = _msgSender();
        if (caller != researcher) revert NotRequestResearcher(requestId, caller);
        (uint256 word, uint256 shift) = _itemWord(requestId, deliveredIndex);
        if ((word >> shift) & DELIVERED == 0) revert NoDataUse(requestId, deliveredIndex);
        if (outputHash == bytes32(0)) revert EmptyOutputHash();
        if (_outputs[requestId][outputHash]) revert OutputAlreadyRegistered(requestId, outputHash);
        _outputs[requestId][outputHash] = true;
        emit OutputRegistered(requestId, researcher, outputHash);
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

    // ---------------------------------------------------------------- analyses

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: not paused; the caller made the request; its access period is running;
     * 1 to 65,535 credits in all; the request escrowed something. Emits {AnalysesFunded}.
     */
    function fundAnalyses(bytes32 requestId, uint16 count) external {
        address researcher = _msgSender();
        _fundAnalyses(researcher, requestId, count, _analysisFeeOf(requestId) * count);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements, all or nothing: the caller is the operator; not paused; a new non-zero
     * analysis id, non-zero hashes, ε > 0; the request's access period running and a credit
     * left; per item (indices strictly ascending): approved, its consent epoch still in force
     * (tick live: so its purposes and expiry are those the request checked, and the consent slot
     * the item names is still its listing's), and `spent + epsilon <= budget`. Spends the ε of
     * every listing and one credit. Emits {AnalysisRecorded}.
     */
    function recordAnalysis(
        bytes32 requestId,
        bytes32 analysisId,
        bytes32 queryHash,
        bytes32 outputHash,
        uint16 epsilon,
        bytes calldata indices
    ) external {
        Config memory config = _config;
        if (msg.sender != config.operator) revert NotOperator(msg.sender);
        if (config.isPaused) revert MarketplacePaused();
        uint256 count = indices.length / 2;
        if (
            epsilon == 0 ||
            analysisId == bytes32(0) ||
            queryHash == bytes32(0) ||
            outputHash == bytes32(0) ||
            count == 0 ||
            indices.length % 2 != 0
        ) revert InvalidAnalysis();
        Analysis storage analysis = _analyses[analysisId];
        if (analysis.requestId != bytes32(0)) revert AnalysisAlreadyRecorded(analysisId);
        // settleItems reads an analysis id first: one equal to a request's id would take over
        // that request's settlement and hold its escrow.
        if (_requests[analysisId].researcher != address(0)) revert InvalidAnalysis();
        Request storage request = _requests[requestId];
        if (request.researcher == address(0)) revert UnknownRequest(requestId);
        if (block.timestamp > request.accessUntil) revert AccessPeriodEnded(requestId);
        uint256 credits = request.analysisCredits;
        if (credits == 0) revert NoAnalysisCredit(requestId);
        request.analysisCredits = uint16(credits - 1);
        _chargeItems(requestId, analysisId, epsilon, indices, count);
        analysis.requestId = requestId;
        analysis.outputHash = outputHash;
        analysis.epsilon = epsilon;
        analysis.listings = uint16(count);
        emit AnalysisRecorded(requestId, analysisId, queryHash, outputHash, epsilon, indices);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: the access period ended; credits left. Any caller; the researcher is
     * credited. Emits {AnalysisRefunded} with analysis id 0.
     */
    function refundAnalysisCredits(bytes32 requestId) external {
        // An unknown request has no credits.
        Request storage request = _requests[requestId];
        if (block.timestamp <= request.accessUntil) revert AccessPeriodRunning(requestId);
        uint256 credits = request.analysisCredits;
        if (credits == 0) revert NoAnalysisCredit(requestId);
        request.analysisCredits = 0;
        uint256 amount = credits * _analysisFee(request);
        _totalEscrowed -= amount;
        _balances[request.researcher] += amount;
        emit AnalysisRefunded(requestId, bytes32(0), amount);
    }

    // ---------------------------------------------------------------- administration

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: DEFAULT_ADMIN_ROLE; at most MAX_FEE_BPS; a non-zero recipient. Open
     * requests keep the fee and recipient they were made with. Emits {FeeUpdated}.
     */
    function setFee(uint16 feeBps, address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeTerms(feeBps, recipient);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: DEFAULT_ADMIN_ROLE; a non-zero address. Takes effect at once, also for
     * open requests (a leaked operator key is replaced, not waited out). Emits {OperatorChanged}.
     */
    function setOperator(address newOperator) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newOperator == address(0)) revert ZeroAddress();
        address previous = _config.operator;
        _config.operator = newOperator;
        emit OperatorChanged(previous, newOperator);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: PAUSER_ROLE or DEFAULT_ADMIN_ROLE. Consent changes, settlement and
     * withdrawals stay open. Emits {Paused}.
     */
    function pause() external {
        address caller = _msgSender();
        if (!hasRole(PAUSER_ROLE, caller) && !hasRole(DEFAULT_ADMIN_ROLE, caller))
            revert NotPauser(caller);
        _config.isPaused = true;
        emit Paused(caller);
    }

    /**
     * @inheritdoc IDataMarketplace
     * @dev Requirements: DEFAULT_ADMIN_ROLE. Emits {Unpaused}.
     */
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _config.isPaused = false;
        emit Unpaused(_msgSender());
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
        return (listing.owner, _dataRoots[listingId], listing.price, listing.status, dataVersion);
    }

    /// @inheritdoc IDataMarketplace
    function dataRootAt(bytes32 listingId, uint32 version) external view returns (bytes32) {
        uint32 current = _currentVersion(listingId);
        if (version == current) return _dataRoots[listingId];
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
            request.createdAt == 0 ? 0 : request.createdAt + DECISION_PERIOD,
            request.itemsRoot,
            request.itemCount,
            request.escrowed,
            request.isSettled
        );
    }

    /// @inheritdoc IDataMarketplace
    function itemStatus(bytes32 requestId, uint256 index) external view returns (ItemStatus) {
        (uint256 word, uint256 shift) = _itemWord(requestId, index);
        ItemStatus status = ItemStatus((word >> shift) & 3);
        if (
            status == ItemStatus.Pending &&
            block.timestamp > _requests[requestId].createdAt + DECISION_PERIOD
        ) return ItemStatus.Expired;
        return status;
    }

    /// @inheritdoc IDataMarketplace
    function itemState(
        bytes32 requestId,
        uint256 index
    ) external view returns (bool isDelivered, bool isSettled, bool isConsentInForce) {
        (uint256 word, uint256 shift) = _itemWord(requestId, index);
        uint256 item = (word >> shift) & ITEM_MASK;
        isDelivered = item & DELIVERED != 0;
        isSettled = (_settled[requestId][index >> 8] >> (index & 255)) & 1 == 1;
        isConsentInForce = item != 0 && _isTickLive(item >> 11, (item >> 3) & 0xff);
    }

    /// @inheritdoc IDataMarketplace
    function isOutputRegistered(
        bytes32 requestId,
        bytes32 outputHash
    ) external view returns (bool) {
        return _outputs[requestId][outputHash];
    }

    /// @inheritdoc IDataMarketplace
    function analysisCredits(
        bytes32 requestId
    ) external view returns (uint16 credits, uint256 fee) {
        Request storage request = _requests[requestId];
        return (request.analysisCredits, _analysisFee(request));
    }

    /// @inheritdoc IDataMarketplace
    function analysisOf(
        bytes32 analysisId
    )
        external
        view
        returns (
            bytes32 requestId,
            bytes32 outputHash,
            uint16 epsilon,
            uint16 listings,
            uint16 settled
        )
    {
        Analysis storage analysis = _analyses[analysisId];
        return (
            analysis.requestId,
            analysis.outputHash,
            analysis.epsilon,
            analysis.listings,
            analysis.settled
        );
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

    /// @notice The account allowed to record data uses, and whether the marketplace is paused.
    function operator() external view returns (address account, bool isPaused) {
        Config memory config = _config;
        return (config.operator, config.isPaused);
    }

    /// @notice The fee for new requests and who receives it.
    function fee() external view returns (uint16 feeBps, address recipient) {
        FeeTerms memory terms = _feeTerms[_feeTermsId];
        return (terms.bps, terms.recipient);
    }

    /// @inheritdoc AccessControlDefaultAdminRules
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IDataMarketplace).interfaceId ||
            interfaceId == type(IConsentRegistry).interfaceId ||
            interfaceId == type(ITrialConsentHooks).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internals

    function _requestAccess(
        address researcher,
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil,
        uint256 maxTotal
    ) private returns (bytes32 requestId) {
        _requireNotPaused();
        uint256 count = listingIds.length;
        if (count == 0 || count > MAX_ITEMS) revert InvalidItems();
        if (purpose >= 32) revert InvalidPurpose(purpose);
        if (accessUntil <= block.timestamp || accessUntil > type(uint32).max)
            revert InvalidAccessPeriod(accessUntil);
        requestId = requestIdFor(researcher, salt);
        Request storage request = _requests[requestId];
        if (request.researcher != address(0)) revert RequestAlreadyExists(requestId);

        Assessment memory items = _assessItems(requestId, listingIds, purpose, accessUntil);
        if (items.total > maxTotal) revert PriceAboveMaximum(items.total, maxTotal);
        bool isSettled = items.escrowedItems == 0;
        _requests[requestId] = Request({
            researcher: researcher,
            accessUntil: accessUntil,
            purpose: purpose,
            itemCount: uint16(count),
            openItems: uint16(items.escrowedItems),
            isSettled: isSettled,
            itemsRoot: items.root,
            escrowed: items.total.toUint128(),
            createdAt: uint40(block.timestamp),
            feeTermsId: _feeTermsId,
            analysisCredits: 0
        });
        _totalEscrowed += items.total;
        emit AccessRequested(
            requestId,
            researcher,
            purpose,
            planHash,
            accessUntil,
            uint40(block.timestamp) + DECISION_PERIOD,
            items.total,
            items.root,
            listingIds,
            items.prices,
            items.statuses
        );
        if (isSettled) emit RequestSettled(requestId, 0, 0, 0, _feeTerms[_feeTermsId].recipient);
        if (items.total != 0) _pullExactly(researcher, items.total);
    }

    /**
     * @dev One pass over a new request's items: ids strictly increasing, each item's status
     * from its listing and consent, the escrow total, the items' Merkle root, and the item
     * words written.
     */
    function _assessItems(
        bytes32 requestId,
        bytes32[] calldata listingIds,
        uint8 purpose,
        uint40 accessUntil
    ) private returns (Assessment memory items) {
        uint256 count = listingIds.length;
        items.prices = new uint256[](count);
        items.statuses = new ItemStatus[](count);
        bytes32[] memory tree = new bytes32[](2 * count - 1);
        uint256 word;
        bytes32 previous;
        for (uint256 index; index < count; ++index) {
            bytes32 listingId = listingIds[index];
            if (index != 0 && listingId <= previous) revert InvalidItems();
            previous = listingId;
            Listing memory listing = _listings[listingId];
            ItemStatus status = ItemStatus.Excluded;
            if (listing.status == ListingStatus.Active) {
                (uint256 itemRef, bool autoApprove) = _requestableItem(
                    listingId,
                    purpose,
                    accessUntil
                );
                if (itemRef != 0) {
                    status = autoApprove ? ItemStatus.Approved : ItemStatus.Pending;
                    items.total += listing.price;
                    ++items.escrowedItems;
                    word |=
                        ((itemRef << 3) | uint256(status)) <<
                        ((index % ITEMS_PER_WORD) * ITEM_BITS);
                }
            }
            items.prices[index] = listing.price;
            items.statuses[index] = status;
            tree[2 * count - 2 - index] = CohortItems.leaf(index, listingId, listing.price);
            if (index % ITEMS_PER_WORD == ITEMS_PER_WORD - 1 || index == count - 1) {
                if (word != 0)
                    _items[requestId][index / ITEMS_PER_WORD] =
                        word | (uint256(accessUntil) << ACCESS_SHIFT);
                word = 0;
            }
        }
        items.root = CohortItems.rootOfHeap(tree, count);
    }

    function _settleItem(
        bytes32 requestId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        Batch memory batch
    ) private {
        uint256 settledWord = _settled[requestId][index >> 8];
        uint256 bit = 1 << (index & 255);
        if (settledWord & bit != 0) revert AlreadySettled(requestId, index);
        _settled[requestId][index >> 8] = settledWord | bit;

        (uint256 word, uint256 shift) = _itemWord(requestId, index);
        uint256 item = (word >> shift) & ITEM_MASK;
        ItemStatus status = ItemStatus(item & 3);
        bool isPaid;
        if (status == ItemStatus.Excluded) {
            revert WrongItemStatus(requestId, index, status);
        } else if (status == ItemStatus.Pending) {
            if (block.timestamp <= batch.decisionDeadline)
                revert SettlementTooEarly(requestId, index);
            emit ItemExpired(requestId, index, listingId);
        } else if (status == ItemStatus.Approved) {
            if (item & DELIVERED != 0) {
                isPaid = true;
            } else {
                uint256 endedAt = _epochEndedAt(
                    item >> 11,
                    (item >> 3) & 0xff,
                    listingId,
                    batch.createdAt
                );
                if (endedAt == type(uint256).max && block.timestamp <= batch.accessUntil)
                    revert SettlementTooEarly(requestId, index);
                isPaid = endedAt > batch.accessUntil;
            }
        }
        address owner = _listings[listingId].owner;
        if (isPaid) {
            uint256 itemFee = (price * batch.feeBps) / 10_000;
            uint256 credit = price - itemFee;
            _balances[owner] += credit;
            batch.credited += credit;
            batch.fees += itemFee;
            emit ItemSettled(requestId, index, listingId, owner, credit, itemFee, 0);
        } else {
            batch.refunded += price;
            emit ItemSettled(requestId, index, listingId, owner, 0, 0, price);
        }
    }

    /// @dev Books a settled batch: escrow released, refunds and fees credited, totals kept.
    function _closeBatch(
        bytes32 requestId,
        Request storage request,
        uint256 count,
        Batch memory batch,
        address feeRecipient
    ) private {
        uint256 open = request.openItems - count;
        request.openItems = uint16(open);
        _totalEscrowed -= batch.credited + batch.fees + batch.refunded;
        if (batch.refunded != 0) _balances[request.researcher] += batch.refunded;
        if (batch.fees != 0) _balances[feeRecipient] += batch.fees;
        RequestTotals storage totals = _totals[requestId];
        uint256 credited = totals.credited + batch.credited;
        uint256 fees = totals.fees + batch.fees;
        totals.credited = uint128(credited);
        totals.fees = uint128(fees);
        if (open == 0) {
            request.isSettled = true;
            uint256 refunded = request.escrowed - credited - fees;
            emit RequestSettled(requestId, credited, refunded, fees, feeRecipient);
        }
    }

    function _fundAnalyses(
        address researcher,
        bytes32 requestId,
        uint16 count,
        uint256 amount
    ) private {
        _requireNotPaused();
        Request storage request = _requests[requestId];
        if (researcher != request.researcher) revert NotRequestResearcher(requestId, researcher);
        if (block.timestamp > request.accessUntil) revert AccessPeriodEnded(requestId);
        if (count == 0 || amount == 0) revert InvalidAnalysis();
        request.analysisCredits = (uint256(request.analysisCredits) + count).toUint16();
        _totalEscrowed += amount;
        emit AnalysesFunded(requestId, count, amount);
        _pullExactly(researcher, amount);
    }

    /**
     * @dev The per-item checks and charges of {recordAnalysis}. Items are ascending, so each
     * word of the request's items is read once; the items used are written as a bitmap.
     */
    function _chargeItems(
        bytes32 requestId,
        bytes32 analysisId,
        uint16 epsilon,
        bytes calldata indices,
        uint256 count
    ) private {
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        uint256 usedWord;
        uint256 used;
        uint256 previous;
        for (uint256 k; k < count; ++k) {
            // Nothing below can overflow: index < 2**16, shifts and divisions by constants
            // (the called functions keep their own checks). Saves ~50 gas per item.
            unchecked {
                uint256 index;
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    index := shr(240, calldataload(add(indices.offset, mul(k, 2))))
                }
                if (k != 0 && index <= previous) revert InvalidAnalysis();
                previous = index;
                if (index / ITEMS_PER_WORD != wordIndex) {
                    wordIndex = index / ITEMS_PER_WORD;
                    word = _items[requestId][wordIndex];
                }
                uint256 item = (word >> ((index % ITEMS_PER_WORD) * ITEM_BITS)) & ITEM_MASK;
                if (item & 3 != uint256(ItemStatus.Approved))
                    revert WrongItemStatus(requestId, index, ItemStatus(item & 3));
                if (!_isTickLive(item >> 11, (item >> 3) & 0xff))
                    revert ConsentEpochEnded(requestId, index);
                if (!_spendBudget(item >> 11, epsilon)) revert BudgetExhausted(requestId, index);
                if (index >> 8 != usedWord && used != 0) {
                    _analyses[analysisId].usedItems[usedWord] = used;
                    used = 0;
                }
                usedWord = index >> 8;
                used |= 1 << (index & 255);
            }
        }
        _analyses[analysisId].usedItems[usedWord] = used;
    }

    /// @dev Pays one item an analysis used its share (less the fee); once per analysis.
    function _settleAnalysisItem(
        bytes32 analysisId,
        uint256 index,
        bytes32 listingId,
        uint256 price,
        Batch memory batch
    ) private {
        Analysis storage analysis = _analyses[analysisId];
        uint256 bit = 1 << (index & 255);
        if (analysis.usedItems[index >> 8] & bit == 0) revert NotInAnalysis(analysisId, index);
        uint256 settled = analysis.settledItems[index >> 8];
        if (settled & bit != 0) revert AlreadySettled(analysisId, index);
        analysis.settledItems[index >> 8] = settled | bit;
        uint256 share = (price * ANALYSIS_FEE_BPS) / 10_000;
        uint256 itemFee = (share * batch.feeBps) / 10_000;
        _balances[_listings[listingId].owner] += share - itemFee;
        batch.credited += share - itemFee;
        batch.fees += itemFee;
        emit AnalysisSettled(analysisId, index, listingId, share - itemFee);
    }

    /**
     * @dev Books an analysis batch: shares leave escrow; with the analysis's last item, what it
     * cost beyond the shares paid (listings not used, rounding) returns to the researcher.
     */
    function _closeAnalysisBatch(
        bytes32 requestId,
        bytes32 analysisId,
        Request storage request,
        uint256 count,
        Batch memory batch,
        address feeRecipient
    ) private {
        Analysis storage analysis = _analyses[analysisId];
        uint256 released = batch.credited + batch.fees;
        if (batch.fees != 0) _balances[feeRecipient] += batch.fees;
        uint256 paid = analysis.paid + released;
        uint256 settled = analysis.settled + count;
        analysis.paid = uint128(paid);
        analysis.settled = uint16(settled);
        if (settled == analysis.listings) {
            uint256 refund = _analysisFee(request) - paid;
            if (refund != 0) {
                _balances[request.researcher] += refund;
                released += refund;
                emit AnalysisRefunded(requestId, analysisId, refund);
            }
        }
        _totalEscrowed -= released;
    }

    function _analysisFeeOf(bytes32 requestId) private view returns (uint256) {
        return _analysisFee(_requests[requestId]);
    }

    function _analysisFee(Request storage request) private view returns (uint256) {
        return (uint256(request.escrowed) * ANALYSIS_FEE_BPS) / 10_000;
    }

    /// @dev Checks a non-empty multiproof of the items' leaves over `root`; returns their count.
    function _requireItems(
        bytes32 root,
        uint256[] calldata indices,
        bytes32[] calldata listingIds,
        uint256[] calldata prices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) private view returns (uint256 count) {
        count = indices.length;
        if (
            count == 0 ||
            listingIds.length != count ||
            prices.length != count ||
            !_proofs.verifyItems(root, indices, listingIds, prices, proof, proofFlags)
        ) revert InvalidItems();
    }

    /// @dev Pulls `amount` and checks that exactly that much arrived.
    function _pullExactly(address from, uint256 amount) private {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert TokenTransferShortfall(amount, received);
    }

    function _setFeeTerms(uint16 feeBps, address recipient) private {
        if (feeBps > MAX_FEE_BPS) revert FeeTooHigh(feeBps);
        if (recipient == address(0)) revert ZeroAddress();
        uint32 id = _feeTermsId + 1;
        _feeTermsId = id;
        _feeTerms[id] = FeeTerms({recipient: recipient, bps: feeBps});
        emit FeeUpdated(feeBps, recipient);
    }

    function _requireNotPaused() private view {
        if (_config.isPaused) revert MarketplacePaused();
    }

    function _itemWord(
        bytes32 requestId,
        uint256 index
    ) private view returns (uint256 word, uint256 shift) {
        word = _items[requestId][index / ITEMS_PER_WORD];
        shift = (index % ITEMS_PER_WORD) * ITEM_BITS;
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
