import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../../_components/not-for-role";
import { requireRole } from "../../../_components/require-role";
import { TrialOverview } from "./trial-overview";

export default async function SponsorTrialPage(props: { params: Promise<{ id: string }> }) {
  const { isAllowed } = await requireRole("SPONSOR");
  if (!isAllowed) return <NotForRole what="Sponsor trials" />;
  const { id } = await props.params;
  await prefetch.trials.overview.prefetch({ trialId: id });
  return (
    <HydrateClient>
      <TrialOverview trialId={id} />
    </HydrateClient>
  );
}
