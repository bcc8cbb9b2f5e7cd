import { describe, expect, it } from "vitest";
import type { Chain } from "~/server/chain/client";
import type { ChainRecord } from "./chain-history";
import { checkConsent, checkMoney } from "./consent-money-checks";

/**
 * The audit's judgement of histories the contracts would refuse to write: an auditor must not
 * depend on the contracts having been right, so the checks are tried on forged logs here (the
 * integration tests run them on real ones).
 */
const LISTING = `0x${"a1".repeat(32)}`;
const TRIAL = `0x${"7e".repeat(32)}`;
const REQUEST = `0x${"b2".repeat(32)}`;
const FEES = `0x${"fe".repeat(20)}`;
const DAY = 86_400;
const T0 = 1_800_000_000;

let block = 0;
function event(name: string, args: Record<string, unknown>, at: number): ChainRecord {
  block += 1;
  return {
    name,
    args,
    blockNumber: block,
    logIndex: 0,
    txHash: `0x${block}`,
    time: new Date(at * 1000),
  };
}

const grant = (at: number, extra: Record<string, unknown> = {}) =>
  event(
    "ConsentGranted",
    {
      listingId: LISTING,
      purposes: 1n,
      expiresAt: BigInt(T0 + 365 * DAY),
      trialId: `0x${"0".repeat(64)}`,
      ...extra,
    },
    at,
  );
const requested = (at: number) =>
  event(
    "AccessRequested",
    {
      requestId: REQUEST,
      purpose: 0n,
      accessUntil: BigInt(T0 + 30 * DAY),
      escrowed: 10n,
      listingIds: [LISTING],
      statuses: [2n],
    },
    at,
  );
const settled = (at: number, credited: bigint, fee: bigint, refunded: bigint) =>
  event(
    "ItemSettled",
    { requestId: REQUEST, index: 0n, listingId: LISTING, credited, fee, refunded },
    at,
  );
const requestSettled = (
  at: number,
  credited: bigint,
  fee: bigint,
  refunded: bigint,
  recipient = FEES,
) =>
  event(
    "RequestSettled",
    { requestId: REQUEST, credited, fee, refunded, feeRecipient: recipient },
    at,
  );
const chainHolding = (held: bigint) =>
  ({
    contracts: { token: { balanceOf: () => Promise.resolve(held) } },
    deployment: { contracts: { DataMarketplace: FEES } },
  }) as unknown as Chain;

describe("the audit's consent check", () => {
  it("passes a use under the epoch the request was made in, and fails one after a new grant or an amendment", () => {
    const fee = event("FeeUpdated", { feeBps: 0n, recipient: FEES }, T0 - DAY);
    const clean = [
      fee,
      grant(T0),
      requested(T0 + 1),
      event("DataUseRecorded", { requestId: REQUEST, index: 0n }, T0 + 2),
    ];
    expect(checkConsent(clean, new Set([LISTING]), []).failures).toEqual([]);

    const regranted = [
      grant(T0),
      requested(T0 + 1),
      grant(T0 + 2),
      event("DataUseRecorded", { requestId: REQUEST, index: 0n }, T0 + 3),
    ];
    expect(checkConsent(regranted, new Set([LISTING]), []).failures[0]).toMatch(/given anew/);

    const linked = [
      grant(T0, { trialId: TRIAL }),
      requested(T0 + 1),
      event("TrialConsentsEnded", { trialId: TRIAL, version: 2n }, T0 + 2),
      event("DataUseRecorded", { requestId: REQUEST, index: 0n }, T0 + 3),
    ];
    expect(checkConsent(linked, new Set([LISTING]), []).failures[0]).toMatch(/TrialConsentsEnded/);
  });
});

describe("the audit's money check", () => {
  const fee = () => event("FeeUpdated", { feeBps: 0n, recipient: FEES }, T0 - DAY);

  it("accepts an item paid because delivered, or because its epoch outlived the window", async () => {
    const delivered = [
      fee(),
      grant(T0),
      requested(T0 + 1),
      event("DataUseRecorded", { requestId: REQUEST, index: 0n }, T0 + 2),
      event("ConsentRevoked", { listingId: LISTING }, T0 + 3),
      settled(T0 + 4, 10n, 0n, 0n),
      requestSettled(T0 + 4, 10n, 0n, 0n),
    ];
    expect((await checkMoney(chainHolding(10n), delivered)).failures).toEqual([]);
    const outlived = [
      fee(),
      grant(T0),
      requested(T0 + 1),
      event("ConsentRevoked", { listingId: LISTING }, T0 + 31 * DAY),
      settled(T0 + 32 * DAY, 10n, 0n, 0n),
      requestSettled(T0 + 32 * DAY, 10n, 0n, 0n),
    ];
    expect((await checkMoney(chainHolding(10n), outlived)).failures).toEqual([]);
  });

  it("names an owner paid for an item neither delivered nor deliverable for the whole window", async () => {
    const history = [
      fee(),
      grant(T0),
      requested(T0 + 1),
      event("ConsentRevoked", { listingId: LISTING }, T0 + DAY),
      settled(T0 + 31 * DAY, 10n, 0n, 0n),
      requestSettled(T0 + 31 * DAY, 10n, 0n, 0n),
    ];
    const result = await checkMoney(chainHolding(10n), history);
    expect(result.failures).toEqual([
      expect.stringMatching(
        /item 0: paid though never delivered and its consent ended \(ConsentRevoked\)/,
      ),
    ]);
  });

  it("names fees paid to another recipient, totals that do not add up, and a short balance", async () => {
    const history = [
      fee(),
      grant(T0),
      requested(T0 + 1),
      event("DataUseRecorded", { requestId: REQUEST, index: 0n }, T0 + 2),
      settled(T0 + 3, 9n, 1n, 0n),
      requestSettled(T0 + 3, 9n, 1n, 1n, `0x${"66".repeat(20)}`),
    ];
    const failures = (await checkMoney(chainHolding(5n), history)).failures.join("\n");
    expect(failures).toMatch(/escrowed 10 but credited 9 \+ refunded 1 \+ fee 1/);
    expect(failures).toMatch(/items' settlements do not add up/);
    expect(failures).toMatch(/fees went to another recipient/);
    expect(failures).toMatch(/holds 5 but owes 0 in escrow and 10/);
  });
});
