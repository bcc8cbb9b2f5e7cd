import "server-only";
import type { Chain } from "~/server/chain/client";
import { analysisMoney } from "./analysis-money";
import { isBefore, type ChainRecord } from "./chain-history";
import type { CheckResult } from "./checks";
import { buildEpochIndex, isInForceAt } from "./consent-epochs";

/**
 * The audit's consent and money checks (2 and 3 of checks.ts), from the chain's logs alone:
 * consent epochs (consent-epochs.ts) decide whether each data use and each payment was allowed.
 */
const lower = (value: unknown) => String(value).toLowerCase();

type RequestRecord = {
  event: ChainRecord;
  purpose: number;
  accessUntil: number;
  listingIds: string[];
  statuses: number[];
};

/** Every AccessRequested by request id, with what the checks need from it. */
function requestsOf(history: ChainRecord[]): Map<string, RequestRecord> {
  return new Map(
    history
      .filter((event) => event.name === "AccessRequested")
      .map((event) => [
        lower(event.args.requestId),
        {
          event,
          purpose: Number(event.args.purpose),
          accessUntil: Number(event.args.accessUntil),
          listingIds: (event.args.listingIds as string[]).map(lower),
          statuses: (event.args.statuses as bigint[]).map(Number),
        },
      ]),
  );
}

/**
 * 2. Consent: every data use happened under the consent epoch the request was made in (not
 * revoked, granted anew, suspended by the owner's withdrawal from the trial or ended by a
 * protocol amendment since), within the access period, with the purpose allowed.
 */
export function checkConsent(
  history: ChainRecord[],
  listingKeys: Set<string>,
  databaseUses: { id: string; listingKey: string; txHash: string | null }[],
): CheckResult {
  const failures: string[] = [];
  const requests = requestsOf(history);
  const epochs = buildEpochIndex(history);
  const onChain = new Set<string>();
  let uses = 0;
  for (const use of history.filter((event) => event.name === "DataUseRecorded")) {
    const request = requests.get(lower(use.args.requestId));
    const listing = request?.listingIds[Number(use.args.index)];
    if (!request || !listing) {
      failures.push(`data use in ${use.txHash}: no such request item on chain`);
      continue;
    }
    if (!listingKeys.has(listing)) continue;
    uses += 1;
    onChain.add(`${use.txHash}|${listing}`);
    const where = `data use in ${use.txHash} (listing ${listing})`;
    const requested = epochs.epochAt(listing, request.event);
    const current = epochs.epochAt(listing, use);
    if (!current) failures.push(`${where}: no consent was ever granted`);
    else if (!requested || requested.grant !== current.grant)
      failures.push(`${where}: consent was given anew after the request; its approval was void`);
    else if (!isInForceAt(current, use))
      failures.push(`${where}: consent had ended (${current.end!.name}) before the use`);
    else if (Number(current.grant.args.expiresAt) * 1000 <= use.time.getTime())
      failures.push(`${where}: consent had expired`);
    else if (((Number(current.grant.args.purposes) >> request.purpose) & 1) !== 1)
      failures.push(`${where}: the request's purpose was not allowed`);
    else if (use.time.getTime() > request.accessUntil * 1000)
      failures.push(`${where}: after the request's access period`);
  }
  // A use claimed in the database but never recorded on chain is not a use anyone consented to.
  for (const use of databaseUses) {
    if (!use.txHash || !onChain.has(`${use.txHash}|${use.listingKey.toLowerCase()}`))
      failures.push(`data use ${use.id} in the database has no matching on-chain record`);
  }
  return {
    name: "consent",
    passed: failures.length === 0,
    evidence: { dataUsesOnChain: uses, dataUsesInDatabase: databaseUses.length },
    failures,
  };
}

/**
 * 3. Money: the marketplace holds exactly the open escrow (requests' and prepaid analyses') plus
 * unwithdrawn credits; each settled
 * request balances; fees went to the recipient in force when the request was made; and every
 * item paid was approved and delivered, or deliverable for its whole access window under the
 * consent epoch it was requested in.
 */
export async function checkMoney(chain: Chain, history: ChainRecord[]): Promise<CheckResult> {
  const failures: string[] = [];
  const requests = requestsOf(history);
  const epochs = buildEpochIndex(history);
  const settled = new Map<string, { credited: bigint; fee: bigint; refunded: bigint }>();
  let escrowed = 0n;
  let released = 0n;
  let owed = 0n;
  let paidItems = 0;
  for (const event of history) {
    if (event.name === "AccessRequested") escrowed += BigInt(event.args.escrowed as bigint);
    if (event.name === "Withdrawn") owed -= BigInt(event.args.amount as bigint);
    if (event.name !== "ItemSettled") continue;
    const requestId = lower(event.args.requestId);
    const index = Number(event.args.index);
    const credited = BigInt(event.args.credited as bigint);
    const fee = BigInt(event.args.fee as bigint);
    const refunded = BigInt(event.args.refunded as bigint);
    released += credited + fee + refunded;
    owed += credited + fee + refunded;
    const totals = settled.get(requestId) ?? { credited: 0n, fee: 0n, refunded: 0n };
    settled.set(requestId, {
      credited: totals.credited + credited,
      fee: totals.fee + fee,
      refunded: totals.refunded + refunded,
    });
    if (credited + fee === 0n) continue;
    paidItems += 1;
    const request = requests.get(requestId);
    const listing = request?.listingIds[index];
    const where = `request ${requestId} item ${index}`;
    if (!request || !listing) {
      failures.push(`${where}: paid, but no such item was requested`);
      continue;
    }
    const isApproved =
      request.statuses[index] === 2 ||
      history.some(
        (other) =>
          other.name === "ItemDecided" &&
          lower(other.args.requestId) === requestId &&
          Number(other.args.index) === index &&
          other.args.approved === true &&
          isBefore(other, event),
      );
    const isDelivered = history.some(
      (other) =>
        other.name === "DataUseRecorded" &&
        lower(other.args.requestId) === requestId &&
        Number(other.args.index) === index &&
        isBefore(other, event),
    );
    const epoch = epochs.epochAt(listing, request.event);
    const isDeliverable =
      epoch !== null &&
      (epoch.end === null || epoch.end.time.getTime() > request.accessUntil * 1000);
    if (!isApproved) failures.push(`${where}: paid but never approved`);
    else if (!isDelivered && !isDeliverable)
      failures.push(
        `${where}: paid though never delivered and its consent ended (${epoch?.end?.name ?? "never given"}) inside the access window`,
      );
  }
  const feeRecipientAt = (at: ChainRecord) =>
    lower(
      [...history].reverse().find((event) => event.name === "FeeUpdated" && isBefore(event, at))
        ?.args.recipient,
    );
  for (const event of history.filter((candidate) => candidate.name === "RequestSettled")) {
    const requestId = lower(event.args.requestId);
    const request = requests.get(requestId);
    const credited = BigInt(event.args.credited as bigint);
    const refunded = BigInt(event.args.refunded as bigint);
    const fee = BigInt(event.args.fee as bigint);
    const items = settled.get(requestId) ?? { credited: 0n, fee: 0n, refunded: 0n };
    const expected = request ? BigInt(request.event.args.escrowed as bigint) : 0n;
    if (credited + refunded + fee !== expected)
      failures.push(
        `request ${requestId}: escrowed ${expected} but credited ${credited} + refunded ${refunded} + fee ${fee}`,
      );
    if (items.credited !== credited || items.fee !== fee || items.refunded !== refunded)
      failures.push(`request ${requestId}: its items' settlements do not add up to its totals`);
    if (request && lower(event.args.feeRecipient) !== feeRecipientAt(request.event))
      failures.push(`request ${requestId}: fees went to another recipient than the one in force`);
  }
  const analyses = await analysisMoney(chain, history);
  failures.push(...analyses.failures);
  escrowed += analyses.escrowed;
  released += analyses.released;
  owed += analyses.owed;
  const openEscrow = escrowed - released;
  const held = await chain.contracts.token.balanceOf(chain.deployment.contracts.DataMarketplace);
  if (held !== openEscrow + owed)
    failures.push(
      `the marketplace holds ${held} but owes ${openEscrow} in escrow and ${owed} in unwithdrawn credits`,
    );
  return {
    name: "money",
    passed: failures.length === 0,
    evidence: {
      held: held.toString(),
      openEscrow: openEscrow.toString(),
      unwithdrawnCredits: owed.toString(),
      paidItems,
      paidAnalysisItems: analyses.paidItems,
    },
    failures,
  };
}
