// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IConsentRegistry} from "./IConsentRegistry.sol";
import {IPaymentErrors} from "./IPaymentErrors.sol";

/**
 * @notice Dataset listings anchored by the Merkle root of their de-identified records, cohort
 * access requests paid into escrow, owner decisions, data-use records and pull payments.
 *
 * A request's items are committed as a Merkle root over leaves (index, listingId, price) in the
 * encoding of OpenZeppelin's StandardMerkleTree ["uint256","bytes32","uint256"], unsorted;
 * decisions and settlement name items by leaf and proof. Payment rule: an owner is paid for an
 * item only if it was delivered (a data use recorded) or stayed deliverable for the whole access
 * window under the consent epoch it was approved with; everything else is refunded.
 */
interface IDataMarketplace is IConsentRegistry, IPaymentErrors {
    enum ListingStatus {
        None,
        Active,
        Unlisted
    }

    /// @dev Excluded items were never escrowed; Expired is a pending item past its deadline.
    enum ItemStatus {
        Excluded,
        Pending,
        Approved,
        Rejected,
        Expired
    }

    /// @dev A listing with this id already exists.
    error ListingAlreadyExists(bytes32 listingId);
    /// @dev No listing has this id.
    error UnknownListing(bytes32 listingId);
    /// @dev A listing must anchor a non-zero data root.
    error EmptyDataRoot();
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
    /// @dev The access period must end in the future (and before 2106).
    error InvalidAccessPeriod(uint40 accessUntil);
    /// @dev The listings cost more than the researcher's maximum.
    error PriceAboveMaximum(uint256 total, uint256 maxTotal);
    /// @dev The item and proof do not match the request's committed items.
    error InvalidItemProof(bytes32 requestId, uint256 index);
    /// @dev The item is not in the status this action needs.
    error WrongItemStatus(bytes32 requestId, uint256 index, ItemStatus status);
    /// @dev The consent epoch the item was requested under has ended.
    error ConsentEpochEnded(bytes32 requestId, uint256 index);
    /// @dev The owner's decision window for this request has closed.
    error DecisionWindowClosed(bytes32 requestId);
    /// @dev The request's access period has ended.
    error AccessPeriodEnded(bytes32 requestId);
    /// @dev The item cannot be settled yet (pending, or approved, undelivered and deliverable).
    error SettlementTooEarly(bytes32 requestId, uint256 index);
    /// @dev The item was already settled.
    error AlreadySettled(bytes32 requestId, uint256 index);
    /// @dev Fees are capped at MAX_FEE_BPS.
    error FeeTooHigh(uint16 feeBps);
    /// @dev Fees and the operator need a non-zero address.
    error ZeroAddress();
    /// @dev Only the operator records data uses.
    error NotOperator(address caller);
    /// @dev The marketplace is paused.
    error MarketplacePaused();
    /// @dev The caller may not pause the marketplace.
    error NotPauser(address caller);
    /// @dev Only the researcher who made the request registers its outputs.
    error NotRequestResearcher(bytes32 requestId, address caller);
    /// @dev An output is registered only against an item whose data was delivered (a data use).
    error NoDataUse(bytes32 requestId, uint256 index);
    /// @dev An output needs a non-zero hash.
    error EmptyOutputHash();
    /// @dev This output (its hash) is already registered against the request.
    error OutputAlreadyRegistered(bytes32 requestId, bytes32 outputHash);
    /// @dev An analysis id is recorded once: a replayed record is refused.
    error AnalysisAlreadyRecorded(bytes32 analysisId);
    /// @dev The request has no prepaid analysis left (see {fundAnalyses}).
    error NoAnalysisCredit(bytes32 requestId);
    /// @dev An analysis needs ε > 0, non-zero hashes and 1 to MAX_ITEMS items, ascending.
    error InvalidAnalysis();
    /// @dev No analysis was recorded under this id.
    error UnknownAnalysis(bytes32 analysisId);
    /// @dev The item did not take part in the analysis.
    error NotInAnalysis(bytes32 analysisId, uint256 index);
    /// @dev Unused analysis credits are returned only after the access period.
    error AccessPeriodRunning(bytes32 requestId);

    /// @notice A participant anchored a new listing: its data root and the hash of its
    /// de-identification report (its consent follows in ConsentGranted).
    event ListingCreated(
        bytes32 indexed listingId,
        address indexed owner,
        bytes32 dataRoot,
        bytes32 reportHash,
        uint256 price
    );
    /// @notice The owner changed the price of a listing (open requests keep theirs).
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
    /// @notice The operator delivered item `index` (its listing is in AccessRequested);
    /// `extractRoot` is the root of what was sent.
    event DataUseRecorded(bytes32 indexed requestId, uint256 index, bytes32 extractRoot);
    /// @notice A pending item was not decided in time and was refunded.
    event ItemExpired(bytes32 indexed requestId, uint256 index, bytes32 indexed listingId);
    /// @notice An item was settled: the owner was credited (less the fee) or the researcher
    /// refunded.
    event ItemSettled(
        bytes32 indexed requestId,
        uint256 index,
        bytes32 indexed listingId,
        address indexed owner,
        uint256 credited,
        uint256 fee,
        uint256 refunded
    );
    /// @notice The last item of a request was settled: escrowed = credited + refunded + fee.
    event RequestSettled(
        bytes32 indexed requestId,
        uint256 credited,
        uint256 refunded,
        uint256 fee,
        address feeRecipient
    );
    /// @notice The researcher registered an output (a publication, preprint or summary) of a
    /// request whose data was used; `outputHash` commits to its description, kept off chain.
    event OutputRegistered(
        bytes32 indexed requestId,
        address indexed researcher,
        bytes32 outputHash
    );
    /// @notice An account withdrew its credited balance.
    event Withdrawn(address indexed account, uint256 amount);
    /// @notice The researcher prepaid `count` analyses of the request, `amount` in escrow.
    event AnalysesFunded(bytes32 indexed requestId, uint16 count, uint256 amount);
    /// @notice The operator recorded an analysis: `epsilon` centi-ε charged to each item in
    /// `indices` (packed uint16, ascending); the released output hashes to `outputHash`.
    event AnalysisRecorded(
        bytes32 indexed requestId,
        bytes32 indexed analysisId,
        bytes32 queryHash,
        bytes32 outputHash,
        uint16 epsilon,
        bytes indices
    );
    /// @notice An item of an analysis was paid: `credited` to the listing owner (fee deducted).
    event AnalysisSettled(
        bytes32 indexed analysisId,
        uint256 index,
        bytes32 listingId,
        uint256 credited
    );
    /// @notice Analysis money returned to the researcher: the share of listings an analysis
    /// did not use (`analysisId` set), or credits unused when the access period ended (0).
    event AnalysisRefunded(bytes32 indexed requestId, bytes32 indexed analysisId, uint256 amount);
    /// @notice The platform fee for new requests and who receives it.
    event FeeUpdated(uint16 feeBps, address recipient);
    /// @notice The account that records data uses changed.
    event OperatorChanged(address indexed previousOperator, address indexed newOperator);
    /// @notice Requests, decisions and data uses were paused.
    event Paused(address account);
    /// @notice Requests, decisions and data uses resumed.
    event Unpaused(address account);

    /// @notice Anchors a listing owned by the caller with its first consent epoch;
    /// id = listingIdFor(caller, salt).
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

    /// @notice Opens a cohort request over `listingIds` (strictly increasing) and escrows the
    /// total, which must not exceed `maxTotal`.
    function requestAccess(
        bytes32 salt,
        bytes32[] calldata listingIds,
        uint8 purpose,
        bytes32 planHash,
        uint40 accessUntil,
        uint256 maxTotal
    ) external returns (bytes32 requestId);

    /// @notice requestAccess after an EIP-2612 permit for `maxTotal`, in one call; a permit
    /// already used (say, copied from the mempool) is ignored.
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

    /// @notice Records a delivery of approved item `index`; operator only.
    function recordDataUse(bytes32 requestId, uint256 index, bytes32 extractRoot) external;

    /// @notice Settles the given items (a multiproof of their leaves): owners credited for
    /// items delivered or deliverable for the whole window, the rest refunded. Given an
    /// analysis id instead of a request id, settles that analysis's items of its request: each
    /// owner credited its share, the last batch refunding the rest of the analysis's cost.
    function settleItems(
        bytes32 requestId,
        uint256[] calldata indices,
        bytes32[] calldata listingIds,
        uint256[] calldata prices,
        bytes32[] calldata proof,
        bool[] calldata proofFlags
    ) external;

    /// @notice Prepays `count` analyses of the researcher's request: escrows count ×
    /// {analysisFee}.
    function fundAnalyses(bytes32 requestId, uint16 count) external;

    /// @notice Operator only: charges `epsilon` centi-ε to the listing of every item of
    /// `indices` (packed uint16, ascending), and uses one credit.
    function recordAnalysis(
        bytes32 requestId,
        bytes32 analysisId,
        bytes32 queryHash,
        bytes32 outputHash,
        uint16 epsilon,
        bytes calldata indices
    ) external;

    /// @notice After the access period, returns the request's unused analysis credits.
    function refundAnalysisCredits(bytes32 requestId) external;

    /// @notice Prepaid analyses of a request not used yet, and the price of one: ANALYSIS_FEE_BPS
    /// of the request's escrow.
    function analysisCredits(bytes32 requestId) external view returns (uint16 credits, uint256 fee);

    /// @notice A recorded analysis: its request, output hash, ε, items used and items settled.
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
        );

    /// @notice The request's researcher registers the hash of an output of the research, naming
    /// an item whose data was delivered (`deliveredIndex`) as proof that data was used.
    function registerOutput(bytes32 requestId, uint256 deliveredIndex, bytes32 outputHash) external;

    /// @notice Whether `outputHash` is registered against the request.
    function isOutputRegistered(bytes32 requestId, bytes32 outputHash) external view returns (bool);

    /// @notice Sends the caller their whole credited balance.
    function withdraw() external;

    /// @notice Sets the platform fee (basis points) for future requests and who receives it.
    function setFee(uint16 feeBps, address recipient) external;

    /// @notice Replaces the account that records data uses.
    function setOperator(address newOperator) external;

    /// @notice Stops new requests, decisions and data uses.
    function pause() external;

    /// @notice Lets requests, decisions and data uses resume.
    function unpause() external;

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

    /// @notice The status of item `index` of a request (Expired once a pending item's decision
    /// window has closed).
    function itemStatus(bytes32 requestId, uint256 index) external view returns (ItemStatus);

    /// @notice Whether item `index` was delivered, settled, and whether the consent epoch it was
    /// requested under is still in force.
    function itemState(
        bytes32 requestId,
        uint256 index
    ) external view returns (bool isDelivered, bool isSettled, bool isConsentInForce);

    /// @notice Credited, not yet withdrawn balance of `account`.
    function balanceOf(address account) external view returns (uint256);

    /// @notice Escrow of items not yet settled (the rest of the token balance is credited).
    function totalEscrowed() external view returns (uint256);
}
