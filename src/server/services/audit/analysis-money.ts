import "server-only";
import type { Chain } from "~/server/chain/client";
import type { ChainRecord } from "./chain-history";
import { recordedAnalyses } from "./analysis-records";

const lower = (value: unknown) => String(value).toLowerCase();

/**
 * The money of analyses, for the audit's money check: prepaid credits enter escrow
 * (AnalysesFunded); each used item's share (ANALYSIS_FEE_BPS of its price, the owner's credit
 * plus the fee) and the refunds (AnalysisRefunded) leave it for credited balances. An item paid
 * that its analysis did not use, or paid more than its share, is named.
 */
export async function analysisMoney(chain: Pick<Chain, "contracts">, history: ChainRecord[]) {
  const failures: string[] = [];
  let escrowed = 0n;
  let released = 0n;
  let paidItems = 0;
  const analyses = new Map(recordedAnalyses(history).map((entry) => [entry.analysisId, entry]));
  const requests = new Map(
    history
      .filter((event) => event.name === "AccessRequested")
      .map((event) => [lower(event.args.requestId), event]),
  );
  let shareBps: bigint | null = null;
  for (const event of history) {
    if (event.name === "AnalysesFunded") escrowed += BigInt(event.args.amount as bigint);
    if (event.name === "AnalysisRefunded") released += BigInt(event.args.amount as bigint);
    if (event.name !== "AnalysisSettled") continue;
    shareBps ??= BigInt(await chain.contracts.marketplace.ANALYSIS_FEE_BPS());
    const analysisId = lower(event.args.analysisId);
    const index = Number(event.args.index);
    const credited = BigInt(event.args.credited as bigint);
    const analysis = analyses.get(analysisId);
    const request = analysis ? requests.get(analysis.requestId) : undefined;
    const price = (request?.args.prices as bigint[] | undefined)?.[index];
    const where = `analysis ${analysisId} item ${index}`;
    if (!analysis || price === undefined || !analysis.indices.includes(index)) {
      failures.push(`${where}: paid, but the analysis did not use this item`);
      continue;
    }
    const share = (BigInt(price) * shareBps) / 10_000n;
    if (credited > share)
      failures.push(`${where}: credited ${credited}, more than its share ${share}`);
    released += share;
    paidItems += 1;
  }
  // Everything released from escrow is credited to someone's balance (owner, fee, researcher).
  return { escrowed, released, owed: released, paidItems, failures };
}
