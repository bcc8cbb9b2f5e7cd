// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IConsentRegistry} from "./interfaces/IConsentRegistry.sol";
import {ITrialConsentHooks} from "./interfaces/ITrialConsentHooks.sol";
import {ITrialRegistry} from "./interfaces/ITrialRegistry.sol";

/**
 * @title ConsentRegistry
 * @notice Consent per listing and per epoch, kept in the marketplace's own storage (the
 * marketplace inherits this contract) so that requests, approvals and data uses read it without
 * calling another contract.
 *
 * Whether an epoch is still in force is one byte, its "tick", in a shard word of 32 listing
 * slots: odd while in force, moved on (to even) when the epoch ends. Requests remember the slot
 * and tick of each item, so a data use reads one shard word to know that the epoch it was
 * approved under never ended. Revocation, a new grant, the owner's withdrawal from the linked
 * trial and an amendment of its protocol all move ticks on; an amendment moves every live tick
 * of the trial's shards at once, which is why a trial holds at most MAX_TRIAL_SHARDS shards.
 *
 * A listing's privacy budget (total and spent, 16 bits each, centi-ε) is kept by its slot, eight
 * slots to a word, so an analysis charges the items of a request from their slot ids alone: the
 * listings of a trial share words, and charging 500 of them touches about 63 words, not 500.
 * A listing that moves to a new slot takes its budget along.
 */
abstract contract ConsentRegistry is IConsentRegistry, ITrialConsentHooks {
    /// @dev The latest consent of a listing, in one storage slot.
    struct Consent {
        uint32 purposes;
        uint40 expiresAt;
        uint32 trialNumber;
        /// @dev The trial protocol version consented to; 0 when unlinked or after withdrawal.
        uint32 protocolVersion;
        uint32 epoch;
        uint32 slotId;
        uint8 tick;
        bool autoApprove;
        bool isRevoked;
    }

    /// @dev The marketplace's copy of a trial's protocol version and its open shard.
    struct TrialState {
        uint32 version;
        uint32 openShard;
        uint8 openUsed;
    }

    /// @notice One enrolment links at most this many listings (withdrawal and re-consent visit each).
    uint256 public constant MAX_LINKED_LISTINGS = 16;
    /// @notice Shards of 32 listing slots a trial may hold (an amendment rewrites each).
    uint256 public constant MAX_TRIAL_SHARDS = 1_000;

    uint256 internal constant SLOTS_PER_SHARD = 32;
    /// @dev Budget lanes per word: total in the high and spent in the low 16 bits of 32.
    uint256 private constant BUDGETS_PER_WORD = 8;
    /// @dev Slot ids are stored in 26 bits of a request's item word.
    uint256 private constant MAX_SHARDS = 1 << 21;
    /// @dev The highest tick in force; an epoch that would need more moves to a new slot.
    uint256 private constant LAST_TICK = 253;
    /// @dev Bit 0 of every tick byte: adding `word & ODD_TICKS` ends every epoch in a shard.
    uint256 private constant ODD_TICKS =
        0x0101010101010101010101010101010101010101010101010101010101010101;

    ITrialRegistry private immutable _registry;
    uint32 private _shardCount;

    mapping(bytes32 listingId => Consent) private _consents;
    mapping(bytes32 listingId => bytes32) private _termsHashes;
    mapping(uint256 shard => uint256) private _ticks;
    /// @dev Privacy budgets by slot id / BUDGETS_PER_WORD. Spent survives every new grant.
    mapping(uint256 word => uint256) private _budgets;
    /// @dev When an epoch was ended by its owner (revocation, new grant, withdrawal): six
    /// 40-bit timestamps per word, by tick. Ends by amendment are read from `_amendedAt`.
    mapping(uint256 slotId => mapping(uint256 group => uint256)) private _tickEnds;
    mapping(uint32 trialNumber => TrialState) private _trials;
    mapping(uint32 trialNumber => bytes32) private _trialIds;
    mapping(uint32 trialNumber => uint32[]) private _trialShards;
    mapping(uint32 trialNumber => mapping(uint32 version => uint40)) private _amendedAt;
    mapping(uint32 trialNumber => mapping(address owner => bytes32[])) private _linkedListings;

    constructor(ITrialRegistry registry) {
        _registry = registry;
    }

    modifier onlyRegistry() {
        if (msg.sender != address(_registry)) revert NotTrialRegistry(msg.sender);
        _;
    }

    /// @dev The owner of `listingId`; reverts for unknown listings.
    function _ownerOf(bytes32 listingId) internal view virtual returns (address);

    /// @dev The account on whose behalf the call is made (ERC-2771 aware in the marketplace).
    function _consentCaller() internal view virtual returns (address);

    // ---------------------------------------------------------------- owners

    /**
     * @inheritdoc IConsentRegistry
     * @dev Requirements: the caller owns the listing; the terms allow a purpose, expire in the
     * future, name a terms hash, and keep the listing's trial; a linked listing's owner is
     * actively enrolled on the trial's current protocol version, which the terms name. Ends the
     * epoch in force, if any. Emits {ConsentGranted}.
     */
    function grantConsent(bytes32 listingId, ConsentTerms calldata terms) external {
        address owner = _requireOwner(listingId);
        _grantConsent(listingId, owner, terms, false);
    }

    /**
     * @inheritdoc IConsentRegistry
     * @dev Requirements: the caller owns the listing and has not revoked already.
     * Emits {ConsentRevoked}.
     */
    function revokeConsent(bytes32 listingId) external {
        address owner = _requireOwner(listingId);
        Consent storage consent = _consents[listingId];
        if (consent.isRevoked) revert ConsentAlreadyRevoked(listingId);
        consent.isRevoked = true;
        _endTick(consent);
        emit ConsentRevoked(listingId, owner, consent.epoch);
    }

    // ---------------------------------------------------------------- trial registry hooks

    /**
     * @inheritdoc ITrialConsentHooks
     * @dev Requirements: called by the trial registry. Emits nothing (TrialRegistered is the
     * registry's).
     */
    function onTrialRegistered(bytes32 trialId, uint32 trialNumber) external onlyRegistry {
        _trials[trialNumber].version = 1;
        _trialIds[trialNumber] = trialId;
    }

    /**
     * @inheritdoc ITrialConsentHooks
     * @dev Requirements: called by the trial registry. Every tick in force in the trial's shards
     * moves on. Emits {TrialConsentsEnded}.
     */
    function onTrialAmended(
        bytes32 trialId,
        uint32 trialNumber,
        uint32 version
    ) external onlyRegistry {
        _trials[trialNumber].version = version;
        _amendedAt[trialNumber][version] = uint40(block.timestamp);
        uint32[] storage shards = _trialShards[trialNumber];
        uint256 count = shards.length;
        for (uint256 index; index < count; ++index) {
            uint256 shard = shards[index];
            uint256 ticks = _ticks[shard];
            uint256 live = ticks & ODD_TICKS;
            // Ticks in force are odd and at most 253, so no byte carries into the next.
            if (live != 0) _ticks[shard] = ticks + live;
        }
        emit TrialConsentsEnded(trialId, version);
    }

    /**
     * @inheritdoc ITrialConsentHooks
     * @dev Requirements: called by the trial registry. Listings the owner revoked, whose consent
     * expired or that were suspended stay as they are. Emits {ConsentGranted} per new epoch.
     */
    function onReconsented(
        bytes32 trialId,
        uint32 trialNumber,
        address participant,
        uint32 version
    ) external onlyRegistry {
        bytes32[] storage listings = _linkedListings[trialNumber][participant];
        for (uint256 index; index < listings.length; ++index) {
            bytes32 listingId = listings[index];
            Consent storage consent = _consents[listingId];
            if (
                consent.isRevoked ||
                consent.protocolVersion == 0 ||
                consent.protocolVersion >= version ||
                consent.expiresAt <= block.timestamp
            ) continue;
            _endTick(consent);
            _nextTick(consent, trialNumber);
            consent.protocolVersion = version;
            uint32 epoch = consent.epoch + 1;
            consent.epoch = epoch;
            emit ConsentGranted(
                listingId,
                participant,
                epoch,
                consent.purposes,
                consent.expiresAt,
                trialId,
                version,
                consent.autoApprove,
                _termsHashes[listingId]
            );
        }
    }

    /**
     * @inheritdoc ITrialConsentHooks
     * @dev Requirements: called by the trial registry. Emits {ConsentSuspended} per listing.
     */
    function onEnrollmentWithdrawn(
        bytes32,
        uint32 trialNumber,
        address participant
    ) external onlyRegistry {
        bytes32[] storage listings = _linkedListings[trialNumber][participant];
        for (uint256 index; index < listings.length; ++index) {
            bytes32 listingId = listings[index];
            Consent storage consent = _consents[listingId];
            if (consent.protocolVersion == 0) continue;
            consent.protocolVersion = 0;
            _endTick(consent);
            emit ConsentSuspended(listingId, consent.epoch);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsentRegistry
    function isPermitted(bytes32 listingId, uint8 purpose) public view returns (bool) {
        Consent memory consent = _consents[listingId];
        return
            consent.epoch != 0 &&
            purpose < 32 &&
            (consent.purposes >> purpose) & 1 == 1 &&
            _isInForce(consent);
    }

    /// @inheritdoc IConsentRegistry
    function consentOf(
        bytes32 listingId
    )
        external
        view
        returns (ConsentTerms memory terms, uint32 epoch, bool isRevoked, bool isInForce)
    {
        Consent memory consent = _consents[listingId];
        terms = ConsentTerms({
            purposes: consent.purposes,
            expiresAt: consent.expiresAt,
            protocolVersion: consent.protocolVersion,
            autoApprove: consent.autoApprove,
            epsilonBudget: uint16(_budgetOf(consent.slotId) >> 16),
            trialId: _trialIds[consent.trialNumber],
            termsHash: _termsHashes[listingId]
        });
        return (terms, consent.epoch, consent.isRevoked, consent.epoch != 0 && _isInForce(consent));
    }

    /// @inheritdoc IConsentRegistry
    function privacyBudget(bytes32 listingId) external view returns (uint16 total, uint16 spent) {
        uint256 lane = _budgetOf(_consents[listingId].slotId);
        return (uint16(lane >> 16), uint16(lane));
    }

    /// @notice The trial registry this marketplace follows.
    function trialRegistry() external view returns (ITrialRegistry) {
        return _registry;
    }

    // ---------------------------------------------------------------- for the marketplace

    /**
     * @dev Starts a new epoch with `terms` (the listing's first when `isNew`). A listing's trial
     * is fixed when it is created; linking checks the owner's enrolment with the registry.
     */
    function _grantConsent(
        bytes32 listingId,
        address owner,
        ConsentTerms calldata terms,
        bool isNew
    ) internal {
        if (
            terms.purposes == 0 ||
            terms.expiresAt <= block.timestamp ||
            terms.termsHash == bytes32(0) ||
            (terms.trialId == bytes32(0)) != (terms.protocolVersion == 0)
        ) revert InvalidConsentTerms();
        Consent storage consent = _consents[listingId];
        uint32 trialNumber = consent.trialNumber;
        if (isNew) {
            trialNumber = _linkTrial(listingId, owner, terms.trialId);
        } else if (terms.trialId != _trialIds[trialNumber]) {
            revert ConsentTrialChanged(listingId, terms.trialId);
        }
        if (trialNumber != 0) _requireEnrolled(terms.trialId, owner, terms.protocolVersion);
        // What analyses learned stays learned: a new grant never resets or undercuts it.
        uint256 spent = uint16(_budgetOf(consent.slotId));
        if (terms.epsilonBudget < spent)
            revert BudgetBelowSpent(listingId, terms.epsilonBudget, uint16(spent));

        _endTick(consent);
        _setBudget(_nextTick(consent, trialNumber), (uint256(terms.epsilonBudget) << 16) | spent);
        uint32 epoch = consent.epoch + 1;
        consent.purposes = terms.purposes;
        consent.expiresAt = terms.expiresAt;
        consent.trialNumber = trialNumber;
        consent.protocolVersion = terms.protocolVersion;
        consent.epoch = epoch;
        consent.autoApprove = terms.autoApprove;
        consent.isRevoked = false;
        if (_termsHashes[listingId] != terms.termsHash) _termsHashes[listingId] = terms.termsHash;
        emit ConsentGranted(
            listingId,
            owner,
            epoch,
            terms.purposes,
            terms.expiresAt,
            terms.trialId,
            terms.protocolVersion,
            terms.autoApprove,
            terms.termsHash
        );
    }

    /**
     * @dev The item reference (slot id << 8 | tick) of a listing whose consent is in force, allows
     * `purpose` and lasts until `accessUntil`; 0 otherwise. Also says whether it auto-approves.
     */
    function _requestableItem(
        bytes32 listingId,
        uint8 purpose,
        uint40 accessUntil
    ) internal view returns (uint256 itemRef, bool autoApprove) {
        Consent memory consent = _consents[listingId];
        if (
            (consent.purposes >> purpose) & 1 == 0 ||
            consent.expiresAt < accessUntil ||
            !_isInForce(consent)
        ) return (0, false);
        return ((uint256(consent.slotId) << 8) | consent.tick, consent.autoApprove);
    }

    /// @dev True while the epoch that had `tick` at `slotId` is in force.
    function _isTickLive(uint256 slotId, uint256 tick) internal view returns (bool) {
        return _tickOf(slotId) == tick;
    }

    /**
     * @dev When the epoch with `tick` at `slotId` ended, or type(uint256).max while in force.
     * An end the owner caused was recorded; otherwise an amendment ended it: the trial's first
     * amendment after `since`, a time at which the epoch was in force.
     */
    function _epochEndedAt(
        uint256 slotId,
        uint256 tick,
        bytes32 listingId,
        uint256 since
    ) internal view returns (uint256) {
        if (_tickOf(slotId) == tick) return type(uint256).max;
        uint256 recorded = uint40(_tickEnds[slotId][tick / 6] >> ((tick % 6) * 40));
        if (recorded != 0) return recorded;
        uint32 trialNumber = _consents[listingId].trialNumber;
        uint256 low = 2;
        uint256 high = _trials[trialNumber].version;
        // The smallest version amended after `since` (amendment times only grow).
        while (low < high) {
            uint256 middle = (low + high) / 2;
            if (_amendedAt[trialNumber][uint32(middle)] > since) high = middle;
            else low = middle + 1;
        }
        uint256 amendedAt = _amendedAt[trialNumber][uint32(low)];
        return amendedAt > since ? amendedAt : 0;
    }

    /**
     * @dev Charges `epsilon` to the budget of the listing holding consent slot `slotId`; false,
     * charging nothing, when less than `epsilon` is left. Slots are never shared, and the caller
     * checked that the item's tick is live: the epoch the request was made under is still in
     * force, so the slot is still its listing's, and its purposes and expiry, checked by the
     * request (expiry no earlier than the access period's end, which the caller also checks),
     * cannot change within it.
     */
    function _spendBudget(uint256 slotId, uint256 epsilon) internal returns (bool) {
        // No overflow: slot ids have 26 bits and lanes 16; a sum past the total returns early.
        unchecked {
            uint256 key = slotId / BUDGETS_PER_WORD;
            uint256 shift = (slotId % BUDGETS_PER_WORD) * 32;
            uint256 word = _budgets[key];
            uint256 lane = word >> shift;
            if (uint16(lane) + epsilon > uint16(lane >> 16)) return false;
            // spent + epsilon <= total < 2**16: the sum stays in the spent lane, no carry.
            _budgets[key] = word + (epsilon << shift);
            return true;
        }
    }

    /// @dev The tick word of `shard`: 32 slots, one byte each.
    function _tickShard(uint256 shard) internal view returns (uint256) {
        return _ticks[shard];
    }

    // ---------------------------------------------------------------- internals

    function _isInForce(Consent memory consent) private view returns (bool) {
        if (consent.isRevoked || consent.expiresAt <= block.timestamp) return false;
        if (consent.trialNumber == 0) return true;
        return
            consent.protocolVersion != 0 &&
            consent.protocolVersion == _trials[consent.trialNumber].version;
    }

    function _linkTrial(
        bytes32 listingId,
        address owner,
        bytes32 trialId
    ) private returns (uint32 trialNumber) {
        if (trialId == bytes32(0)) return 0;
        (trialNumber, , , ) = _registry.enrollmentOf(trialId, owner);
        if (trialNumber == 0) revert NotEnrolledOnCurrentProtocol(trialId, owner, 0);
        bytes32[] storage listings = _linkedListings[trialNumber][owner];
        if (listings.length == MAX_LINKED_LISTINGS) revert TooManyLinkedListings(trialId, owner);
        listings.push(listingId);
    }

    function _requireEnrolled(bytes32 trialId, address owner, uint32 protocolVersion) private view {
        (uint32 trialNumber, uint32 current, uint32 consented, bool isActive) = _registry
            .enrollmentOf(trialId, owner);
        if (
            !isActive ||
            consented != current ||
            protocolVersion != current ||
            _trials[trialNumber].version != current
        ) revert NotEnrolledOnCurrentProtocol(trialId, owner, protocolVersion);
    }

    /// @dev Ends the epoch in force, if any, and records when.
    function _endTick(Consent storage consent) private {
        uint256 slotId = consent.slotId;
        if (slotId == 0) return;
        uint256 tick = _tickOf(slotId);
        if (tick & 1 == 0) return;
        _setTick(slotId, tick + 1);
        _tickEnds[slotId][tick / 6] |= block.timestamp << ((tick % 6) * 40);
    }

    /**
     * @dev Puts the next tick in force, in a new slot when the listing has none or used its last;
     * a listing moving to a new slot takes its budget along. Returns the slot.
     */
    function _nextTick(Consent storage consent, uint32 trialNumber) private returns (uint256) {
        uint256 slotId = consent.slotId;
        uint256 tick = slotId == 0 ? 0 : _tickOf(slotId) + 1;
        if (tick == 0 || tick > LAST_TICK) {
            uint256 budget = _budgetOf(slotId);
            slotId = _allocateSlot(trialNumber);
            tick = 1;
            if (budget != 0) _setBudget(slotId, budget);
        }
        _setTick(slotId, tick);
        consent.slotId = uint32(slotId);
        consent.tick = uint8(tick);
        return slotId;
    }

    /// @dev The budget lane of `slotId`: total << 16 | spent (slot 0, no slot yet: 0).
    function _budgetOf(uint256 slotId) private view returns (uint256) {
        if (slotId == 0) return 0;
        return uint32(_budgets[slotId / BUDGETS_PER_WORD] >> ((slotId % BUDGETS_PER_WORD) * 32));
    }

    function _setBudget(uint256 slotId, uint256 lane) private {
        uint256 key = slotId / BUDGETS_PER_WORD;
        uint256 shift = (slotId % BUDGETS_PER_WORD) * 32;
        _budgets[key] = (_budgets[key] & ~(uint256(0xffffffff) << shift)) | (lane << shift);
    }

    function _allocateSlot(uint32 trialNumber) private returns (uint256) {
        TrialState storage trial = _trials[trialNumber];
        uint256 shard = trial.openShard;
        uint256 used = trial.openUsed;
        if (shard == 0 || used == SLOTS_PER_SHARD) {
            shard = ++_shardCount;
            if (shard == MAX_SHARDS) revert TrialFull(_trialIds[trialNumber]);
            if (trialNumber != 0) {
                uint32[] storage shards = _trialShards[trialNumber];
                if (shards.length == MAX_TRIAL_SHARDS) revert TrialFull(_trialIds[trialNumber]);
                shards.push(uint32(shard));
            }
            trial.openShard = uint32(shard);
            used = 0;
        }
        trial.openUsed = uint8(used + 1);
        return shard * SLOTS_PER_SHARD + used;
    }

    function _tickOf(uint256 slotId) private view returns (uint256) {
        return uint8(_ticks[slotId / SLOTS_PER_SHARD] >> ((slotId % SLOTS_PER_SHARD) * 8));
    }

    function _setTick(uint256 slotId, uint256 tick) private {
        uint256 shard = slotId / SLOTS_PER_SHARD;
        uint256 shift = (slotId % SLOTS_PER_SHARD) * 8;
        _ticks[shard] = (_ticks[shard] & ~(uint256(0xff) << shift)) | (tick << shift);
    }

    function _requireOwner(bytes32 listingId) private view returns (address owner) {
        owner = _ownerOf(listingId);
        address caller = _consentCaller();
        if (caller != owner) revert NotListingOwner(listingId, caller);
    }
}
