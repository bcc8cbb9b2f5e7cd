import Link from "next/link";
import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../../../_components/not-for-role";
import { requireRole } from "../../../../_components/require-role";
import { AnalysisList } from "../analyses/analysis-list";
import { AnalysisBuilder } from "./analysis-builder";

export default async function AnalysePage({ params }: { params: Promise<{ id: string }> }) {
  const { isAllowed } = await requireRole("RESEARCHER");
  if (!isAllowed) return <NotForRole what="Analyses" />;
  const { id } = await params;
  await Promise.all([
    prefetch.analyses.catalogue.prefetch({ requestId: id }),
    prefetch.analyses.list.prefetch({ requestId: id }),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Analyse here</h1>
      <p>
        <Link className="text-teal-800 underline" href="/researcher/requests">
          Back to my requests
        </Link>
      </p>
      <HydrateClient>
        <AnalysisBuilder requestId={id} />
        <AnalysisList requestId={id} />
      </HydrateClient>
    </div>
  );
}
