import "server-only";
import Papa from "papaparse";
import type { Chain } from "~/server/chain/client";
import { AppError } from "~/server/errors";
import { whenKeccakReady } from "~/server/integrity/keccak";
import { buildRecordTree, computeDataRoot } from "~/server/integrity/merkle";
import { getBlob } from "~/server/storage/blob-store";

/**
 * What an extract and an analysis both stand on: the researcher's own request, recorded on
 * chain, its access period running, with approved items whose consent is still in force, and
 * each listing's records exactly as anchored. One home, so the two ways in cannot drift apart.
 */

/** The approved items of a request, in item order (spread into a Prisma `items` select). */
export const APPROVED_ITEMS = {
  where: { status: "APPROVED" },
  orderBy: { itemIndex: "asc" },
} as const;

type UsableRequest = {
  researcherId: string;
  anchorStatus: string;
  accessUntil: Date;
  items: readonly unknown[];
};

/** Refuses a request that is not the researcher's, not on chain, expired or with nothing approved. */
export function assertUsableRequest<T extends UsableRequest>(
  request: T | null,
  researcherId: string,
): asserts request is T {
  // Another researcher's request reads as missing: its existence is not theirs to learn.
  if (!request || request.researcherId !== researcherId)
    throw new AppError("NOT_FOUND", "No request of yours has this id.");
  if (request.anchorStatus !== "CONFIRMED")
    throw new AppError("CONFLICT", "This request is not recorded on chain yet.");
  if (request.accessUntil < new Date())
    throw new AppError("FORBIDDEN", "The access period of this request has ended.");
  if (request.items.length === 0)
    throw new AppError("FORBIDDEN", "No listing of this request is approved (yet).");
}

/**
 * Re-read from the chain: the consent epoch the item was approved under must still be in force
 * (not revoked or granted anew, the owner still enrolled in the linked trial, its protocol not
 * amended since), or the data use would be refused.
 */
export async function isItemConsentInForce(chain: Chain, requestKey: string, itemIndex: number) {
  const [, , inForce] = await chain.contracts.marketplace.itemState(requestKey, itemIndex);
  return inForce;
}

/**
 * Decrypts a listing's records and checks them against the root anchored on chain (and the
 * database's copy of it). A mismatch means the stored data was altered: nothing is built from it.
 */
export async function readAnchoredRecords(
  chain: Chain,
  listing: {
    chainKey: string;
    blobKey: string | null;
    dataRoot: string;
    /** The root and version already read from the chain (an analysis reads them in a batch). */
    anchored?: { root: string; dataVersion: number };
  },
  nothingDone: string,
  /** Keep the tree for per-record proofs (an extract's manifest); otherwise only the root. */
  withProofs = false,
) {
  const { root: anchoredRoot, dataVersion } =
    listing.anchored ?? (await readAnchor(chain, listing.chainKey));
  const tampered = () =>
    new AppError(
      "CONFLICT",
      `A listing's stored data no longer matches its anchored root; ${nothingDone}. Report this to the auditors.`,
    );
  if (!listing.blobKey) throw tampered();
  await whenKeccakReady();
  const text = (await getBlob(listing.blobKey)).toString("utf8");
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: "greedy",
  });
  const records = parsed.data;
  // Every anchored dataset has a record: an empty one cannot match its root.
  if (records.length === 0) throw tampered();
  const tree = withProofs ? buildRecordTree(records) : null;
  const root = tree ? tree.root : computeDataRoot(records);
  if (root !== listing.dataRoot || anchoredRoot !== root) throw tampered();
  // The header's fields, as the rows are keyed (a short row lacks the keys it has no value for).
  return { records, fields: parsed.meta.fields ?? [], tree, dataVersion };
}

async function readAnchor(chain: Chain, listingKey: string) {
  const [, root, , , dataVersion] = await chain.contracts.marketplace.getListing(listingKey);
  return { root, dataVersion: Number(dataVersion) };
}
