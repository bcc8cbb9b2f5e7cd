/**
 * A reference model of consent epochs and the payment rule, kept by the fuzz test from its own
 * actions (never from the contract's state), to judge what the contract did: an owner may be
 * paid for an item only if it was delivered, or was approved and its consent epoch (the one in
 * force when the request was made) outlived the access window; otherwise the item is refunded.
 */
export type Epoch = { start: number; end: number | null; purposes: number; expiresAt: number };

export type ModelListing = {
  id: string;
  owner: string;
  trial: boolean;
  epochs: Epoch[];
  /** The owner revoked (a re-consent does not revive it). */
  isRevoked: boolean;
  /** The owner's enrolment ended (only a new enrolment and grant revive it). */
  isSuspended: boolean;
  /** The protocol version the current epoch consented to (linked listings). */
  version: number;
};

export type ModelItem = {
  listing: ModelListing;
  index: number;
  price: bigint;
  /** Index into listing.epochs, or null when the item was excluded. */
  epoch: number | null;
  status: "EXCLUDED" | "PENDING" | "APPROVED" | "REJECTED";
  isDelivered: boolean;
  isSettled: boolean;
};

export type ModelRequest = {
  requestId: string;
  accessUntil: number;
  decisionDeadline: number;
  items: ModelItem[];
};

export function currentEpoch(listing: ModelListing): Epoch | undefined {
  return listing.epochs[listing.epochs.length - 1];
}

/** Whether the listing can be requested for `purpose` until `accessUntil`, at `now`. */
export function isRequestable(
  listing: ModelListing,
  trialVersion: number,
  purpose: number,
  accessUntil: number,
  now: number,
): boolean {
  const epoch = currentEpoch(listing);
  if (!epoch || epoch.end !== null) return false;
  if (listing.trial && listing.version !== trialVersion) return false;
  return (
    ((epoch.purposes >> purpose) & 1) === 1 &&
    epoch.expiresAt >= accessUntil &&
    epoch.expiresAt > now
  );
}

export function endEpoch(listing: ModelListing, at: number): void {
  const epoch = currentEpoch(listing);
  if (epoch && epoch.end === null) epoch.end = at;
}

/** The model's verdict for a settled item: true = the owner must be paid, false = refunded. */
export function mustPay(item: ModelItem, request: ModelRequest): boolean {
  if (item.status !== "APPROVED") return false;
  if (item.isDelivered) return true;
  const epoch = item.listing.epochs[item.epoch!]!;
  return epoch.end === null || epoch.end > request.accessUntil;
}

/** Whether the model expects the item to be settleable at `now`. */
export function isSettleable(item: ModelItem, request: ModelRequest, now: number): boolean {
  if (item.status === "EXCLUDED" || item.isSettled) return false;
  if (item.status === "PENDING") return now > request.decisionDeadline;
  if (item.status === "REJECTED" || item.isDelivered) return true;
  const epoch = item.listing.epochs[item.epoch!]!;
  return epoch.end !== null || now > request.accessUntil;
}
