import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";
import { Ledger } from "./ledger";

export default async function LedgerPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="The data ledger" />;
  await prefetch.ledger.mine.prefetch();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">My data ledger</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Every request, decision, use and analysis of your data, and every payment, with the
        transaction that proves it.
      </p>
      <HydrateClient>
        <Ledger />
      </HydrateClient>
    </div>
  );
}
