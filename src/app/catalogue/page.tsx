import { Suspense } from "react";
import { NotForRole } from "../_components/not-for-role";
import { requireRole } from "../_components/require-role";
import { Catalogue } from "./catalogue";
import { LoadingState } from "../_components/page-state";

export default async function CataloguePage() {
  const { user, isAllowed } = await requireRole("RESEARCHER", "SPONSOR", "AUDITOR");
  if (!isAllowed) return <NotForRole what="The catalogue" />;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Catalogue</h1>
      <p className="text-sm text-slate-600">
        Published listings whose anchor is confirmed on chain and whose consent is in force.
      </p>
      {/* The search is read from the URL, which is known only in the browser. */}
      <Suspense fallback={<LoadingState label="Loading the catalogue…" />}>
        <Catalogue canRequest={user.role === "RESEARCHER"} />
      </Suspense>
    </div>
  );
}
