/**
 * `npm run --silent verify -- trial TRIAL_ID [--rpc URL] [--data DIR]`
 * Runs the five audit checks of a trial (by id or registry id, e.g. DEMO-0001): data against
 * anchors, consent at every use, money, database against chain, analyses. Prints a JSON report; exit 0
 * when every check passes, 1 when any fails (failing items listed), 2 on bad arguments or an
 * unreachable RPC. The data check reads the encrypted store, or plain files in DIR named
 * <listing chain id>.csv.
 *
 * `npm run --silent verify -- extract MANIFEST.json [--csv EXTRACT.csv] [--rpc URL]`
 * Checks an extract against the chain alone (JSON-RPC, no database, no TrialShare server):
 * every record's Merkle proof against its listing's anchored root, and that a data use with
 * the extract's root was recorded for the request. With --csv, the extract's root is
 * recomputed from the file too. Exit 0 when everything verifies, 1 when anything fails (listed),
 * 2 on bad arguments or an unreachable RPC.
 *
 * `npm run --silent verify -- analysis RESULT.json [--rpc URL]`
 * Checks a released analysis result file against the chain alone: its canonical bytes must hash
 * to the output hash the chain recorded for the file's analysis id (and its query hash and ε must
 * be the recorded ones). Exit 0 when it matches, 1 when it does not (the reason on one line), 2
 * on a file that is not a result or an unreachable RPC.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { JsonRpcProvider } from "ethers";
import Papa from "papaparse";
import { unescapeRow } from "~/shared/csv-safety";
import { z } from "zod";
import { connectChain, type Chain } from "~/server/chain/client";
import { openDatabase } from "~/server/db";
import { isAppError } from "~/server/errors";
import { DataMarketplace__factory } from "~/server/generated/contracts";
import { applyMigrations } from "~/server/migrate";
import { runAudit } from "~/server/services/audit/run-audit";
import { computeDataRoot } from "~/server/integrity/merkle";
import { verifyAnalysis } from "./verify-analysis";

const USAGE = [
  "usage: npm run --silent verify -- trial TRIAL_ID [--rpc URL] [--data DIR]",
  "       npm run --silent verify -- extract MANIFEST.json [--csv EXTRACT.csv] [--rpc URL]",
  "       npm run --silent verify -- analysis RESULT.json [--rpc URL]",
].join("\n");

const ZManifest = z.object({
  version: z.literal(1),
  chainId: z.number(),
  marketplace: z.string(),
  requestId: z.string(),
  extractRoot: z.string(),
  leafEncoding: z.array(z.string()),
  records: z.array(
    z.object({
      row: z.number(),
      listingId: z.string(),
      dataVersion: z.number(),
      index: z.number(),
      recordHash: z.string(),
      proof: z.array(z.string()),
    }),
  ),
});

function exit(code: number, message: string): never {
  process.stderr.write(`verify: ${message}\n`);
  process.exit(code);
}

async function verifyExtract(manifestPath: string, options: { rpc?: string; csv?: string }) {
  let manifest: z.infer<typeof ZManifest>;
  try {
    manifest = ZManifest.parse(JSON.parse(await readFile(manifestPath, "utf8")));
  } catch (error) {
    exit(
      2,
      `${manifestPath} is not an extract manifest: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const rpc = options.rpc ?? process.env.CHAIN_RPC_URL ?? "http://127.0.0.1:8545";
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 1 });
  let chainId: number;
  try {
    chainId = Number((await provider.send("eth_chainId", [])) as string);
  } catch {
    exit(2, `the RPC at ${rpc} is not reachable`);
  }
  if (chainId !== manifest.chainId)
    exit(2, `the RPC serves chain ${chainId}; the manifest is for chain ${manifest.chainId}`);
  const marketplace = DataMarketplace__factory.connect(manifest.marketplace, provider);

  const roots = new Map<string, string>();
  const failures: string[] = [];
  for (const record of manifest.records) {
    const key = `${record.listingId}@${record.dataVersion}`;
    if (!roots.has(key))
      roots.set(key, await marketplace.dataRootAt(record.listingId, record.dataVersion));
    const root = roots.get(key)!;
    const isValid = StandardMerkleTree.verify(
      root,
      manifest.leafEncoding,
      [record.index, record.recordHash],
      record.proof,
    );
    if (!isValid)
      failures.push(
        `row ${record.row}: proof does not lead to the root anchored for listing ${record.listingId} (version ${record.dataVersion})`,
      );
  }
  const uses = await marketplace.queryFilter(
    marketplace.filters.DataUseRecorded(manifest.requestId),
  );
  const isUseRecorded = uses.some((use) => use.args.extractRoot === manifest.extractRoot);
  if (!isUseRecorded)
    failures.push(
      `no data use with extract root ${manifest.extractRoot} is recorded for request ${manifest.requestId}`,
    );
  let csvRootMatches: boolean | null = null;
  if (options.csv) {
    const rows = Papa.parse<Record<string, string>>(await readFile(options.csv, "utf8"), {
      header: true,
      skipEmptyLines: "greedy",
    }).data;
    // Cells were escaped against formula injection on export; the hash is of the values.
    csvRootMatches = computeDataRoot(rows.map(unescapeRow)) === manifest.extractRoot;
    if (!csvRootMatches)
      failures.push(`${options.csv} does not hash to the manifest's extract root`);
  }
  provider.destroy();
  const summary = {
    chainId,
    request: manifest.requestId,
    records: manifest.records.length,
    listings: new Set(manifest.records.map((record) => record.listingId)).size,
    proofsValid:
      manifest.records.length - failures.filter((failure) => failure.startsWith("row ")).length,
    dataUseRecorded: isUseRecorded,
    csvRootMatches,
    failures,
    ok: failures.length === 0,
  };
  console.log(
    `${summary.proofsValid}/${summary.records} record proofs valid against ${summary.listings} anchored root(s); data use on chain: ${isUseRecorded ? "yes" : "NO"}${csvRootMatches === null ? "" : `; CSV root: ${csvRootMatches ? "matches" : "DIFFERS"}`}`,
  );
  console.log(JSON.stringify(summary));
  process.exit(summary.ok ? 0 : 1);
}

async function verifyTrial(trial: string, options: { rpc?: string; data?: string }) {
  if (options.data && !existsSync(options.data)) exit(2, `no folder ${options.data}`);
  let chain: Chain;
  try {
    chain = await connectChain({ rpcUrl: options.rpc });
  } catch (error) {
    exit(2, (error as Error).message);
  }
  const database = openDatabase();
  try {
    await applyMigrations(database);
    const report = await runAudit({ db: database.prisma, chain, trial, dataDir: options.data });
    console.log(
      JSON.stringify(
        report,
        (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
        2,
      ),
    );
    process.exitCode = report.passed ? 0 : 1;
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") exit(2, error.message);
    throw error;
  } finally {
    chain.provider.destroy();
    await database.close();
  }
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { rpc: { type: "string" }, csv: { type: "string" }, data: { type: "string" } },
    });
  } catch (error) {
    exit(2, `${(error as Error).message}\n${USAGE}`);
  }
  const [command, target] = parsed.positionals;
  if (command === "extract" && target) return verifyExtract(target, parsed.values);
  if (command === "trial" && target) return verifyTrial(target, parsed.values);
  if (command === "analysis" && target) return verifyAnalysis(target, parsed.values, exit);
  exit(2, USAGE);
}

void main();
