import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { NewListingForm } from "./new-listing-form";

export default async function NewListingPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Publishing listings" />;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">New listing</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Your records are encrypted at rest. Their Merkle root and your consent terms are anchored on
        chain when you sign, so anyone can later check that your data was never altered and used
        only as you allow.
      </p>
      <NewListingForm />
    </div>
  );
}
