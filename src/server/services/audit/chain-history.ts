import "server-only";
import type { Chain } from "~/server/chain/client";

/**
 * Every event of the trial registry and the marketplace, read straight from the chain's logs
 * (not from the indexed database), in chain order: what an auditor rebuilds history from.
 */
export type ChainRecord = {
  name: string;
  args: Record<string, unknown>;
  blockNumber: number;
  logIndex: number;
  txHash: string;
  time: Date;
};

const PAGE = 5_000;

export async function readChainHistory(chain: Chain): Promise<ChainRecord[]> {
  const contracts = [chain.contracts.trialRegistry, chain.contracts.marketplace];
  const addresses = [
    chain.deployment.contracts.TrialRegistry,
    chain.deployment.contracts.DataMarketplace,
  ];
  const head = await chain.provider.getBlockNumber();
  const records: ChainRecord[] = [];
  const times = new Map<number, Date>();
  for (let from = chain.deployment.startBlock; from <= head; from += PAGE) {
    const logs = await chain.provider.getLogs({
      address: addresses,
      fromBlock: from,
      toBlock: Math.min(head, from + PAGE - 1),
    });
    for (const log of logs) {
      const contract =
        contracts[
          addresses.findIndex((address) => address.toLowerCase() === log.address.toLowerCase())
        ];
      const parsed = contract?.interface.parseLog(log);
      if (!parsed) continue;
      if (!times.has(log.blockNumber)) {
        const block = await chain.provider.getBlock(log.blockNumber);
        times.set(log.blockNumber, new Date((block?.timestamp ?? 0) * 1000));
      }
      const args = Object.fromEntries(
        parsed.fragment.inputs.map((input, index) => [input.name, parsed.args[index] as unknown]),
      );
      records.push({
        name: parsed.name,
        args,
        blockNumber: log.blockNumber,
        logIndex: log.index,
        txHash: log.transactionHash,
        time: times.get(log.blockNumber)!,
      });
    }
  }
  return records;
}

export function isBefore(
  a: Pick<ChainRecord, "blockNumber" | "logIndex">,
  b: Pick<ChainRecord, "blockNumber" | "logIndex">,
): boolean {
  return (
    a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex)
  );
}
