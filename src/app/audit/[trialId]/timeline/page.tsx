import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { TimelineView } from "./timeline-view";

export default async function TimelinePage(props: { params: Promise<{ trialId: string }> }) {
  const { isAllowed } = await requireRole("AUDITOR", "SPONSOR");
  if (!isAllowed) return <NotForRole what="Trial timelines" />;
  const { trialId } = await props.params;
  return <TimelineView trialId={trialId} />;
}
