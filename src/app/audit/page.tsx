import { NotForRole } from "../_components/not-for-role";
import { requireRole } from "../_components/require-role";
import { AuditPanel } from "./audit-panel";

export default async function AuditPage() {
  const { isAllowed } = await requireRole("AUDITOR", "SPONSOR");
  if (!isAllowed) return <NotForRole what="Trial audits" />;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Trial audit</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        An audit reads the contracts&apos; own event logs, not TrialShare&apos;s database, and
        checks five things: each listing&apos;s records still hash to the root anchored on chain;
        every data use happened under valid consent for its purpose; escrow, payouts and refunds
        balance; the database agrees with the chain; and every analysis run where the data lives
        stayed within consent and its listings&apos; privacy budgets, its released result matching
        the hash recorded on chain. The same report comes from{" "}
        <code>npm run --silent verify -- trial ID</code>.
      </p>
      <AuditPanel />
    </div>
  );
}
