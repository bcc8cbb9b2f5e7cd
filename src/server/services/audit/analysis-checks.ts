import "server-only";
import type { Chain } from "~/server/chain/client";
import { outputHashOf } from "~/server/services/analyses/analysis-hashes";
import { isBefore, type ChainRecord } from "./chain-history";
import type { CheckResult } from "./checks";
import { buildEpochIndex, isInForceAt } from "./consent-epochs";
import { readAnalysisRecord, readPrivacyBudget, recordedAnalyses } from "./analysis-records";

/**
 * 5. Analyses (compute-to-data, docs/compute-to-data.md §5): every analysis the chain recorded
 * over the trial's listings used only approved items whose consent was in force (the epoch the
 * request was made in, not expired, purpose allowed, inside the access period); no listing's ε
 * adds up past its budget and the database mirror never claims less spent than the chain; every
 * released output in the database hashes to the hash recorded on chain, and the database and the
 * chain know the same analyses. Failures name the analysis (its on-chain id and job) and listing.
 */
export type AuditedAnalysisJob = {
  id: string;
  chainKey: string;
  status: string;
  outputHash: string | null;
  /** The stored released file's bytes, or null when it is missing. */
  readOutput: () => Promise<Uint8Array | null>;
};

export type AuditedBudget = { listingId: string; chainKey: string; spentCentis: number | null };

const lower = (value: unknown) => String(value).toLowerCase();
const APPROVED = 2;

export async function checkAnalyses(
  chain: Pick<Chain, "contracts">,
  history: ChainRecord[],
  database: { listings: AuditedBudget[]; jobs: AuditedAnalysisJob[] },
): Promise<CheckResult> {
  const failures: string[] = [];
  const listingKeys = new Map(database.listings.map((row) => [row.chainKey.toLowerCase(), row]));
  const requests = new Map(
    history
      .filter((event) => event.name === "AccessRequested")
      .map((event) => [lower(event.args.requestId), event]),
  );
  const epochs = buildEpochIndex(history);
  const jobs = new Map(database.jobs.map((job) => [job.chainKey.toLowerCase(), job]));
  const spentByListing = new Map<string, number>();
  const seen = new Set<string>();
  let analyses = 0;
  for (const analysis of recordedAnalyses(history)) {
    const request = requests.get(analysis.requestId);
    const listings = (request?.args.listingIds as string[] | undefined)?.map(lower) ?? [];
    const used = analysis.indices.map((index) => ({ index, listing: listings[index] }));
    const ours = used.filter(({ listing }) => listing && listingKeys.has(listing));
    if (ours.length === 0 && !jobs.has(analysis.analysisId)) continue;
    analyses += 1;
    seen.add(analysis.analysisId);
    const job = jobs.get(analysis.analysisId);
    const name = `analysis ${analysis.analysisId}${job ? ` (job ${job.id})` : ""}`;
    if (!request || used.some(({ listing }) => !listing)) {
      failures.push(`${name}: charged an item its request ${analysis.requestId} does not have`);
      continue;
    }
    for (const { index, listing } of ours) {
      const where = `${name}, listing ${listing}`;
      spentByListing.set(listing!, (spentByListing.get(listing!) ?? 0) + analysis.epsilon);
      failures.push(
        ...consentProblems(history, epochs, request, analysis.event, index, listing!, where),
      );
    }
    failures.push(...(await outputProblems(chain, analysis, job, name)));
  }
  for (const job of database.jobs)
    if (job.status === "RELEASED" && !seen.has(job.chainKey.toLowerCase()))
      failures.push(
        `analysis ${job.chainKey} (job ${job.id}) is released in the database but was never recorded on chain`,
      );
  let charged = 0;
  for (const [key, row] of listingKeys) {
    const fromEvents = spentByListing.get(key) ?? 0;
    const budget = await readPrivacyBudget(chain, key);
    const where = `listing ${row.listingId} (${key})`;
    if (fromEvents > 0) charged += 1;
    if (fromEvents > budget.total)
      failures.push(
        `${where}: analyses charged ε ${fromEvents / 100}, over its budget of ε ${budget.total / 100}`,
      );
    if (fromEvents !== budget.spent)
      failures.push(
        `${where}: the chain counts ε ${budget.spent / 100} spent but its recorded analyses add up to ε ${fromEvents / 100}`,
      );
    // More spent in the mirror is conservative (a charge not projected yet); less would let the
    // app offer ε the chain has already used.
    if ((row.spentCentis ?? 0) < budget.spent)
      failures.push(
        `${where}: the database shows ε ${(row.spentCentis ?? 0) / 100} spent, the chain ε ${budget.spent / 100}`,
      );
  }
  return {
    name: "analyses",
    passed: failures.length === 0,
    evidence: {
      analysesOnChain: analyses,
      listingsCharged: charged,
      jobsInDatabase: database.jobs.length,
    },
    failures,
  };
}

function consentProblems(
  history: ChainRecord[],
  epochs: ReturnType<typeof buildEpochIndex>,
  request: ChainRecord,
  at: ChainRecord,
  index: number,
  listing: string,
  where: string,
): string[] {
  const requestId = lower(request.args.requestId);
  const isApproved =
    Number((request.args.statuses as bigint[])[index]) === APPROVED ||
    history.some(
      (other) =>
        other.name === "ItemDecided" &&
        lower(other.args.requestId) === requestId &&
        Number(other.args.index) === index &&
        other.args.approved === true &&
        isBefore(other, at),
    );
  if (!isApproved) return [`${where}: the item was never approved`];
  const requested = epochs.epochAt(listing, request);
  const current = epochs.epochAt(listing, at);
  if (!current) return [`${where}: no consent was ever granted`];
  if (!requested || requested.grant !== current.grant)
    return [`${where}: consent was given anew after the request; its approval was void`];
  if (!isInForceAt(current, at))
    return [`${where}: consent had ended (${current.end!.name}) before the analysis`];
  if (Number(current.grant.args.expiresAt) * 1000 <= at.time.getTime())
    return [`${where}: consent had expired`];
  if (((Number(current.grant.args.purposes) >> Number(request.args.purpose)) & 1) !== 1)
    return [`${where}: the request's purpose was not allowed`];
  if (at.time.getTime() > Number(request.args.accessUntil) * 1000)
    return [`${where}: after the request's access period`];
  return [];
}

async function outputProblems(
  chain: Pick<Chain, "contracts">,
  analysis: ReturnType<typeof recordedAnalyses>[number],
  job: AuditedAnalysisJob | undefined,
  name: string,
): Promise<string[]> {
  const stored = await readAnalysisRecord(chain.contracts.marketplace, analysis.analysisId);
  if (stored?.outputHash !== analysis.outputHash)
    return [`${name}: the chain's stored output hash differs from its AnalysisRecorded event`];
  if (!job) return [`${name}: recorded on chain but has no job in the database`];
  if (job.outputHash?.toLowerCase() !== analysis.outputHash)
    return [
      `${name}: the database's output hash ${job.outputHash} differs from the recorded ${analysis.outputHash}`,
    ];
  const bytes = await job.readOutput();
  if (!bytes) return [`${name}: its released output file is missing`];
  if (outputHashOf(bytes).toLowerCase() !== analysis.outputHash)
    return [
      `${name}: its released output file does not hash to the recorded ${analysis.outputHash}`,
    ];
  return [];
}
