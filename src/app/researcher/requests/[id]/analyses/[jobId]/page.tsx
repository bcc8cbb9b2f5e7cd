import Link from "next/link";
import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../../../../_components/not-for-role";
import { requireRole } from "../../../../../_components/require-role";
import { AnalysisOutcome } from "../analysis-outcome";

export default async function AnalysisResultPage({
  params,
}: {
  params: Promise<{ id: string; jobId: string }>;
}) {
  const { isAllowed } = await requireRole("RESEARCHER");
  if (!isAllowed) return <NotForRole what="Analyses" />;
  const { id, jobId } = await params;
  await prefetch.analyses.get.prefetch({ jobId });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Analysis result</h1>
      <p>
        <Link className="text-teal-800 underline" href={`/researcher/requests/${id}/analyse`}>
          Back to the analyses of this request
        </Link>
      </p>
      <HydrateClient>
        <div className="card">
          <AnalysisOutcome jobId={jobId} />
        </div>
      </HydrateClient>
    </div>
  );
}
