import { formatEther } from "ethers";
import { getChain } from "~/server/chain/client";
import { requireRole } from "../../_components/require-role";

/**
 * A transaction as the node reports it, with the events our contracts emitted in it: the
 * target of timeline links (a public explorer would do the same on a public chain).
 */
export default async function TransactionPage(props: { params: Promise<{ hash: string }> }) {
  await requireRole();
  const { hash } = await props.params;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hash))
    return <p className="card text-red-800">That is not a transaction hash.</p>;
  const chain = await getChain();
  const [tx, receipt] = await Promise.all([
    chain.provider.getTransaction(hash),
    chain.provider.getTransactionReceipt(hash),
  ]);
  if (!tx || !receipt)
    return <p className="card text-slate-700">This chain has no transaction {hash}.</p>;
  const contracts = [
    chain.contracts.trialRegistry,
    chain.contracts.marketplace,
    chain.contracts.token,
  ];
  const events = receipt.logs.flatMap((log) => {
    for (const contract of contracts) {
      const parsed = contract.interface.parseLog(log);
      if (parsed)
        return [
          {
            index: log.index,
            name: parsed.name,
            args: parsed.fragment.inputs.map(
              (input, i) => `${input.name}=${String(parsed.args[i])}`,
            ),
          },
        ];
    }
    return [];
  });
  const block = await chain.provider.getBlock(receipt.blockNumber);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Transaction</h1>
      <dl className="card grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-600">Hash</dt>
        <dd className="mono">{hash}</dd>
        <dt className="text-slate-600">Status</dt>
        <dd>{receipt.status === 1 ? "Succeeded" : "Reverted"}</dd>
        <dt className="text-slate-600">Block</dt>
        <dd>
          {receipt.blockNumber}
          {block && ` · ${new Date(block.timestamp * 1000).toISOString()}`}
        </dd>
        <dt className="text-slate-600">From (relayer)</dt>
        <dd className="mono">{tx.from}</dd>
        <dt className="text-slate-600">To</dt>
        <dd className="mono">{tx.to}</dd>
        <dt className="text-slate-600">Gas used</dt>
        <dd>
          {receipt.gasUsed.toString()} · fee {formatEther(receipt.fee)} ETH
        </dd>
        <dt className="text-slate-600">Chain</dt>
        <dd>{chain.chainId}</dd>
      </dl>
      <section className="card space-y-2">
        <h2 className="text-lg font-semibold">Events</h2>
        <ul className="space-y-1 text-sm">
          {events.map((event) => (
            <li key={event.index}>
              <strong>{event.name}</strong> <span className="mono">{event.args.join(", ")}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
