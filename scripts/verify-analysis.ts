import { readFile } from "node:fs/promises";
import { JsonRpcProvider } from "ethers";
import { z } from "zod";
import { DataMarketplace__factory } from "~/server/generated/contracts";
import { outputHashOf, releasedBytes } from "~/server/services/analyses/analysis-hashes";
import { readAnalysisRecord, readRecordedAnalysis } from "~/server/services/audit/analysis-records";

/** What a released result file must name to be checked (the rest is hashed as it is). */
const ZResultFile = z.looseObject({
  version: z.literal(1),
  chainId: z.number(),
  marketplace: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  analysisId: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  queryHash: z.string(),
  epsilonCentis: z.number(),
});

/**
 * `verify analysis RESULT.json`: the released file's canonical bytes (the form it was sealed
 * in, so re-indenting the file changes nothing, any changed value does) against the output hash
 * the chain recorded for its analysis id.
 */
export async function verifyAnalysis(
  file: string,
  options: { rpc?: string },
  exit: (code: number, message: string) => never,
) {
  let document: unknown;
  let header: z.infer<typeof ZResultFile>;
  try {
    document = JSON.parse(await readFile(file, "utf8"));
    header = ZResultFile.parse(document);
  } catch (error) {
    exit(2, `${file} is not an analysis result file: ${(error as Error).message.split("\n")[0]}`);
  }
  const rpc = options.rpc ?? process.env.CHAIN_RPC_URL ?? "http://127.0.0.1:8545";
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  let chainId: number;
  try {
    chainId = Number((await provider.send("eth_chainId", [])) as string);
  } catch {
    exit(2, `the RPC at ${rpc} is not reachable`);
  }
  if (chainId !== header.chainId)
    exit(2, `the RPC serves chain ${chainId}; the result is for chain ${header.chainId}`);
  const marketplace = DataMarketplace__factory.connect(header.marketplace, provider);
  const computed = outputHashOf(releasedBytes(document)).toLowerCase();
  const stored = await readAnalysisRecord(marketplace, header.analysisId);
  const event = stored ? await readRecordedAnalysis(marketplace, header.analysisId) : null;
  provider.destroy();
  const failures: string[] = [];
  if (!stored || !event)
    failures.push(`no analysis ${header.analysisId} is recorded on chain ${chainId}`);
  else {
    if (computed !== stored.outputHash || computed !== event.outputHash)
      failures.push(
        `the file hashes to ${computed}, but the chain recorded ${stored.outputHash}: the result was changed after it was released`,
      );
    if (header.queryHash.toLowerCase() !== event.queryHash)
      failures.push(`the file's query hash differs from the recorded ${event.queryHash}`);
    if (header.epsilonCentis !== event.epsilon)
      failures.push(
        `the file's ε ${header.epsilonCentis / 100} differs from the recorded ε ${event.epsilon / 100}`,
      );
  }
  const summary = {
    chainId,
    analysisId: header.analysisId,
    outputHash: computed,
    recordedOutputHash: stored?.outputHash ?? null,
    epsilon: event ? event.epsilon / 100 : null,
    listings: stored?.listings ?? null,
    failures,
    ok: failures.length === 0,
  };
  console.log(
    summary.ok
      ? `analysis ${header.analysisId}: the file matches the output hash recorded on chain (ε ${summary.epsilon}, ${summary.listings} listings)`
      : `analysis ${header.analysisId}: ${failures[0]}`,
  );
  console.log(JSON.stringify(summary));
  process.exit(summary.ok ? 0 : 1);
}
