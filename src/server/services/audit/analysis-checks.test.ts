import { describe, expect, it } from "vitest";
import type { Chain } from "~/server/chain/client";
import { outputHashOf } from "~/server/services/analyses/analysis-hashes";
import { checkAnalyses, type AuditedAnalysisJob } from "./analysis-checks";
import type { ChainRecord } from "./chain-history";

/**
 * The fifth check's judgement of histories the contract would refuse to write (an auditor must
 * not depend on the contract having been right): analyses after a revocation, for a purpose the
 * consent does not allow, on an unapproved item, past a budget. The integration test runs the
 * check on a real chain and database.
 */
const LISTING = `0x${"a1".repeat(32)}`;
const REQUEST = `0x${"b2".repeat(32)}`;
const ANALYSIS = `0x${"c3".repeat(32)}`;
const DAY = 86_400;
const T0 = 1_800_000_000;
const OUTPUT = new TextEncoder().encode('{"output":1}');
const OUTPUT_HASH = outputHashOf(OUTPUT).toLowerCase();

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
const grant = (at: number, purposes = 1n) =>
  event(
    "ConsentGranted",
    {
      listingId: LISTING,
      purposes,
      expiresAt: BigInt(T0 + 365 * DAY),
      trialId: `0x${"0".repeat(64)}`,
    },
    at,
  );
const requested = (at: number, status = 2n) =>
  event(
    "AccessRequested",
    {
      requestId: REQUEST,
      purpose: 0n,
      accessUntil: BigInt(T0 + 30 * DAY),
      listingIds: [LISTING],
      prices: [10n],
      statuses: [status],
    },
    at,
  );
const recorded = (at: number, epsilon = 100n, id = ANALYSIS) =>
  event(
    "AnalysisRecorded",
    {
      requestId: REQUEST,
      analysisId: id,
      queryHash: `0x${"d4".repeat(32)}`,
      outputHash: OUTPUT_HASH,
      epsilon,
      indices: "0x0000",
    },
    at,
  );

/** A chain whose views answer as given: the listing's budget, every analysis's stored hash. */
function chainWith(budget: { total: number; spent: number }) {
  return {
    contracts: {
      marketplace: {
        privacyBudget: () => Promise.resolve([BigInt(budget.total), BigInt(budget.spent)]),
        analysisOf: () => Promise.resolve([REQUEST, OUTPUT_HASH, 100n, 1n, 0n]),
      },
    },
  } as unknown as Pick<Chain, "contracts">;
}

const job = (id = ANALYSIS): AuditedAnalysisJob => ({
  id: `job-${id.slice(2, 6)}`,
  chainKey: id,
  status: "RELEASED",
  outputHash: OUTPUT_HASH,
  readOutput: () => Promise.resolve(OUTPUT),
});

async function check(history: ChainRecord[], budget = { total: 300, spent: 100 }, jobs = [job()]) {
  return checkAnalyses(chainWith(budget), history, {
    listings: [{ listingId: "listing-1", chainKey: LISTING, spentCentis: budget.spent }],
    jobs,
  });
}

describe("checkAnalyses on forged histories", () => {
  it("passes an analysis under the consent its request was made in", async () => {
    const result = await check([grant(T0), requested(T0 + 10), recorded(T0 + 20)]);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it("names an analysis recorded after the owner revoked consent", async () => {
    const history = [
      grant(T0),
      requested(T0 + 10),
      event("ConsentRevoked", { listingId: LISTING }, T0 + 15),
      recorded(T0 + 20),
    ];
    expect((await check(history)).failures).toEqual([
      `analysis ${ANALYSIS} (job job-c3c3), listing ${LISTING}: consent had ended (ConsentRevoked) before the analysis`,
    ]);
  });

  it("names an analysis after consent was given anew (revoke and grant again)", async () => {
    const history = [
      grant(T0),
      requested(T0 + 10),
      event("ConsentRevoked", { listingId: LISTING }, T0 + 12),
      grant(T0 + 14),
      recorded(T0 + 20),
    ];
    expect((await check(history)).failures[0]).toMatch(/consent was given anew after the request/);
  });

  it("names an unapproved item and a purpose the consent does not allow", async () => {
    expect(
      (await check([grant(T0), requested(T0 + 10, 1n), recorded(T0 + 20)])).failures[0],
    ).toMatch(/the item was never approved/);
    expect(
      (await check([grant(T0, 2n), requested(T0 + 10), recorded(T0 + 20)])).failures[0],
    ).toMatch(/the request's purpose was not allowed/);
  });

  it("names a listing whose analyses add up past its budget, or past what the chain counts", async () => {
    const second = `0x${"c4".repeat(32)}`;
    const history = [
      grant(T0),
      requested(T0 + 10),
      recorded(T0 + 20, 200n),
      recorded(T0 + 30, 200n, second),
    ];
    const result = await check(history, { total: 300, spent: 300 }, [job(), job(second)]);
    expect(result.failures).toEqual([
      `listing listing-1 (${LISTING}): analyses charged ε 4, over its budget of ε 3`,
      `listing listing-1 (${LISTING}): the chain counts ε 3 spent but its recorded analyses add up to ε 4`,
    ]);
  });

  it("names a recorded analysis the database does not know", async () => {
    const result = await check([grant(T0), requested(T0 + 10), recorded(T0 + 20)], undefined, []);
    expect(result.failures).toEqual([
      `analysis ${ANALYSIS}: recorded on chain but has no job in the database`,
    ]);
  });
});
