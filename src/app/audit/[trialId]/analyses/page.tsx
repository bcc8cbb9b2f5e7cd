import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { AnalysesView } from "./analyses-view";

export default async function TrialAnalysesPage(props: { params: Promise<{ trialId: string }> }) {
  const { isAllowed } = await requireRole("AUDITOR", "SPONSOR");
  if (!isAllowed) return <NotForRole what="A trial's analyses" />;
  const { trialId } = await props.params;
  return <AnalysesView trialId={trialId} />;
}
