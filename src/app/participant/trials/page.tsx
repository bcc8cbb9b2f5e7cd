import { HydrateClient, prefetch } from "~/trpc/server";
import { NotForRole } from "../../_components/not-for-role";
import { requireRole } from "../../_components/require-role";
import { JoinTrial } from "./join-trial";
import { TrialsList } from "./trials-list";

export default async function ParticipantTrialsPage() {
  const { isAllowed } = await requireRole("PARTICIPANT");
  if (!isAllowed) return <NotForRole what="Enrolment" />;
  await prefetch.enrollments.trials.prefetch();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Trials</h1>
      <p className="max-w-2xl text-sm text-slate-600">
        Enrolling records a commitment on chain — a hash of your trial subject number and a secret
        salt — never your identity, and needs the invitation your study team gives you. When a
        sponsor amends the protocol you will be asked to consent again; until you do, your listings
        linked to the trial cannot be requested or used.
      </p>
      <JoinTrial />
      <HydrateClient>
        <TrialsList />
      </HydrateClient>
    </div>
  );
}
